// Streams the one file of a multipart/form-data request to the jobs service's client-streamed UploadAttachment,
// in chunks of at most 64 KiB and at the pace the service reads them: the file is never held in memory whole.
import { once } from 'node:events';
import type { MultipartFile } from '@fastify/multipart';
import type { Caller } from '@fieldline/platform';
import type { jobs } from '@fieldline/proto';
import type { FastifyRequest } from 'fastify';
import type { JobsClients } from '../clients/jobs-clients.js';
import { HttpError, ValidationFailed } from '../http/http-error.js';
import { ATTACHMENT_CATEGORIES } from '../views/attachment.view.js';

export const UPLOAD_CHUNK_BYTES = 64 * 1024;
const MAX_DESCRIPTION = 2000;
// The form fields that may come before the file part, and how long each may be in bytes (UTF-8).
const FIELDS: Record<string, number> = { category: 20, description: MAX_DESCRIPTION * 4 };

export type UploadOptions = {
  jobs: JobsClients;
  caller: Caller;
  jobId: string;
  /** The gateway's absolute cap on one file; the tenant's own (smaller) limit is the service's to apply. */
  maxBytes: number;
};

type FormFields = { category: string; description: string };
type Upload = ReturnType<JobsClients['uploadAttachment']>;

const ABORTED: jobs.AttachmentMeta = {
  jobId: '',
  fileName: '',
  contentType: '',
  category: '',
  description: 'aborted by the gateway',
  declaredSizeBytes: 0,
};

const unsupported = () =>
  new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send multipart/form-data with one part named "file"');
const tooLarge = (maxBytes: number) =>
  new HttpError(413, 'PAYLOAD_TOO_LARGE', `the file is larger than the limit of ${maxBytes} bytes`, 'file');

/** Splits a chunk read from the request into messages of at most UPLOAD_CHUNK_BYTES. */
export function* chunksOf(chunk: Buffer): Generator<Buffer> {
  for (let offset = 0; offset < chunk.length; offset += UPLOAD_CHUNK_BYTES) {
    yield chunk.subarray(offset, offset + UPLOAD_CHUNK_BYTES);
  }
}

function checkField(name: string, value: string, truncated: boolean, fields: FormFields): void {
  if (!Object.hasOwn(FIELDS, name)) {
    throw new ValidationFailed(`${name} is not a known field (file, category, description)`, name);
  }
  if (name === 'category') {
    if (!(ATTACHMENT_CATEGORIES as readonly string[]).includes(value)) {
      throw new ValidationFailed(`category must be one of: ${ATTACHMENT_CATEGORIES.join(', ')}`, 'category');
    }
    fields.category = value;
  } else {
    if (truncated || value.length > MAX_DESCRIPTION) {
      throw new ValidationFailed(`description must have at most ${MAX_DESCRIPTION} characters`, 'description');
    }
    fields.description = value;
  }
}

/**
 * What went wrong while reading the form: ours and the service's pass as they are, multipart's own keep their
 * status, and busboy's (a missing boundary, a cut-short body) are the client's fault.
 */
function formError(err: unknown): unknown {
  if (err instanceof HttpError) return err;
  const e = err as { code?: unknown; statusCode?: unknown; details?: unknown };
  const fromService = typeof e?.code === 'number' && typeof e.details === 'string';
  if (fromService) return err;
  if (e?.code === 'FST_FILES_LIMIT') return new ValidationFailed('send exactly one file part', 'file');
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) return err;
  return new HttpError(400, 'INVALID_FORM', 'the multipart/form-data body is malformed or cut short');
}

/**
 * Reads the form: fields first, then the file, which is streamed to the service as it arrives. A part after
 * the file (a late field, a second file) aborts the upload: the first message already told the service
 * everything it will store. Whatever fails, the rest of the request is read and dropped so the client gets
 * the answer, and a started upload is aborted so the service keeps nothing.
 */
export async function uploadAttachment(request: FastifyRequest, opts: UploadOptions): Promise<jobs.Attachment> {
  if (!request.isMultipart()) throw unsupported();
  const fields: FormFields = { category: '', description: '' };
  let upload: Upload | undefined;
  let failed: unknown;
  try {
    const parts = request.parts({
      limits: { fileSize: opts.maxBytes, files: 1, fields: 4, parts: 5, fieldNameSize: 100, fieldSize: 8192 },
    });
    try {
      for await (const part of parts) {
        if (upload) {
          throw new ValidationFailed(
            `${part.fieldname} comes after the file: send category and description before it`,
            part.fieldname,
          );
        }
        if (part.type === 'field') {
          checkField(part.fieldname, String(part.value), part.valueTruncated, fields);
          continue;
        }
        if (part.fieldname !== 'file') {
          part.file.resume();
          throw new ValidationFailed(
            `${part.fieldname} is not a known field: the file part is named "file"`,
            part.fieldname,
          );
        }
        upload = opts.jobs.uploadAttachment(opts.caller);
        await streamFile(part.file, part.filename, part.mimetype, upload, fields, opts);
      }
    } catch (err) {
      throw formError(err);
    }
    if (!upload) throw new ValidationFailed('file is required: a part named "file"', 'file');
    upload.call.end();
    return await upload.done;
  } catch (err) {
    failed = err;
    throw err;
  } finally {
    if (failed !== undefined) {
      if (upload) abort(upload);
      drain(request);
    }
  }
}

/**
 * Makes the service drop a started upload. Cancelling is not enough: grpc-js ends the server's message stream
 * normally when a client cancels (its 'end' comes before 'cancelled'), so a cut-short file could look complete.
 * A second metadata message breaks the upload protocol, which the service refuses before storing anything.
 */
function abort(upload: Upload): void {
  upload.done.catch(() => {});
  // Already ended: the whole file went, and the service's own answer was the failure.
  if (upload.call.writableEnded) return;
  upload.call.write({ part: { $case: 'meta', value: ABORTED } });
  upload.call.end();
}

async function streamFile(
  file: MultipartFile['file'],
  fileName: string,
  contentType: string,
  upload: Upload,
  fields: FormFields,
  opts: UploadOptions,
): Promise<void> {
  // The service may refuse early (type, job, size): stop sending then, and report its refusal.
  let refusal: unknown;
  const refused = upload.done.then(
    () => undefined,
    (err: unknown) => {
      refusal = err;
    },
  );
  const stop = new AbortController();
  const write = async (message: jobs.UploadAttachmentRequest) => {
    if (refusal !== undefined) throw refusal;
    if (upload.call.write(message)) return;
    await Promise.race([once(upload.call, 'drain', { signal: stop.signal }), refused]);
    if (refusal !== undefined) throw refusal;
  };
  try {
    await write({
      part: {
        $case: 'meta',
        value: {
          jobId: opts.jobId,
          fileName,
          contentType,
          category: fields.category,
          description: fields.description,
          // Unknown: a multipart part carries no length of its own. The service counts as the bytes come.
          declaredSizeBytes: 0,
        },
      },
    });
    for await (const chunk of file) {
      for (const piece of chunksOf(chunk as Buffer)) await write({ part: { $case: 'chunk', value: piece } });
    }
    if (file.truncated) throw tooLarge(opts.maxBytes);
  } finally {
    stop.abort();
  }
}

/** Reads what is left of the request and drops it, so the client can send it all and read the answer. */
function drain(request: FastifyRequest): void {
  const raw = request.raw;
  raw.unpipe();
  if (!raw.readableEnded) raw.resume();
}
