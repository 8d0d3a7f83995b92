// gRPC door of reminders on a job: staff set a future reminder (history entry and reminder_set event in one
// transaction); the reminder scheduler (workers/reminder-scheduler.ts) sends it when due.
import { newId, PermissionDenied, unary } from '@fieldline/platform';
import type { jobs } from '@fieldline/proto';
import { STAFF_ROLES } from '../domain/directory.js';
import { idValue } from '../domain/job-input.js';
import { newReminder, type Reminder } from '../domain/reminders.js';
import { reminderEvent } from '../events/activity-events.js';
import { appendHistory, loadJobForCaller } from '../store/job-access.js';
import { RemindersStore } from '../store/reminders.store.js';
import { reminderToProto } from './activity-to-proto.js';
import { actorOf } from './caller.js';
import type { JobsDeps } from './deps.js';

export type RemindersHandlers = Pick<jobs.JobActivityServiceServer, 'setReminder' | 'listReminders'>;

export function remindersHandlers(deps: JobsDeps): RemindersHandlers {
  const { log } = deps;
  return {
    setReminder: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx);
      if (!STAFF_ROLES.includes(actor.role)) {
        throw new PermissionDenied('only staff set reminders on jobs', 'REMINDER_FORBIDDEN');
      }
      const jobId = idValue('jobId', req.jobId);
      const now = deps.clock();
      const input = newReminder({ remindAt: req.remindAt, message: req.message }, now);
      const reminder: Reminder = {
        id: newId('rem'),
        tenantId: actor.tenantId,
        jobId,
        ...input,
        createdBy: actor.userId,
        state: 'pending',
        createdAt: now,
      };
      await deps.db.transaction().execute(async (tx) => {
        const job = await loadJobForCaller(tx, actor, jobId, 'read');
        await new RemindersStore(tx).insert(reminder);
        await appendHistory(tx, {
          tenantId: actor.tenantId,
          jobId,
          actorId: actor.userId,
          kind: 'reminder_set',
          changes: [{ field: 'reminder', from: null, to: { id: reminder.id, remindAt: reminder.remindAt } }],
          at: now,
        });
        await deps.outbox.add(tx, reminderEvent('reminder_set', reminder, job));
      });
      return reminderToProto(reminder);
    }),

    listReminders: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx);
      const jobId = idValue('jobId', req.jobId);
      const reminders = await deps.db.transaction().execute(async (tx) => {
        await loadJobForCaller(tx, actor, jobId, 'read');
        return new RemindersStore(tx).list(actor.tenantId, jobId);
      });
      return { reminders: reminders.map(reminderToProto) };
    }),
  };
}
