// Writing a time log (manual or from a site visit): the row, its history entry and the time_logged event, in
// the caller's transaction. The job's billable hours stay as they are: logged time only informs them.
import type { Kysely } from 'kysely';
import type { Job } from '../domain/job.js';
import type { TimeLog } from '../domain/time-logs.js';
import { timeLogged } from '../events/activity-events.js';
import type { JobsDeps } from '../grpc/deps.js';
import { appendHistory } from '../store/job-access.js';
import type { JobsDb } from '../store/schema.js';
import { TimeLogsStore } from '../store/time-logs.store.js';

export async function recordTimeLog(
  tx: Kysely<JobsDb>,
  deps: Pick<JobsDeps, 'outbox'>,
  job: Job,
  log: TimeLog,
  actorId: string,
): Promise<void> {
  await new TimeLogsStore(tx).insert(log);
  await appendHistory(tx, {
    tenantId: log.tenantId,
    jobId: log.jobId,
    actorId,
    kind: 'time_logged',
    changes: [
      {
        field: 'timeLog',
        from: null,
        to: { id: log.id, workerId: log.workerId, hours: log.hours, source: log.source },
      },
    ],
    at: log.createdAt,
  });
  await deps.outbox.add(tx, timeLogged(log, job));
}
