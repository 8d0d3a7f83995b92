// gRPC door of attachments: a client-streamed upload checked on the way into the blob store (type allow-list,
// size limit, content sniffing; a failed upload leaves neither blob nor record), the job's list, and the
// content streamed back with view counting. A job or attachment out of sight is NOT_FOUND.
import { createHash } from 'node:crypto';
import { DomainError, InvalidArgument, NotFound, newId, unary } from '@fieldline/platform';
import type { jobs } from '@fieldline/proto';
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
import { idValue } from '../domain/job-input.js';
import { attachmentAdded } from '../events/activity-events.js';
import { AttachmentsStore } from '../store/attachments.store.js';
import { appendHistory, loadJobForCaller } from '../store/job-access.js';
import type { JobsDb } from '../store/schema.js';
import { attachmentToProto } from './activity-to-proto.js';
import { actorOf } from './caller.js';
import type { JobsDeps } from './deps.js';
import { clientStreaming, serverStreaming, writeMessage } from './streaming.js';

export type AttachmentsHandlers = Pick<
  jobs.JobActivityServiceServer,
  'uploadAttachment' | 'listAttachments' | 'getAttachmentContent'
>;

export function attachmentsHandlers(deps: JobsDeps): AttachmentsHandlers {
  const { log } = deps;
  const inTx = <T>(fn: (tx: Kysely<JobsDb>) => Promise<T>) => deps.db.transaction().execute(fn);

  return {
    uploadAttachment: clientStreaming(log, async (call, ctx) => {
      const actor = await actorOf(deps, ctx);
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
          await deps.outbox.add(tx, attachmentAdded(attachment, job));
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
      const actor = await actorOf(deps, ctx);
      const jobId = idValue('jobId', req.jobId);
      const attachments = await inTx(async (tx) => {
        await loadJobForCaller(tx, actor, jobId, 'read');
        return new AttachmentsStore(tx).list(actor.tenantId, jobId);
      });
      return { attachments: attachments.map(attachmentToProto) };
    }),

    getAttachmentContent: serverStreaming(log, async (call, ctx) => {
      const actor = await actorOf(deps, ctx);
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
  };
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

function throwIfCancelled(call: { cancelled: boolean }): void {
  if (call.cancelled)
    throw new DomainError('failed_precondition', 'UPLOAD_CANCELLED', 'the client cancelled the upload');
}

const attachmentNotFound = () => new NotFound('ATTACHMENT_NOT_FOUND', 'no such attachment');
