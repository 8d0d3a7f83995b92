// Streams an attachment's content from the jobs service's server-streamed GetAttachmentContent to the HTTP
// response: headers from the first (metadata) message, then the bytes as the client reads them.
import { Readable } from 'node:stream';
import type { Caller } from '@fieldline/platform';
import type { jobs } from '@fieldline/proto';
import type { FastifyReply } from 'fastify';
import type { JobsClients } from '../clients/jobs-clients.js';
import { attachmentDisposition } from '../http/content-disposition.js';

/**
 * Sends the attachment `id` as the response. Errors before the first byte (not found, not visible) are thrown
 * and answered in the API's error shape; a failure mid-way cuts the response short, so the client sees a
 * transfer shorter than Content-Length rather than a complete-looking file.
 */
export async function sendAttachmentContent(
  reply: FastifyReply,
  opts: { jobs: JobsClients; caller: Caller; id: string },
): Promise<FastifyReply> {
  const call = opts.jobs.attachmentContent(opts.caller, opts.id);
  const messages = call[Symbol.asyncIterator]() as AsyncIterator<jobs.AttachmentChunk>;
  let finished = false;
  let first: IteratorResult<jobs.AttachmentChunk>;
  try {
    first = await messages.next();
  } catch (err) {
    finished = true;
    throw err;
  }
  const part = first.done ? undefined : first.value.part;
  if (part?.$case !== 'meta') {
    call.cancel();
    throw new Error('jobs answered an attachment download without its metadata first');
  }
  const meta = part.value;
  const body = Readable.from(
    (async function* () {
      try {
        for (;;) {
          const next = await messages.next();
          if (next.done) break;
          if (next.value.part?.$case === 'chunk') yield next.value.part.value;
        }
        finished = true;
      } finally {
        // The client went away (or the stream broke): stop the service sending the rest.
        if (!finished) call.cancel();
      }
    })(),
    { objectMode: false },
  );
  return (
    reply
      .header('content-type', meta.contentType || 'application/octet-stream')
      .header('content-length', String(meta.sizeBytes))
      .header('content-disposition', attachmentDisposition(meta.fileName))
      // Uploaded content is never run as a page of ours, whatever it claims to be.
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'private, no-store')
      .send(body)
  );
}
