// Job activity records (notes, attachments, time logs, reminders) as their proto messages.
import type { jobs } from '@fieldline/proto';
import type { Attachment } from '../domain/attachments.js';
import type { Note } from '../domain/notes.js';
import type { Reminder } from '../domain/reminders.js';
import type { TimeLog } from '../domain/time-logs.js';

export function noteToProto(n: Note): jobs.Note {
  return {
    id: n.id,
    jobId: n.jobId,
    authorId: n.authorId,
    body: n.body,
    internal: n.internal,
    createdAt: n.createdAt,
  };
}

export function attachmentToProto(a: Attachment): jobs.Attachment {
  return {
    id: a.id,
    jobId: a.jobId,
    fileName: a.fileName,
    contentType: a.contentType,
    sizeBytes: a.sizeBytes,
    category: a.category,
    description: a.description,
    active: a.active,
    viewCount: a.viewCount,
    uploadedBy: a.uploadedBy,
    createdAt: a.createdAt,
    sha256: a.sha256,
  };
}

export function timeLogToProto(t: TimeLog): jobs.TimeLog {
  return {
    id: t.id,
    jobId: t.jobId,
    workerId: t.workerId,
    startedAt: t.startedAt,
    endedAt: t.endedAt,
    hours: t.hours,
    source: t.source,
    note: t.note,
    createdBy: t.createdBy,
    createdAt: t.createdAt,
  };
}

export function reminderToProto(r: Reminder): jobs.Reminder {
  return {
    id: r.id,
    jobId: r.jobId,
    remindAt: r.remindAt,
    message: r.message,
    createdBy: r.createdBy,
    state: r.state,
    createdAt: r.createdAt,
  };
}
