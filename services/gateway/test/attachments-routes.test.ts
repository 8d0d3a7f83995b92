// Attachments through the gateway: the multipart upload streamed to a real gRPC server in chunks, refused early
// when it is not multipart or too large, and the download streamed back with its headers.
import { request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { FastifyInstance } from 'fastify';
import { type FakeJobs, startFakeJobs } from './fake-jobs.js';
import { testGateway, tokenFor } from './gateway-fixture.js';
import { type FormPart, multipartBody, pngOf } from './multipart.js';

const MAX = 300_000;
const download = pngOf(250_000);
let fake: FakeJobs;
let app: FastifyInstance;

beforeAll(async () => {
  fake = await startFakeJobs({
    files: { att_1: { fileName: 'Rapport d’été "final".pdf', contentType: 'application/pdf', content: download } },
  });
  app = await testGateway({ jobsAddr: fake.address, uploadMaxBytes: MAX });
});
afterAll(async () => {
  await app.close();
  await fake.stop();
});
beforeEach(() => fake.reset());

const auth = { authorization: `Bearer ${tokenFor('coworker')}` };
const upload = (parts: FormPart[], url = '/v1/jobs/job_1/attachments') => {
  const { payload, contentType } = multipartBody(parts);
  return app.inject({ method: 'POST', url, payload, headers: { ...auth, 'content-type': contentType } });
};
const file = (content: Buffer, contentType = 'image/png'): FormPart => ({
  name: 'file',
  filename: 'photo.png',
  contentType,
  content,
});
/** Waits (up to 5 s) until `done` holds: the gRPC side of an upload moves on after the HTTP answer. */
async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; waited < 5000 && !done(); waited += 20) await new Promise((r) => setTimeout(r, 20));
}
/** The outcomes of the uploads the fake saw, once it saw `count` of them and none is still running. */
async function settledOutcomes(count: number): Promise<string[]> {
  await until(() => fake.uploads.length >= count && fake.uploads.every((u) => u.outcome !== 'running'));
  return fake.uploads.map((u) => u.outcome);
}

describe('POST /v1/jobs/{id}/attachments', () => {
  it('streams the file to the service in chunks of at most 64 KiB, metadata first', async () => {
    const content = pngOf(200_000);

    const res = await upload([
      { name: 'category', value: 'photo' },
      { name: 'description', value: 'the boiler' },
      file(content),
    ]);

    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ id: 'att_1', fileName: 'photo.png', sizeBytes: 200_000, category: 'photo' });
    const [sent] = fake.uploads;
    expect(sent.meta).toEqual({
      jobId: 'job_1',
      fileName: 'photo.png',
      contentType: 'image/png',
      category: 'photo',
      description: 'the boiler',
      declaredSizeBytes: 0,
    });
    expect(sent.chunkSizes.reduce((a, b) => a + b, 0)).toBe(200_000);
    expect(Math.max(...sent.chunkSizes)).toBeLessThanOrEqual(64 * 1024);
    expect(fake.callsOf('uploadAttachment')[0].caller).toMatchObject({ role: 'coworker', tenantId: 't_1' });
  });

  it('streams a request body that arrives in pieces (no whole-file buffering needed)', async () => {
    const { payload, contentType } = multipartBody([file(pngOf(150_000))]);
    const pieces = Array.from({ length: Math.ceil(payload.length / 7000) }, (_, i) =>
      payload.subarray(i * 7000, (i + 1) * 7000),
    );

    const res = await app.inject({
      method: 'POST',
      url: '/v1/jobs/job_1/attachments',
      payload: Readable.from(pieces),
      headers: { ...auth, 'content-type': contentType },
    });

    expect(res.statusCode).toBe(201);
    expect(fake.uploads[0].chunkSizes.reduce((a, b) => a + b, 0)).toBe(150_000);
  });

  it('answers 413 for a file over the gateway cap and aborts the upload', async () => {
    const res = await upload([file(pngOf(MAX + 1))]);

    expect(res.statusCode).toBe(413);
    expect(res.json().error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', field: 'file' });
    expect(await settledOutcomes(1)).toEqual(['aborted']);
  });

  it('accepts a file exactly at the cap', async () => {
    expect((await upload([file(pngOf(MAX))])).statusCode).toBe(201);
  });

  it("passes on the service's early refusal (a type not allowed) and stops sending", async () => {
    const res = await upload([file(pngOf(250_000), 'application/x-msdownload')]);

    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'UNSUPPORTED_CONTENT_TYPE', field: 'contentType' });
    expect(fake.uploads[0].outcome).toBe('refused');
  });

  it.each<[string, string, string | Buffer, Record<string, string>]>([
    ['JSON', '415', '{"file":"x"}', { 'content-type': 'application/json' }],
    ['a form post', '415', 'file=x', { 'content-type': 'application/x-www-form-urlencoded' }],
    ['plain bytes', '415', pngOf(100), { 'content-type': 'image/png' }],
  ])('answers %s with %s UNSUPPORTED_MEDIA_TYPE and no call', async (_, status, payload, headers) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/jobs/job_1/attachments',
      payload,
      headers: { ...auth, ...headers },
    });

    expect(res.statusCode).toBe(Number(status));
    expect(res.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(fake.calls).toEqual([]);
  });

  // The last column: how many uploads reached the service before the refusal (each is then aborted).
  it.each<[string, FormPart[], string, string[]]>([
    ['no file', [{ name: 'category', value: 'photo' }], 'file', []],
    ['an unknown field', [{ name: 'owner', value: 'me' }, file(pngOf(10))], 'owner', []],
    ['a bad category', [{ name: 'category', value: 'selfie' }, file(pngOf(10))], 'category', []],
    ['a description too long', [{ name: 'description', value: 'x'.repeat(2001) }, file(pngOf(10))], 'description', []],
    ['the file under another name', [{ ...file(pngOf(10)), name: 'upload' }], 'upload', []],
    ['a field after the file', [file(pngOf(10)), { name: 'category', value: 'photo' }], 'category', ['aborted']],
    ['two files', [file(pngOf(10)), file(pngOf(10))], 'file', ['aborted']],
  ])('answers 400 naming the field for %s, leaving nothing stored', async (_, parts, field, outcomes) => {
    const res = await upload(parts);

    expect(res.statusCode).toBe(400);
    expect(res.json().error.field).toBe(field);
    expect(await settledOutcomes(outcomes.length)).toEqual(outcomes);
  });

  it('aborts the upload when the client goes away mid-file, so nothing is stored', async () => {
    const { payload, contentType } = multipartBody([file(pngOf(200_000))]);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/v1/jobs/job_1/attachments',
      headers: { ...auth, 'content-type': contentType, 'content-length': payload.length },
    });
    req.on('error', () => {});
    req.write(payload.subarray(0, 100_000));
    await until(() => (fake.uploads[0]?.chunkSizes.length ?? 0) > 0);

    req.destroy();

    expect(await settledOutcomes(1)).toEqual(['aborted']);
    expect(fake.uploads[0].chunkSizes.length).toBeGreaterThan(0);
  });

  it('answers a malformed multipart body with 400, not 500', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/jobs/job_1/attachments',
      payload: '--nope\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\nabc',
      headers: { ...auth, 'content-type': 'multipart/form-data; boundary=nope' },
    });

    expect(res.statusCode).toBe(400);
  });

  it('keeps multipart a 415 on every other route', async () => {
    const { payload, contentType } = multipartBody([{ name: 'body', value: 'hi' }]);

    const res = await app.inject({
      method: 'POST',
      url: '/v1/jobs/job_1/notes',
      payload,
      headers: { ...auth, 'content-type': contentType },
    });

    expect(res.statusCode).toBe(415);
  });
});

describe('GET /v1/attachments/{id}/content', () => {
  it('streams the bytes with type, length and a safe download name', async () => {
    const res = await app.inject({ url: '/v1/attachments/att_1/content', headers: auth });

    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(download)).toBe(true);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-length']).toBe(String(download.length));
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="Rapport d__t_ _final_.pdf"; filename*=UTF-8''Rapport%20d%E2%80%99%C3%A9t%C3%A9%20%22final%22.pdf`,
    );
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
  });

  it('answers an unknown attachment with 404 in the error shape', async () => {
    const res = await app.inject({ url: '/v1/attachments/att_nope/content', headers: auth });

    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('ATTACHMENT_NOT_FOUND');
  });

  it('does not count a HEAD as a view', async () => {
    const res = await app.inject({ method: 'HEAD', url: '/v1/attachments/att_1/content', headers: auth });

    expect(res.statusCode).toBe(404);
    expect(fake.calls).toEqual([]);
  });
});
