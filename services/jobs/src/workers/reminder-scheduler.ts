// Sends due reminders: claims them with FOR UPDATE SKIP LOCKED (replicas never take the same one), marks them
// sent and publishes reminder_due through the outbox in the same transaction, so each is announced once.
import { dueReminderOutcome } from '../domain/reminders.js';
import { reminderEvent } from '../events/activity-events.js';
import type { JobsDeps } from '../grpc/deps.js';
import { loadJob } from '../store/job-access.js';
import { RemindersStore } from '../store/reminders.store.js';

const BATCH = 100;
export const DEFAULT_REMINDER_INTERVAL_MS = 5_000;

type SchedulerDeps = Pick<JobsDeps, 'db' | 'outbox' | 'log' | 'clock'>;

/** Handles one batch of reminders due at `now`; returns how many it took (sent or cancelled). */
export async function sendDueReminders(deps: SchedulerDeps, now: Date = deps.clock(), limit = BATCH): Promise<number> {
  return deps.db.transaction().execute(async (tx) => {
    const store = new RemindersStore(tx);
    const due = await store.claimDue(now, limit);
    for (const reminder of due) {
      const job = await loadJob(tx, reminder.tenantId, reminder.jobId);
      const outcome = dueReminderOutcome(job?.status);
      await store.markHandled(reminder.tenantId, reminder.id, outcome, now);
      if (job && outcome === 'sent') {
        await deps.outbox.add(tx, reminderEvent('reminder_due', { ...reminder, state: 'sent', sentAt: now }, job));
      }
      deps.log.info(
        { tenantId: reminder.tenantId, jobId: reminder.jobId, reminderId: reminder.id, outcome },
        'reminder due',
      );
    }
    return due.length;
  });
}

/** Every reminder due at `now`, batch after batch; returns the total taken. */
export async function sendAllDueReminders(deps: SchedulerDeps, now: Date = deps.clock()): Promise<number> {
  let total = 0;
  for (;;) {
    const taken = await sendDueReminders(deps, now);
    total += taken;
    if (taken < BATCH) return total;
  }
}

/** Runs sendAllDueReminders every `intervalMs` (never two rounds at once in one process). */
export function startReminderScheduler(
  deps: SchedulerDeps,
  opts: { intervalMs?: number } = {},
): { stop(): Promise<void> } {
  const intervalMs = opts.intervalMs ?? DEFAULT_REMINDER_INTERVAL_MS;
  let stopped = false;
  let round: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    timer = setTimeout(() => {
      round = sendAllDueReminders(deps)
        .catch((err) => deps.log.error({ err }, 'reminder round failed'))
        .finally(() => {
          if (!stopped) schedule();
        });
    }, intervalMs);
    timer.unref();
  };
  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await round;
    },
  };
}
