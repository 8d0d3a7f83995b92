// gRPC door of job activity, composed from one handlers file per concept: notes, attachments, time logs (with
// site visits), reminders. Each command is one transaction with its history entry and its event through the
// outbox; a job the caller cannot see is NOT_FOUND on every RPC.
import type { jobs } from '@fieldline/proto';
import { attachmentsHandlers } from './attachments.handlers.js';
import type { JobsDeps } from './deps.js';
import { notesHandlers } from './notes.handlers.js';
import { remindersHandlers } from './reminders.handlers.js';
import { timeLogsHandlers } from './time-logs.handlers.js';

export function jobActivityHandlers(deps: JobsDeps): jobs.JobActivityServiceServer {
  return {
    ...notesHandlers(deps),
    ...attachmentsHandlers(deps),
    ...timeLogsHandlers(deps),
    ...remindersHandlers(deps),
  };
}
