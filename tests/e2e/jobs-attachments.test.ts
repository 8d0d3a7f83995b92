// Attachments through the whole platform: a multipart upload streamed to the jobs service and its blob store,
// downloaded back byte for byte with its view counted; refusals for size (tenant and gateway), type and media
// type leave no attachment behind.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Json } from './support/http.js';
import { errorOf, expectStatus, pngOf, sharedJob, upload } from './support/jobs.js';
import { type Platform, startPlatform } from './support/platform.js';
import { type StaffedTenant, staffedTenant } from './support/tenants.js';

const GATEWAY_CAP = 3 * 1024 * 1024;
let platform: Platform;
let t: StaffedTenant;
let job: Json;
const api = () => platform.api;

beforeAll(async () => {
  platform = await startPlatform({ gateway: { uploadMaxBytes: GATEWAY_CAP } });
  t = await staffedTenant(platform.api, 'Files');
  job = await sharedJob(platform.api, t);
  // A tenant limit under the gateway's cap, so both refusals can be seen.
  const settings = await api().patch(
    '/v1/settings',
    { maxUploadBytes: 2 * 1024 * 1024, allowedUploadTypes: ['image/png', 'application/pdf'] },
    t.admin.token,
  );
  expectStatus(settings, 200, 'settings');
});
afterAll(() => platform?.stop());

const attachments = async () => (await api().get(`/v1/jobs/${job.id}/attachments`, t.admin.token)).body.items as Json[];

describe('uploading and downloading', () => {
  it('stores a file streamed in, and gives it back byte for byte, counting each view', async () => {
    const content = pngOf(1_500_000);

    const res = await upload(
      api(),
      t.users.coworker.token,
      job.id,
      { name: 'boiler.png', content },
      {
        category: 'photo',
        description: 'Before the repair',
      },
    );

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      jobId: job.id,
      fileName: 'boiler.png',
      contentType: 'image/png',
      sizeBytes: content.length,
      category: 'photo',
      description: 'Before the repair',
      viewCount: 0,
      uploadedBy: t.users.coworker.id,
    });
    const first = await api().get(`/v1/attachments/${res.body.id}/content`, t.users.client.token);
    expect(first.status).toBe(200);
    expect(first.bytes.equals(Buffer.from(content))).toBe(true);
    expect(first.headers.get('content-type')).toBe('image/png');
    expect(first.headers.get('content-length')).toBe(String(content.length));
    expect(first.headers.get('content-disposition')).toContain('filename="boiler.png"');
    await api().get(`/v1/attachments/${res.body.id}/content`, t.admin.token);
    expect((await attachments()).find((a) => a.id === res.body.id)?.viewCount).toBe(2);
  });

  it('lists attachments to everyone on the job', async () => {
    for (const role of ['client', 'guest', 'coworker'] as const) {
      const res = await api().get(`/v1/jobs/${job.id}/attachments`, t.users[role].token);
      expect(res.status).toBe(200);
    }
  });
});

describe('refusals leave nothing behind', () => {
  type Send = () => ReturnType<typeof upload>;
  it.each<[string, number, string | undefined, Send]>([
    [
      'a file over the tenant limit',
      413,
      'PAYLOAD_TOO_LARGE',
      () => upload(api(), t.admin.token, job.id, { content: pngOf(2 * 1024 * 1024 + 1) }),
    ],
    [
      'a file over the gateway cap',
      413,
      'PAYLOAD_TOO_LARGE',
      () => upload(api(), t.admin.token, job.id, { content: pngOf(GATEWAY_CAP + 1) }),
    ],
    [
      'a type the tenant does not allow',
      400,
      'UNSUPPORTED_CONTENT_TYPE',
      () =>
        upload(api(), t.admin.token, job.id, { name: 'a.gif', type: 'image/gif', content: Buffer.from('GIF89a....') }),
    ],
    [
      'bytes that are not what the type says',
      400,
      undefined,
      () => upload(api(), t.admin.token, job.id, { name: 'x.pdf', type: 'application/pdf', content: pngOf(2000) }),
    ],
    ['an empty file', 400, undefined, () => upload(api(), t.admin.token, job.id, { content: new Uint8Array(0) })],
  ])('refuses %s with %i %s', async (_, status, code, send) => {
    const before = (await attachments()).length;

    const res = await send();

    expect(errorOf(res)).toMatchObject({ status, ...(code ? { code } : {}) });
    expect(await attachments()).toHaveLength(before);
  });

  it('refuses a body that is not multipart with 415', async () => {
    const res = await api().post(`/v1/jobs/${job.id}/attachments`, { file: 'aGVsbG8=' }, t.admin.token);

    expect(errorOf(res)).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('answers an attachment of a job the caller cannot see as not found', async () => {
    const [one] = await attachments();
    const outsider = await api().post(
      '/v1/users',
      { name: 'Outsider', role: 'coworker', email: 'outsider@files.test', password: 'e2e-password-1' },
      t.admin.token,
    );
    expectStatus(outsider, 201, 'outsider');
    const login = await api().post('/v1/auth/login', {
      tenant: t.slug,
      email: 'outsider@files.test',
      password: 'e2e-password-1',
    });

    const res = await api().get(`/v1/attachments/${one.id}/content`, login.body.accessToken);

    expect(errorOf(res)).toMatchObject({ status: 404, code: 'ATTACHMENT_NOT_FOUND' });
  });
});
