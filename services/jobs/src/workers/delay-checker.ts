// Finds jobs that became late (past due, or past their scheduled start with nobody arrived), marks them and
// publishes job_delayed once per job and cause. Runs on an interval; tests call checkDelays with their clock.
import { sql } from 'kysely';
import type { DelayCause } from '../domain/job.js';
import { delayCauses } from '../domain/job-delays.js';
import { jobDelayed } from '../events/jobs-events.js';
import type { JobsDeps } from '../grpc/deps.js';
import { appendHistory, loadJob } from '../store/job-access.js';

const BATCH = 200;

/** Marks every job late at `now`; returns what it announced. */
export async function checkDelays(
  deps: Pick<JobsDeps, 'db' | 'outbox' | 'log' | 'clock'>,
  now: Date = deps.clock(),
): Promise<Array<{ tenantId: string; jobId: string; cause: DelayCause }>> {
  const announced: Array<{ tenantId: string; jobId: string; cause: DelayCause }> = [];
  let after = '';
  for (;;) {
    // Candidates: open jobs with a cause not recorded yet (the domain has the last word on each one).
    const rows = await deps.db
      .selectFrom('jobs')
      .select(['tenant_id', 'id'])
      .where('status', 'not in', ['done', 'cancelled'])
      .where('id', '>', after)
      .where((eb) =>
        eb.or([
          eb.and([eb('due_at', '<', now), sql<boolean>`not ('past_due' = any(delay_causes))`]),
          eb.and([
            eb('scheduled_start', '<', now),
            eb('arrived_at', 'is', null),
            eb('status', 'in', ['not_started', 'assigned', 'accepted', 'rejected']),
            sql<boolean>`not ('late_start' = any(delay_causes))`,
          ]),
        ]),
      )
      .orderBy('id')
      .limit(BATCH)
      .execute();
    for (const row of rows) announced.push(...(await markJob(deps, row.tenant_id, row.id, now)));
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1].id;
  }
  return announced;
}

async function markJob(
  deps: Pick<JobsDeps, 'db' | 'outbox' | 'log'>,
  tenantId: string,
  jobId: string,
  now: Date,
): Promise<Array<{ tenantId: string; jobId: string; cause: DelayCause }>> {
  return deps.db.transaction().execute(async (tx) => {
    const job = await loadJob(tx, tenantId, jobId, { forUpdate: true });
    if (!job) return [];
    const fresh = delayCauses(job, now).filter((c) => !job.delayCauses.includes(c));
    const out: Array<{ tenantId: string; jobId: string; cause: DelayCause }> = [];
    for (const cause of fresh) {
      // The recorded cause is the "once": a second checker (another replica) finds the row and stays quiet.
      const inserted = await tx
        .insertInto('job_delays')
        .values({ tenant_id: tenantId, job_id: jobId, cause, detected_at: now })
        .onConflict((oc) => oc.doNothing())
        .returning('cause')
        .executeTakeFirst();
      if (!inserted) continue;
      out.push({ tenantId, jobId, cause });
    }
    if (out.length === 0) return [];
    // A flag set by the system, not an edit: the version stays, so nobody's pending update turns stale.
    const marked = { ...job, delayCauses: [...job.delayCauses, ...out.map((o) => o.cause)] };
    await tx
      .updateTable('jobs')
      .set({ delay_causes: marked.delayCauses })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', jobId)
      .execute();
    for (const { cause } of out) {
      await appendHistory(tx, {
        tenantId,
        jobId,
        actorId: 'system:delay-checker',
        kind: 'delayed',
        reason: cause,
        at: now,
      });
      await deps.outbox.add(tx, jobDelayed(marked, cause, now));
    }
    deps.log.info({ tenantId, jobId, causes: out.map((o) => o.cause) }, 'job delayed');
    return out;
  });
}

export function startDelayChecker(deps: Pick<JobsDeps, 'db' | 'outbox' | 'log' | 'clock'>, intervalMs: number) {
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    running = running
      .then(() => (stopped ? undefined : checkDelays(deps)))
      .catch((err) => deps.log.error({ err }, 'delay check failed'));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
