// Reminders through the real jobs service: setting one (checks, event, history), and the scheduler sending
// each due reminder exactly once even with two schedulers racing over the same database.

import { jobsEvents } from '@fieldline/proto';
import { waitFor } from '@fieldline/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sendDueReminders, startReminderScheduler } from '../src/workers/reminder-scheduler.js';
import { type Activity, failure, activityReq as req, startActivity, type Tenant } from './activity-harness.js';

let h: Activity;
let t: Tenant;
let other: Tenant;
beforeAll(async () => {
  h = await startActivity('reminders');
  [t, other] = await Promise.all([h.newTenant(), h.newTenant()]);
});
afterAll(async () => {
  await h?.stop();
});

const inHours = (n: number) => new Date(Date.now() + n * 3_600_000);
const reminderRows = (jobId: string) =>
  h.deps.db
    .withTables<{ job_reminders: { id: string; job_id: string; state: string } }>()
    .selectFrom('job_reminders')
    .select(['id', 'state'])
    .where('job_id', '=', jobId)
    .orderBy('id')
    .execute();
const dueEvents = async (jobId: string) =>
  (
    await h.deps.db
      .withTables<{ outbox: { type: string; envelope: Buffer } }>()
      .selectFrom('outbox')
      .select(['type', 'envelope'])
      .where('type', '=', 'reminder_due')
      .execute()
  ).filter((r) => Buffer.from(r.envelope).includes(jobId));

describe('setting reminders', () => {
  it('keeps a future reminder as pending, publishes reminder_set and lists it', async () => {
    const job = await h.newJob(t);
    const at = inHours(24);

    const reminder = await h.jobs.activity.setReminder(
      req.setReminder({ jobId: job.id, remindAt: at, message: 'bring the part' }),
      {
        caller: t.dispatcher,
      },
    );
    const event = await h.events.next('reminder_set', jobsEvents.ReminderEvent, (p) => p.reminder?.id === reminder.id);
    const listed = await h.jobs.activity.listReminders({ jobId: job.id }, { caller: t.guest });

    expect(reminder).toMatchObject({
      jobId: job.id,
      remindAt: at,
      message: 'bring the part',
      state: 'pending',
      createdBy: t.dispatcher.userId,
    });
    expect(event.job?.id).toBe(job.id);
    expect(listed.reminders.map((r) => r.id)).toEqual([reminder.id]);
  });

  it('refuses a time not in the future and a message over 500 characters, naming the field', async () => {
    const job = await h.newJob(t);

    const past = await failure(
      h.jobs.activity.setReminder(req.setReminder({ jobId: job.id, remindAt: inHours(-1) }), { caller: t.admin }),
    );
    const none = await failure(h.jobs.activity.setReminder(req.setReminder({ jobId: job.id }), { caller: t.admin }));
    const long = await failure(
      h.jobs.activity.setReminder(req.setReminder({ jobId: job.id, remindAt: inHours(1), message: 'x'.repeat(501) }), {
        caller: t.admin,
      }),
    );

    expect(past).toMatchObject({ kind: 'invalid_argument', field: 'remindAt' });
    expect(none).toMatchObject({ kind: 'invalid_argument', field: 'remindAt' });
    expect(long).toMatchObject({ kind: 'invalid_argument', field: 'message' });
    expect(await reminderRows(job.id)).toEqual([]);
  });

  it('leaves reminders to staff, and answers NOT_FOUND out of sight and in another tenant', async () => {
    const job = await h.newJob(t);
    const body = req.setReminder({ jobId: job.id, remindAt: inHours(1) });

    expect(await failure(h.jobs.activity.setReminder(body, { caller: t.client }))).toMatchObject({
      kind: 'permission_denied',
    });
    for (const caller of [t.outsider, other.admin]) {
      expect(await failure(h.jobs.activity.setReminder(body, { caller }))).toMatchObject({ kind: 'not_found' });
      expect(await failure(h.jobs.activity.listReminders({ jobId: job.id }, { caller }))).toMatchObject({
        kind: 'not_found',
      });
    }
  });
});

describe('the reminder scheduler', () => {
  it('sends every due reminder exactly once while two schedulers race, and leaves later ones pending', async () => {
    const job = await h.newJob(t);
    for (let i = 0; i < 24; i++) {
      await h.jobs.activity.setReminder(req.setReminder({ jobId: job.id, remindAt: inHours(1), message: `r${i}` }), {
        caller: t.dispatcher,
      });
    }
    const later = await h.jobs.activity.setReminder(req.setReminder({ jobId: job.id, remindAt: inHours(48) }), {
      caller: t.dispatcher,
    });
    const at = inHours(2);
    // A "replica": claims small batches until nothing due is left for it.
    const replica = async () => {
      let taken = 0;
      for (;;) {
        const n = await sendDueReminders(h.deps, at, 3);
        if (n === 0) return taken;
        taken += n;
      }
    };

    const [a, b] = await Promise.all([replica(), replica()]);
    const rows = await reminderRows(job.id);

    expect(a + b).toBe(24);
    expect(rows.filter((r) => r.state === 'sent')).toHaveLength(24);
    expect(rows.find((r) => r.id === later.id)?.state).toBe('pending');
    expect(await dueEvents(job.id)).toHaveLength(24);
    await h.events.next('reminder_due', jobsEvents.ReminderEvent, (p) => p.reminder?.message === 'r23');
  });

  it('cancels instead of sending the reminders of a cancelled job', async () => {
    const job = await h.newJob(t);
    const reminder = await h.jobs.activity.setReminder(req.setReminder({ jobId: job.id, remindAt: inHours(1) }), {
      caller: t.admin,
    });
    await h.deps.db.updateTable('jobs').set({ status: 'cancelled' }).where('id', '=', job.id).execute();

    await sendDueReminders(h.deps, inHours(2));

    expect(await reminderRows(job.id)).toEqual([{ id: reminder.id, state: 'cancelled' }]);
    expect(await dueEvents(job.id)).toEqual([]);
  });

  it('runs on its own with an injected clock and stops cleanly', async () => {
    const job = await h.newJob(t);
    const reminder = await h.jobs.activity.setReminder(req.setReminder({ jobId: job.id, remindAt: inHours(1) }), {
      caller: t.admin,
    });

    const scheduler = startReminderScheduler({ ...h.deps, clock: () => inHours(3) }, { intervalMs: 20 });
    try {
      const event = await h.events.next(
        'reminder_due',
        jobsEvents.ReminderEvent,
        (p) => p.reminder?.id === reminder.id,
      );
      expect(event.reminder).toMatchObject({ state: 'sent', jobId: job.id });
      expect(event.job?.id).toBe(job.id);
    } finally {
      await scheduler.stop();
    }
    await waitFor(async () => (await reminderRows(job.id))[0]?.state === 'sent', { what: 'the reminder marked sent' });
  });
});
