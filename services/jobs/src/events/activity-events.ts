// The job activity events (through the outbox, in the transaction of the change): note_added,
// attachment_added, time_logged, reminder_set and reminder_due, each carrying the record and the full job.
import type { OutboxEvent } from '@fieldline/platform';
import { jobsEvents } from '@fieldline/proto';
import type { Attachment } from '../domain/attachments.js';
import type { Job } from '../domain/job.js';
import type { Note } from '../domain/notes.js';
import type { Reminder } from '../domain/reminders.js';
import type { TimeLog } from '../domain/time-logs.js';
import { attachmentToProto, noteToProto, reminderToProto, timeLogToProto } from '../grpc/activity-to-proto.js';
import { fullJobToProto } from '../grpc/job-to-proto.js';

function activityEvent(type: string, job: Job, message: string, payload: Uint8Array): OutboxEvent {
  return { type, tenantId: job.tenantId, payloadType: `${jobsEvents.protobufPackage}.${message}`, payload };
}

export function noteAdded(note: Note, job: Job): OutboxEvent {
  const payload = jobsEvents.NoteAdded.encode({ note: noteToProto(note), job: fullJobToProto(job) });
  return activityEvent('note_added', job, 'NoteAdded', payload.finish());
}

export function attachmentAdded(attachment: Attachment, job: Job): OutboxEvent {
  const payload = jobsEvents.AttachmentAdded.encode({
    attachment: attachmentToProto(attachment),
    job: fullJobToProto(job),
  });
  return activityEvent('attachment_added', job, 'AttachmentAdded', payload.finish());
}

export function timeLogged(log: TimeLog, job: Job): OutboxEvent {
  const payload = jobsEvents.TimeLogged.encode({ timeLog: timeLogToProto(log), job: fullJobToProto(job) });
  return activityEvent('time_logged', job, 'TimeLogged', payload.finish());
}

/** reminder_set and reminder_due: the reminder with the job (consumers notify the job's people). */
export function reminderEvent(type: 'reminder_set' | 'reminder_due', reminder: Reminder, job: Job): OutboxEvent {
  const payload = jobsEvents.ReminderEvent.encode({ reminder: reminderToProto(reminder), job: fullJobToProto(job) });
  return activityEvent(type, job, 'ReminderEvent', payload.finish());
}
