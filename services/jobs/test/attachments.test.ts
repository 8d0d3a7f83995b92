// Attachments through the real jobs service and the local blob store: streamed upload with the tenant's
// type allow-list and size limit (declared and sniffed), nothing left by a failed or aborted upload,
// streamed content with view counting, events, and NOT_FOUND out of sight.
import { createHash } from 'node:crypto';
import { jobsEvents } from '@fieldline/proto';
import { waitFor } from '@fieldline/testing';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Activity, chunked, exe, failure, png, startActivity, type Tenant } from './activity-harness.js';

let h: Activity;
let t: Tenant;
let other: Tenant;
const LIMIT = 256 * 1024;

beforeAll(async () => {
  h = await startActivity('attachments');
  [t, other] = await Promise.all([h.newTenant(), h.newTenant()]);
  await t.base.settings({
    maxUploadBytes: LIMIT,
    allowedUploadTypes: { values: ['image/png', 'application/pdf', 'text/plain'] },
  });
});
afterAll(async () => {
  await h?.stop();
});

const rows = (jobId: string) =>
  h.deps.db
    .withTables<{ job_attachments: { job_id: string; id: string } }>()
    .selectFrom('job_attachments')
    .select('id')
    .where('job_id', '=', jobId)
    .execute();

describe('upload', () => {
  it('stores a file sent in chunks, with its hash, size, derived category and an event', async () => {
    const job = await h.newJob(t);
    const file = png(200_000);

    const att = await h.upload(
      t.dispatcher,
      { jobId: job.id, fileName: 'boiler.png', contentType: 'image/png', description: 'before' },
      chunked(file, 16 * 1024),
    );
    const event = await h.events.next(
      'attachment_added',
      jobsEvents.AttachmentAdded,
      (p) => p.attachment?.id === att.id,
    );

    expect(att).toMatchObject({
      jobId: job.id,
      fileName: 'boiler.png',
      contentType: 'image/png',
      sizeBytes: file.length,
      category: 'photo',
      description: 'before',
      active: true,
      viewCount: 0,
      uploadedBy: t.dispatcher.userId,
      sha256: createHash('sha256').update(file).digest('hex'),
    });
    expect(event.job).toMatchObject({ id: job.id });
    expect(await h.blobFiles()).toContain(`${t.tenantId}/${att.id}`);
  });

  it('accepts a file exactly at the limit and a first chunk shorter than the sniff window', async () => {
    const job = await h.newJob(t);

    const att = await h.upload(t.client, { jobId: job.id, fileName: 'exact.png', contentType: 'image/png' }, [
      png(LIMIT).subarray(0, 5),
      png(LIMIT).subarray(5),
    ]);

    expect(att.sizeBytes).toBe(LIMIT);
  });

  it('refuses a declared type outside the tenant allow-list before taking any byte', async () => {
    const job = await h.newJob(t);

    const res = await failure(
      h.upload(t.dispatcher, { jobId: job.id, fileName: 'a.zip', contentType: 'application/zip' }, [
        Buffer.from('PK\u0003\u0004'),
      ]),
    );

    expect(res).toMatchObject({ kind: 'invalid_argument', code: 'UNSUPPORTED_CONTENT_TYPE', field: 'contentType' });
  });

  it('refuses a Windows program renamed to .png (sniffed), and leaves no record and no blob', async () => {
    const job = await h.newJob(t);

    const res = await failure(
      h.upload(
        t.dispatcher,
        { jobId: job.id, fileName: 'cat.png', contentType: 'image/png' },
        chunked(exe(4096), 1000),
      ),
    );

    expect(res).toMatchObject({ kind: 'invalid_argument', code: 'CONTENT_TYPE_MISMATCH', field: 'contentType' });
    expect(await rows(job.id)).toEqual([]);
    expect(await h.blobFiles()).not.toContainEqual(expect.stringContaining('.tmp/'));
  });

  it('refuses a declared size over the limit at once, with 413 semantics on the file field', async () => {
    const job = await h.newJob(t);

    const res = await failure(
      h.upload(
        t.dispatcher,
        { jobId: job.id, fileName: 'big.png', contentType: 'image/png', declaredSizeBytes: LIMIT + 1 },
        [png(10)],
      ),
    );

    expect(res).toMatchObject({ kind: 'resource_exhausted', code: 'PAYLOAD_TOO_LARGE', field: 'file' });
  });

  it('stops an upload as soon as the running total passes the limit, leaving nothing', async () => {
    const job = await h.newJob(t);
    const before = await h.blobFiles();

    const res = await failure(
      h.upload(
        t.dispatcher,
        { jobId: job.id, fileName: 'big.png', contentType: 'image/png' },
        chunked(png(LIMIT + 1), 32 * 1024),
      ),
    );

    expect(res).toMatchObject({ kind: 'resource_exhausted', code: 'PAYLOAD_TOO_LARGE', field: 'file' });
    expect(await rows(job.id)).toEqual([]);
    expect(await h.blobFiles()).toEqual(before);
  });

  it('leaves no record and no blob file when the client hangs up mid-upload', async () => {
    const job = await h.newJob(t);
    const before = await h.blobFiles();
    const partial = async () => (await h.blobFiles()).filter((f) => f.startsWith('.tmp/'));

    const upload = h.upload(
      t.dispatcher,
      { jobId: job.id, fileName: 'half.png', contentType: 'image/png' },
      chunked(png(200_000), 8192),
      {
        cancelAfter: 5,
        // The server is writing: its temp file exists.
        beforeCancel: () => waitFor(async () => (await partial()).length > 0, { what: 'the upload in progress' }),
      },
    );

    await expect(upload).rejects.toMatchObject({ code: status.CANCELLED });
    // The server notices the cancellation on its own schedule: wait until its temp file is gone.
    await waitFor(async () => JSON.stringify(await h.blobFiles()) === JSON.stringify(before), {
      what: 'the blob directory back as it was',
    });
    expect(await rows(job.id)).toEqual([]);
  });

  it('refuses an upload that ends short of its declared size, leaving nothing', async () => {
    const job = await h.newJob(t);
    const before = await h.blobFiles();

    const res = await failure(
      h.upload(
        t.dispatcher,
        { jobId: job.id, fileName: 'cut.png', contentType: 'image/png', declaredSizeBytes: 4000 },
        [png(3000)],
      ),
    );

    expect(res).toMatchObject({ kind: 'invalid_argument', code: 'UPLOAD_INCOMPLETE', field: 'file' });
    expect(await rows(job.id)).toEqual([]);
    expect(await h.blobFiles()).toEqual(before);
  });

  it('refuses an empty file, an upload without metadata first, and bad metadata, naming the field', async () => {
    const job = await h.newJob(t);

    const empty = await failure(
      h.upload(t.dispatcher, { jobId: job.id, fileName: 'e.txt', contentType: 'text/plain' }, []),
    );
    const noMeta = await failure(
      h.upload(t.dispatcher, {}, [Buffer.from('x')], {
        firstMessage: { part: { $case: 'chunk', value: Buffer.from('x') } },
      }),
    );
    const noName = await failure(
      h.upload(t.dispatcher, { jobId: job.id, contentType: 'text/plain' }, [Buffer.from('x')]),
    );
    const badCategory = await failure(
      h.upload(t.dispatcher, { jobId: job.id, fileName: 'a.txt', contentType: 'text/plain', category: 'selfie' }, [
        Buffer.from('x'),
      ]),
    );

    expect(empty).toMatchObject({ kind: 'invalid_argument', code: 'EMPTY_FILE', field: 'file' });
    expect(noMeta).toMatchObject({ kind: 'invalid_argument', field: 'meta' });
    expect(noName).toMatchObject({ kind: 'invalid_argument', field: 'fileName' });
    expect(badCategory).toMatchObject({ kind: 'invalid_argument', field: 'category' });
    expect(await rows(job.id)).toEqual([]);
  });

  it('answers NOT_FOUND for a job out of sight or of another tenant, before any byte', async () => {
    const job = await h.newJob(t);

    for (const caller of [t.outsider, t.otherClient, other.admin]) {
      const res = await failure(
        h.upload(caller, { jobId: job.id, fileName: 'a.png', contentType: 'image/png' }, [png(100)]),
      );
      expect(res).toMatchObject({ kind: 'not_found', code: 'JOB_NOT_FOUND' });
    }
  });
});

describe('content and listing', () => {
  it('streams the bytes back after a metadata message and counts each read', async () => {
    const job = await h.newJob(t);
    const file = Buffer.from(`Job report\n${'line of text\n'.repeat(15_000)}`);
    const att = await h.upload(t.dispatcher, { jobId: job.id, fileName: 'report.txt', contentType: 'text/plain' }, [
      file,
    ]);

    const first = await h.download(t.client, att.id);
    const second = await h.download(t.admin, att.id);
    const listed = await h.jobs.activity.listAttachments({ jobId: job.id }, { caller: t.guest });

    expect(first.bytes.equals(file)).toBe(true);
    expect(first.messages).toBeGreaterThan(2);
    expect(first.meta).toMatchObject({ id: att.id, category: 'document', viewCount: 1 });
    expect(second.meta.viewCount).toBe(2);
    expect(listed.attachments).toEqual([expect.objectContaining({ id: att.id, viewCount: 2 })]);
  });

  it('answers NOT_FOUND for content and lists out of sight or in another tenant, without counting a view', async () => {
    const job = await h.newJob(t);
    const att = await h.upload(t.dispatcher, { jobId: job.id, fileName: 'p.png', contentType: 'image/png' }, [
      png(1000),
    ]);

    for (const caller of [t.outsider, t.otherClient, other.admin]) {
      await expect(h.download(caller, att.id)).rejects.toMatchObject({ code: 5 });
      expect(await failure(h.jobs.activity.listAttachments({ jobId: job.id }, { caller }))).toMatchObject({
        kind: 'not_found',
      });
    }
    await expect(h.download(t.admin, 'att_missing')).rejects.toMatchObject({ code: 5 });
    expect((await h.download(t.admin, att.id)).meta.viewCount).toBe(1);
  });
});
