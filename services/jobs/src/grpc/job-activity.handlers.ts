// gRPC door of job activity: notes, attachments (client-streamed upload, server-streamed content), time
// logs with geofence site visits, reminders. Each command is one transaction with its history entry and
// its event through the outbox; a job the caller cannot see is NOT_FOUND on every RPC.
import { createHash } from 'node:crypto';
import {
  type CallContext,
  type Caller,
  callerFromMetadata,
  DomainError,
  InvalidArgument,
  type Logger,
  NotFound,
  newId,
  type OutboxEvent,
  PermissionDenied,
  requireCaller,
  toGrpcError,
  unary,
} from '@fieldline/platform';
import { type jobs, jobsEvents } from '@fieldline/proto';
import type {
  handleClientStreamingCall,
  handleServerStreamingCall,
  Metadata,
  ServerReadableStream,
  ServerWritableStream,
} from '@grpc/grpc-js';
import type { Kysely } from 'kysely';
import { BlobNotFound } from '../blob/blob-store.js';
import {
  type Attachment,
  attachmentMeta,
  checkContent,
  checkDeclared,
  checkDeclaredSizeReached,
  checkNotEmpty,
  checkRunningSize,
  SNIFF_BYTES,
  type UploadPolicy,
} from '../domain/attachments.js';
import { CUSTOMER_ROLES, STAFF_ROLES } from '../domain/directory.js';
import type { Job } from '../domain/job.js';
import { moveJobForSiteVisit } from '../domain/job-commands.js';
import { idValue } from '../domain/job-input.js';
import { type Note, newNote, seesInternalNotes } from '../domain/notes.js';
import { newReminder, type Reminder } from '../domain/reminders.js';
import { manualTimeLog, siteVisit, type TimeLog, visitTimeLog } from '../domain/time-logs.js';
import { AttachmentsStore } from '../store/attachments.store.js';
import { appendHistory, loadJobForCaller } from '../store/job-access.js';
import { NotesStore } from '../store/notes.store.js';
import { RemindersStore } from '../store/reminders.store.js';
import type { JobsDb } from '../store/schema.js';
import { TimeLogsStore } from '../store/time-logs.store.js';
import { actorOf as callerActor } from './caller.js';
import type { JobsDeps } from './deps.js';
import { fullJobToProto, toProtoJob } from './job-to-proto.js';

export function jobActivityHandlers(deps: JobsDeps): jobs.JobActivityServiceServer {
  const { log } = deps;
  const actorOf = (ctx: CallContext) => callerActor(deps, ctx);
  const inTx = <T>(fn: (tx: Kysely<JobsDb>) => Promise<T>) => deps.db.transaction().execute(fn);

  return {
    // ---------- notes ----------

    addNote: unary(log, async (req, ctx) => {
      const actor = await actorOf(ctx);
      const jobId = idValue('jobId', req.jobId);
      const input = newNote(actor.role, { body: req.body, internal: req.internal });
      const now = deps.clock();
      const note: Note = {
        id: newId('note'),
        tenantId: actor.tenantId,
        jobId,
        authorId: actor.userId,
        ...input,
        createdAt: now,
      };
      await inTx(async (tx) => {
        const job = await loadJobForCaller(tx, actor, jobId, 'read');
        await new NotesStore(tx).insert(note);
        await appendHistory(tx, {
          tenantId: actor.tenantId,
          jobId,
          actorId: actor.userId,
          kind: 'note_added',
          changes: [{ field: 'note', from: null, to: { id: note.id, internal: note.internal } }],
          internal: note.internal,
          at: now,
        });
        const payload = jobsEvents.NoteAdded.encode({ note: noteToProto(note), job: fullJobToProto(job) });
        await deps.outbox.add(tx, activityEvent('note_added', job, 'NoteAdded', payload.finish()));
      });
      log.info({ tenantId: actor.tenantId, jobId, noteId: note.id, internal: note.internal }, 'note added');
      return noteToProto(note);
    }),

    listNotes: unary(log, async (req, ctx) => {
      const actor = await actorOf(ctx);
      const jobId = idValue('jobId', req.jobId);
      const notes = await inTx(async (tx) => {
        await loadJobForCaller(tx, actor, jobId, 'read');
        return new NotesStore(tx).list(actor.tenantId, jobId, { includeInternal: seesInternalNotes(actor.role) });
      });
      return { notes: notes.map(noteToProto) };
    }),

    // ---------- attachments ----------

    uploadAttachment: clientStreaming(log, async (call, ctx) => {
      const actor = await actorOf(ctx);
      const messages = call[Symbol.asyncIterator]() as AsyncIterator<jobs.UploadAttachmentRequest>;
      const first = await messages.next();
      const part = first.done ? undefined : (first.value as jobs.UploadAttachmentRequest).part;
      if (part?.$case !== 'meta') {
        throw new InvalidArgument('meta', 'the first message of an upload carries the attachment metadata');
      }
      const meta = attachmentMeta({ ...part.value, declaredSizeBytes: Number(part.value.declaredSizeBytes) });
      // Checked before taking a byte: the job is visible, the type allowed, the declared size within limits.
      await loadJobForCaller(deps.db, actor, meta.jobId, 'read');
      const settings = await deps.directory.settings(actor.tenantId, ctx.caller());
      const policy: UploadPolicy = { allowedTypes: settings.allowedUploadTypes, maxBytes: settings.maxUploadBytes };
      checkDeclared(meta, policy);

      const id = newId('att');
      // Random and tenant-scoped: the key reveals nothing of the file and two uploads never collide.
      const blobKey = `${actor.tenantId}/${id}`;
      const digest = createHash('sha256');
      try {
        const { sizeBytes } = await deps.blobStore.put(
          blobKey,
          checkedUpload(messages, meta.contentType, policy, (chunk) => digest.update(chunk)),
        );
        // A client hanging up can look like a normal end for a moment (HTTP/2 may end the stream before the
        // reset shows): the declared size, when given, and the call's state both have to agree it finished.
        checkDeclaredSizeReached(meta.declaredSizeBytes, sizeBytes);
        throwIfCancelled(call);
        const attachment: Attachment = {
          id,
          tenantId: actor.tenantId,
          jobId: meta.jobId,
          fileName: meta.fileName,
          contentType: meta.contentType,
          sizeBytes,
          category: meta.category,
          description: meta.description,
          active: true,
          viewCount: 0,
          sha256: digest.digest('hex'),
          blobKey,
          uploadedBy: actor.userId,
          createdAt: deps.clock(),
        };
        await inTx(async (tx) => {
          const job = await loadJobForCaller(tx, actor, meta.jobId, 'read');
          await new AttachmentsStore(tx).insert(attachment);
          await appendHistory(tx, {
            tenantId: actor.tenantId,
            jobId: job.id,
            actorId: actor.userId,
            kind: 'attachment_added',
            changes: [{ field: 'attachment', from: null, to: { id, fileName: attachment.fileName } }],
            at: attachment.createdAt,
          });
          await deps.outbox.add(
            tx,
            activityEvent(
              'attachment_added',
              job,
              'AttachmentAdded',
              jobsEvents.AttachmentAdded.encode({
                attachment: attachmentToProto(attachment),
                job: fullJobToProto(job),
              }).finish(),
            ),
          );
          throwIfCancelled(call); // the last moment before the record commits
        });
        log.info(
          { tenantId: actor.tenantId, jobId: meta.jobId, attachmentId: id, sizeBytes, contentType: meta.contentType },
          'attachment uploaded',
        );
        return attachmentToProto(attachment);
      } catch (err) {
        // Whatever failed (refused content, client gone, database), no blob outlives a missing record.
        await deps.blobStore.delete(blobKey).catch((cleanupErr: unknown) => {
          log.error({ err: cleanupErr, blobKey }, 'could not remove the blob of a failed upload');
        });
        throw err;
      }
    }),

    listAttachments: unary(log, async (req, ctx) => {
      const actor = await actorOf(ctx);
      const jobId = idValue('jobId', req.jobId);
      const attachments = await inTx(async (tx) => {
        await loadJobForCaller(tx, actor, jobId, 'read');
        return new AttachmentsStore(tx).list(actor.tenantId, jobId);
      });
      return { attachments: attachments.map(attachmentToProto) };
    }),

    getAttachmentContent: serverStreaming(log, async (call, ctx) => {
      const actor = await actorOf(ctx);
      const id = idValue('id', call.request.id);
      const found = await inTx(async (tx) => {
        const attachment = await new AttachmentsStore(tx).get(actor.tenantId, id);
        if (!attachment) throw attachmentNotFound();
        // An attachment of a job out of sight is as unknown as one that does not exist.
        await loadJobForCaller(tx, actor, attachment.jobId, 'read').catch((err: unknown) => {
          throw err instanceof NotFound ? attachmentNotFound() : err;
        });
        return attachment;
      });
      const content = await deps.blobStore.get(found.blobKey).catch((err: unknown) => {
        if (!(err instanceof BlobNotFound)) throw err;
        log.error({ tenantId: actor.tenantId, attachmentId: id, blobKey: found.blobKey }, 'attachment blob missing');
        throw new DomainError('unavailable', 'ATTACHMENT_CONTENT_MISSING', 'the content of this attachment is missing');
      });
      // Counted once the bytes are at hand: a read that cannot start is not a view.
      const viewed = (await new AttachmentsStore(deps.db).countView(actor.tenantId, id)) ?? found;
      await writeMessage(call, { part: { $case: 'meta', value: attachmentToProto(viewed) } });
      for await (const chunk of content) {
        if (call.cancelled) break;
        for (const piece of pieces(chunk)) await writeMessage(call, { part: { $case: 'chunk', value: piece } });
      }
    }),

    // ---------- time logs ----------

    addTimeLog: unary(log, async (req, ctx) => {
      const actor = await actorOf(ctx);
      if (CUSTOMER_ROLES.includes(actor.role)) {
        throw new PermissionDenied('clients and guests cannot log time', 'TIME_LOG_FORBIDDEN');
      }
      const jobId = idValue('jobId', req.jobId);
      const workerId = req.workerId.trim() === '' ? actor.userId : idValue('workerId', req.workerId);
      if (actor.role === 'coworker' && workerId !== actor.userId) {
        throw new PermissionDenied('co-workers log only their own time', 'TIME_LOG_FORBIDDEN');
      }
      const now = deps.clock();
      const span = manualTimeLog(
        { startedAt: req.startedAt, endedAt: req.endedAt, hours: req.hours, note: req.note },
        now,
      );
      // Out of sight is NOT_FOUND before anything is said about the worker.
      await loadJobForCaller(deps.db, actor, jobId, 'read');
      const worker = await deps.directory.user(actor.tenantId, workerId, ctx.caller());
      if (!worker?.active || !STAFF_ROLES.includes(worker.role)) {
        throw new InvalidArgument('workerId', 'workerId must be an active staff user of this tenant');
      }
      const timeLog: TimeLog = {
        id: newId('tlog'),
        tenantId: actor.tenantId,
        jobId,
        workerId,
        ...span,
        source: 'manual',
        createdBy: actor.userId,
        createdAt: now,
      };
      await inTx(async (tx) => {
        const job = await loadJobForCaller(tx, actor, jobId, 'read');
        if (!job.assigneeIds.includes(workerId) && !job.participantIds.includes(workerId)) {
          throw new InvalidArgument('workerId', 'the worker is not on this job (assignee or participant)');
        }
        await recordTimeLog(tx, deps, job, timeLog, actor.userId);
      });
      return timeLogToProto(timeLog);
    }),

    listTimeLogs: unary(log, async (req, ctx) => {
      const actor = await actorOf(ctx);
      const jobId = idValue('jobId', req.jobId);
      const logs = await inTx(async (tx) => {
        await loadJobForCaller(tx, actor, jobId, 'read');
        // Hours are internal bookkeeping, like the job's billable hours clients do not see either.
        if (CUSTOMER_ROLES.includes(actor.role)) {
          throw new PermissionDenied('clients and guests do not see time logs', 'TIME_LOG_FORBIDDEN');
        }
        return new TimeLogsStore(tx).list(actor.tenantId, jobId);
      });
      return { timeLogs: logs.map(timeLogToProto) };
    }),

    recordSiteVisit: unary(log, async (req, ctx) => {
      const actor = await actorOf(ctx);
      const jobId = idValue('jobId', req.jobId);
      const workerId = idValue('workerId', req.workerId);
      const visit = siteVisit({ kind: req.kind, at: req.at, eventId: req.eventId });
      // The location service reports for everyone (as dispatch), a phone only for its own worker.
      if (!(actor.role === 'admin' || actor.role === 'dispatcher' || actor.userId === workerId)) {
        throw new PermissionDenied(
          'only dispatch or the worker themself can report a site visit',
          'SITE_VISIT_FORBIDDEN',
        );
      }
      const now = deps.clock();
      const result = await inTx(async (tx) => {
        const store = new TimeLogsStore(tx);
        // Locked: visits of one job apply one after the other, and a redelivery waits for the first to commit.
        const job = await loadJobForCaller(tx, actor, jobId, 'update');
        if (!(await store.claimEvent(actor.tenantId, visit.eventId, jobId, visit.kind, now))) {
          const applied = await store.appliedEvent(actor.tenantId, visit.eventId);
          const timeLog =
            applied?.outcome === 'departed' && applied.visitId
              ? await store.byVisit(actor.tenantId, applied.visitId)
              : undefined;
          return { job, timeLog, outcome: 'duplicate' as const };
        }
        const open = await store.openVisit(actor.tenantId, jobId, workerId);
        if (visit.kind === 'arrived') {
          if (open) {
            await store.recordOutcome(actor.tenantId, visit.eventId, 'already_inside', open.id);
            return { job, timeLog: undefined, outcome: 'already_inside' as const };
          }
          const visitId = newId('visit');
          await store.openNewVisit(
            { id: visitId, tenantId: actor.tenantId, jobId, workerId, arrivedAt: visit.at },
            visit.eventId,
            now,
          );
          const moved = await moveJobForSiteVisit(tx, deps, {
            tenantId: actor.tenantId,
            jobId,
            workerId,
            kind: 'arrived',
            at: visit.at,
          });
          await store.recordOutcome(actor.tenantId, visit.eventId, 'arrived', visitId);
          return { job: moved, timeLog: undefined, outcome: 'arrived' as const };
        }
        if (!open) {
          await store.recordOutcome(actor.tenantId, visit.eventId, 'no_open_visit');
          return { job, timeLog: undefined, outcome: 'no_open_visit' as const };
        }
        const span = visitTimeLog(open.arrivedAt, visit.at);
        await store.closeVisit(actor.tenantId, open.id, visit.at, visit.eventId);
        const timeLog: TimeLog = {
          id: newId('tlog'),
          tenantId: actor.tenantId,
          jobId,
          workerId,
          ...span,
          source: 'geofence',
          note: '',
          visitId: open.id,
          createdBy: actor.userId,
          createdAt: now,
        };
        await recordTimeLog(tx, deps, job, timeLog, actor.userId);
        // A worker taken off the job while on site still gets the time they spent; the job is left as it is.
        const stillOnJob = job.assigneeIds.includes(workerId) || job.participantIds.includes(workerId);
        const moved = stillOnJob
          ? await moveJobForSiteVisit(tx, deps, {
              tenantId: actor.tenantId,
              jobId,
              workerId,
              kind: 'departed',
              at: visit.at,
            })
          : job;
        await store.recordOutcome(actor.tenantId, visit.eventId, 'departed', open.id);
        return { job: moved, timeLog, outcome: 'departed' as const };
      });
      // The response has no outcome field: a departure without arrival and a redelivery answer with the job
      // as it is and no time log; the log line says which it was.
      log.info(
        { tenantId: actor.tenantId, jobId, workerId, eventId: visit.eventId, outcome: result.outcome },
        'site visit',
      );
      return {
        job: toProtoJob(result.job, actor),
        timeLog: result.timeLog ? timeLogToProto(result.timeLog) : undefined,
      };
    }),

    // ---------- reminders ----------

    setReminder: unary(log, async (req, ctx) => {
      const actor = await actorOf(ctx);
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
      await inTx(async (tx) => {
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
      const actor = await actorOf(ctx);
      const jobId = idValue('jobId', req.jobId);
      const reminders = await inTx(async (tx) => {
        await loadJobForCaller(tx, actor, jobId, 'read');
        return new RemindersStore(tx).list(actor.tenantId, jobId);
      });
      return { reminders: reminders.map(reminderToProto) };
    }),
  };
}

// ---------- shared steps ----------

/** Writes a time log with its history entry and time_logged event. The job's billable hours stay as they are. */
async function recordTimeLog(tx: Kysely<JobsDb>, deps: JobsDeps, job: Job, log: TimeLog, actorId: string) {
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
  await deps.outbox.add(
    tx,
    activityEvent(
      'time_logged',
      job,
      'TimeLogged',
      jobsEvents.TimeLogged.encode({ timeLog: timeLogToProto(log), job: fullJobToProto(job) }).finish(),
    ),
  );
}

/**
 * The upload's bytes after the metadata, checked on the way to the blob store: only chunks may follow, the
 * first bytes must match the declared type before anything is written, the running total stays within the
 * limit, and an empty file is refused. A thrown error makes the blob store drop what it had.
 */
async function* checkedUpload(
  messages: AsyncIterator<jobs.UploadAttachmentRequest>,
  contentType: string,
  policy: UploadPolicy,
  onBytes: (chunk: Buffer) => void,
): AsyncGenerator<Uint8Array> {
  let head: Buffer[] = [];
  let headBytes = 0;
  let checked = false;
  let total = 0;
  for (;;) {
    const next = await messages.next();
    if (next.done) break;
    const part = (next.value as jobs.UploadAttachmentRequest).part;
    if (part?.$case !== 'chunk') throw new InvalidArgument('chunk', 'after the metadata an upload carries only chunks');
    const chunk = part.value;
    if (chunk.length === 0) continue;
    total += chunk.length;
    checkRunningSize(total, policy);
    onBytes(chunk);
    if (checked) {
      yield chunk;
      continue;
    }
    head.push(chunk);
    headBytes += chunk.length;
    if (headBytes >= SNIFF_BYTES) {
      checkContent(contentType, Buffer.concat(head).subarray(0, SNIFF_BYTES));
      checked = true;
      yield* head;
      head = [];
    }
  }
  checkNotEmpty(total);
  if (!checked) {
    checkContent(contentType, Buffer.concat(head));
    yield* head;
  }
}

const MAX_CHUNK = 256 * 1024;

/** Splits a chunk read from the blob store into messages of at most 256 KiB. */
function* pieces(chunk: Uint8Array): Generator<Buffer> {
  const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  for (let offset = 0; offset < buf.length; offset += MAX_CHUNK) yield buf.subarray(offset, offset + MAX_CHUNK);
}

/** Writes one message, waiting for the client to drain when the buffer is full (or for the call to end). */
async function writeMessage<Res>(call: ServerWritableStream<unknown, Res>, message: Res): Promise<void> {
  if (call.write(message)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      call.off('drain', done);
      call.off('close', done);
      resolve();
    };
    call.on('drain', done);
    call.on('close', done);
  });
}

function throwIfCancelled(call: { cancelled: boolean }): void {
  if (call.cancelled)
    throw new DomainError('failed_precondition', 'UPLOAD_CANCELLED', 'the client cancelled the upload');
}

const attachmentNotFound = () => new NotFound('ATTACHMENT_NOT_FOUND', 'no such attachment');

// ---------- stream wrappers (unary() of the platform covers unary calls only) ----------

function contextOf(call: { metadata: Metadata; getDeadline(): Date | number }, log: Logger): CallContext {
  const ctx: CallContext = {
    metadata: call.metadata,
    caller: (): Caller => requireCaller(call.metadata),
    optionalCaller: () => callerFromMetadata(call.metadata),
    deadline: call.getDeadline(),
    log,
  };
  return ctx;
}

function logUnexpected(log: Logger, err: unknown, path: string) {
  if (!(err instanceof DomainError)) log.error({ err, method: path }, 'unexpected error in gRPC handler');
}

/** A client-streaming handler: the caller context in, the response or a mapped DomainError out. */
export function clientStreaming<Req, Res>(
  log: Logger,
  handler: (call: ServerReadableStream<Req, Res>, ctx: CallContext) => Promise<Res>,
): handleClientStreamingCall<Req, Res> {
  return (call, callback) => {
    handler(call, contextOf(call, log)).then(
      (res) => callback(null, res),
      (err: unknown) => {
        logUnexpected(log, err, call.getPath());
        callback(toGrpcError(err));
      },
    );
  };
}

/** A server-streaming handler: writes its messages, then ends the call OK or with the mapped error. */
export function serverStreaming<Req, Res>(
  log: Logger,
  handler: (call: ServerWritableStream<Req, Res>, ctx: CallContext) => Promise<void>,
): handleServerStreamingCall<Req, Res> {
  return (call) => {
    handler(call, contextOf(call, log)).then(
      () => call.end(),
      (err: unknown) => {
        logUnexpected(log, err, call.getPath());
        if (!call.cancelled) call.emit('error', toGrpcError(err));
      },
    );
  };
}

// ---------- proto and events ----------

function activityEvent(type: string, job: Job, message: string, payload: Uint8Array): OutboxEvent {
  return { type, tenantId: job.tenantId, payloadType: `${jobsEvents.protobufPackage}.${message}`, payload };
}

/** reminder_set and reminder_due: the reminder with the job (consumers notify the job's people). */
export function reminderEvent(type: 'reminder_set' | 'reminder_due', reminder: Reminder, job: Job): OutboxEvent {
  const payload = jobsEvents.ReminderEvent.encode({ reminder: reminderToProto(reminder), job: fullJobToProto(job) });
  return activityEvent(type, job, 'ReminderEvent', payload.finish());
}

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
