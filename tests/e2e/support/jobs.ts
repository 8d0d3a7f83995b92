// Helpers for the jobs e2e tests: jobs, uploads and form keys made through the public API, as a client would.
import type { Answer, Api, Json, Token } from './http.js';
import type { StaffedTenant } from './tenants.js';

export const HOUR = 3600_000;
/** An RFC 3339 time `hours` from now (negative: in the past). */
export const inHours = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();

export function expectStatus(res: Answer, status: number, what: string): void {
  if (res.status !== status)
    throw new Error(`${what}: expected ${status}, got ${res.status} ${res.text.slice(0, 500)}`);
}

export async function createJob(api: Api, token: Token, fields: Record<string, unknown> = {}): Promise<Json> {
  const res = await api.post('/v1/jobs', { title: 'Fix the boiler', ...fields }, token);
  expectStatus(res, 201, 'create job');
  return res.body;
}

/**
 * A job of the tenant's customer that every role of a staffed tenant can see: the co-worker is assigned, the
 * guest is a participant (clients see their customer's jobs anyway).
 */
export async function sharedJob(api: Api, t: StaffedTenant, fields: Record<string, unknown> = {}): Promise<Json> {
  const job = await createJob(api, t.admin.token, {
    customerId: t.customerId,
    assigneeIds: [t.users.coworker.id],
    ...fields,
  });
  const added = await api.post(`/v1/jobs/${job.id}/participants`, { userIds: [t.users.guest.id] }, t.admin.token);
  expectStatus(added, 200, 'add the guest');
  return added.body;
}

/** A PNG signature then `size - 8` bytes of a pattern: passes the service's content check as image/png. */
export function pngOf(size: number): Uint8Array {
  const out = Buffer.alloc(size, 7);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(out);
  for (let i = 8; i < size; i++) out[i] = i % 251;
  return out;
}

/** POST /v1/jobs/{id}/attachments as a browser would: fields first, then the file part. */
export function upload(
  api: Api,
  token: Token,
  jobId: string,
  file: { name?: string; type?: string; content: Uint8Array },
  fields: Record<string, string> = {},
): Promise<Answer> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([file.content], { type: file.type ?? 'image/png' }), file.name ?? 'photo.png');
  return api.send('POST', `/v1/jobs/${jobId}/attachments`, {
    body: form,
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

/** The tenant's public form key, from its settings. */
export async function formKeyOf(api: Api, adminToken: string): Promise<string> {
  const res = await api.get('/v1/settings', adminToken);
  expectStatus(res, 200, 'settings');
  return res.body.formKey;
}

/** The error of an answer as {status, code, field}, for one-line assertions. */
export const errorOf = (res: Answer) => ({
  status: res.status,
  code: res.body?.error?.code,
  field: res.body?.error?.field,
});
