// SQL for job reminders (job_reminders), including the scheduler's claim of due ones with SKIP LOCKED.
import type { Kysely } from 'kysely';
import type { Reminder, ReminderState } from '../domain/reminders.js';
import type { JobsDb } from './schema.js';

export interface JobRemindersTable {
  id: string;
  tenant_id: string;
  job_id: string;
  remind_at: Date;
  message: string;
  created_by: string;
  state: string;
  created_at: Date;
  sent_at: Date | null;
}

type RemindersDb = JobsDb & { job_reminders: JobRemindersTable };

const toReminder = (r: JobRemindersTable): Reminder => ({
  id: r.id,
  tenantId: r.tenant_id,
  jobId: r.job_id,
  remindAt: r.remind_at,
  message: r.message,
  createdBy: r.created_by,
  state: r.state as ReminderState,
  createdAt: r.created_at,
  sentAt: r.sent_at ?? undefined,
});

export class RemindersStore {
  private readonly db: Kysely<RemindersDb>;

  constructor(db: Kysely<JobsDb>) {
    this.db = db.withTables<{ job_reminders: JobRemindersTable }>();
  }

  async insert(r: Reminder): Promise<void> {
    await this.db
      .insertInto('job_reminders')
      .values({
        id: r.id,
        tenant_id: r.tenantId,
        job_id: r.jobId,
        remind_at: r.remindAt,
        message: r.message,
        created_by: r.createdBy,
        state: r.state,
        created_at: r.createdAt,
        sent_at: r.sentAt ?? null,
      })
      .execute();
  }

  async list(tenantId: string, jobId: string): Promise<Reminder[]> {
    const rows = await this.db
      .selectFrom('job_reminders')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('job_id', '=', jobId)
      .orderBy('remind_at')
      .orderBy('id')
      .execute();
    return rows.map(toReminder);
  }

  /**
   * Locks up to `limit` pending reminders due at `now`, oldest first, skipping the ones another replica has
   * locked: each due reminder is handled by exactly one transaction. Run inside the transaction that marks
   * them.
   */
  async claimDue(now: Date, limit: number): Promise<Reminder[]> {
    const rows = await this.db
      .selectFrom('job_reminders')
      .selectAll()
      .where('state', '=', 'pending')
      .where('remind_at', '<=', now)
      .orderBy('remind_at')
      .orderBy('id')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    return rows.map(toReminder);
  }

  async markHandled(tenantId: string, id: string, state: Exclude<ReminderState, 'pending'>, at: Date): Promise<void> {
    await this.db
      .updateTable('job_reminders')
      .set({ state, sent_at: state === 'sent' ? at : null })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .execute();
  }
}
