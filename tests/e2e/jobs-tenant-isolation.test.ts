// Two tenants side by side on every jobs route: A's admin cannot read, change, list or even detect what B owns;
// B's ids get exactly the answer ids that exist nowhere get.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Answer, Json } from './support/http.js';
import { createJob, expectStatus, formKeyOf, inHours, pngOf, sharedJob, upload } from './support/jobs.js';
import { type Platform, startPlatform } from './support/platform.js';
import { type StaffedTenant, staffedTenant } from './support/tenants.js';

let platform: Platform;
let a: StaffedTenant;
let b: StaffedTenant;
const B = { jobId: '', jobTypeId: '', attachmentId: '', proposalId: '', noteBody: 'B secret note', number: '' };
const api = () => platform.api;

beforeAll(async () => {
  platform = await startPlatform();
  [a, b] = await Promise.all([staffedTenant(platform.api, 'AlphaJobs'), staffedTenant(platform.api, 'BetaJobs')]);
  const job = await sharedJob(api(), b, { title: 'Beta only', tags: ['beta'] });
  B.jobId = job.id;
  B.number = job.number;
  expectStatus(await api().post(`/v1/jobs/${job.id}/notes`, { body: B.noteBody }, b.admin.token), 201, 'note');
  const file = await upload(api(), b.admin.token, job.id, { content: pngOf(800) });
  expectStatus(file, 201, 'attachment');
  B.attachmentId = file.body.id;
  const type = await api().post('/v1/job-types', { name: 'Beta type' }, b.admin.token);
  B.jobTypeId = type.body.id;
  const rejected = await createJob(api(), b.admin.token, { assigneeIds: [b.users.dispatcher.id] });
  await api().post(
    `/v1/jobs/${rejected.id}/reject`,
    { reason: 'x', proposedDueAt: inHours(50) },
    b.users.dispatcher.token,
  );
  B.proposalId =
    (await api().get(`/v1/jobs/${rejected.id}/history`, b.admin.token)).body.proposals[0]?.id ?? 'prp_none';
});
afterAll(() => platform?.stop());

const shape = (res: Answer) => ({ status: res.status, code: res.body?.error?.code, field: res.body?.error?.field });
const nowhere = (id: string) => `${id.split('_')[0]}_0000000000000000000000000000ffff`;

type Probe = [string, (id: string) => (token: string) => Promise<Answer>, () => string];
const job = (id: string) => `/v1/jobs/${id}`;
const probes: Probe[] = [
  ['GET /v1/jobs/{id}', (id) => (tok) => api().get(job(id), tok), () => B.jobId],
  ['PATCH /v1/jobs/{id}', (id) => (tok) => api().patch(job(id), { title: 'Hacked', version: 1 }, tok), () => B.jobId],
  [
    'POST /v1/jobs/{id}/assign',
    (id) => (tok) => api().post(`${job(id)}/assign`, { workerIds: [a.users.coworker.id] }, tok),
    () => B.jobId,
  ],
  ['POST /v1/jobs/{id}/accept', (id) => (tok) => api().post(`${job(id)}/accept`, undefined, tok), () => B.jobId],
  ['POST /v1/jobs/{id}/reject', (id) => (tok) => api().post(`${job(id)}/reject`, { reason: 'x' }, tok), () => B.jobId],
  [
    'POST /v1/jobs/{id}/proposals/{pid}/accept',
    (id) => (tok) => api().post(`${job(B.jobId)}/proposals/${id}/accept`, undefined, tok),
    () => B.proposalId,
  ],
  [
    'POST /v1/jobs/{id}/proposals/{pid}/counter',
    (id) => (tok) => api().post(`${job(id)}/proposals/prp_x/counter`, { proposedDueAt: inHours(9) }, tok),
    () => B.jobId,
  ],
  [
    'POST /v1/jobs/{id}/transition',
    (id) => (tok) => api().post(`${job(id)}/transition`, { to: 'cancelled' }, tok),
    () => B.jobId,
  ],
  ['POST /v1/jobs/{id}/complete', (id) => (tok) => api().post(`${job(id)}/complete`, undefined, tok), () => B.jobId],
  [
    'POST /v1/jobs/{id}/auto-assign',
    (id) => (tok) => api().post(`${job(id)}/auto-assign`, undefined, tok),
    () => B.jobId,
  ],
  ['GET /v1/jobs/{id}/history', (id) => (tok) => api().get(`${job(id)}/history`, tok), () => B.jobId],
  [
    'POST /v1/jobs/{id}/participants',
    (id) => (tok) => api().post(`${job(id)}/participants`, { userIds: [a.users.coworker.id] }, tok),
    () => B.jobId,
  ],
  [
    'POST /v1/jobs/{A job}/participants [B user]',
    (id) => async (tok) => {
      const mine = await createJob(api(), tok);
      return api().post(`${job(mine.id)}/participants`, { userIds: [id] }, tok);
    },
    () => b.users.coworker.id,
  ],
  [
    'POST /v1/jobs [B customer]',
    (id) => (tok) => api().post('/v1/jobs', { title: 'x', customerId: id }, tok),
    () => b.customerId,
  ],
  [
    'POST /v1/jobs [B job type]',
    (id) => (tok) => api().post('/v1/jobs', { title: 'x', typeId: id }, tok),
    () => B.jobTypeId,
  ],
  [
    'POST /v1/jobs [B assignee]',
    (id) => (tok) => api().post('/v1/jobs', { title: 'x', assigneeIds: [id] }, tok),
    () => b.users.coworker.id,
  ],
  [
    'POST /v1/jobs [B related job]',
    (id) => (tok) => api().post('/v1/jobs', { title: 'x', relatedJobIds: [id] }, tok),
    () => B.jobId,
  ],
  [
    'GET /v1/workers/{id}/schedule',
    (id) => (tok) => api().get(`/v1/workers/${id}/schedule`, tok),
    () => b.users.coworker.id,
  ],
  [
    'PATCH /v1/job-types/{id}',
    (id) => (tok) => api().patch(`/v1/job-types/${id}`, { name: 'Hacked' }, tok),
    () => B.jobTypeId,
  ],
  ['GET /v1/jobs/{id}/notes', (id) => (tok) => api().get(`${job(id)}/notes`, tok), () => B.jobId],
  ['POST /v1/jobs/{id}/notes', (id) => (tok) => api().post(`${job(id)}/notes`, { body: 'x' }, tok), () => B.jobId],
  ['GET /v1/jobs/{id}/attachments', (id) => (tok) => api().get(`${job(id)}/attachments`, tok), () => B.jobId],
  ['POST /v1/jobs/{id}/attachments', (id) => (tok) => upload(api(), tok, id, { content: pngOf(300) }), () => B.jobId],
  [
    'GET /v1/attachments/{id}/content',
    (id) => (tok) => api().get(`/v1/attachments/${id}/content`, tok),
    () => B.attachmentId,
  ],
  ['GET /v1/jobs/{id}/time-logs', (id) => (tok) => api().get(`${job(id)}/time-logs`, tok), () => B.jobId],
  [
    'POST /v1/jobs/{id}/time-logs',
    (id) => (tok) => api().post(`${job(id)}/time-logs`, { startedAt: inHours(-2), hours: 1 }, tok),
    () => B.jobId,
  ],
  ['GET /v1/jobs/{id}/reminders', (id) => (tok) => api().get(`${job(id)}/reminders`, tok), () => B.jobId],
  [
    'POST /v1/jobs/{id}/reminders',
    (id) => (tok) => api().post(`${job(id)}/reminders`, { remindAt: inHours(2) }, tok),
    () => B.jobId,
  ],
];

describe('jobs tenant isolation', () => {
  it.each(probes)(
    "%s answers A's admin exactly as for an id that exists nowhere (never 403, never 2xx)",
    async (_, probe, bId) => {
      const withB = await probe(bId())(a.admin.token);
      const withNothing = await probe(nowhere(bId()))(a.admin.token);

      expect(withB.status).not.toBe(403);
      expect(withB.status).toBeGreaterThanOrEqual(400);
      expect(withB.status).toBeLessThan(500);
      expect(shape(withB)).toEqual(shape(withNothing));
    },
  );

  it("keeps B's jobs out of A's lists, searches and filters", async () => {
    const tok = a.admin.token;
    const lists = await Promise.all([
      api().get('/v1/jobs?limit=100', tok),
      api().get(`/v1/jobs?q=${encodeURIComponent('Beta only')}`, tok),
      api().get(`/v1/jobs?q=${encodeURIComponent(B.number)}`, tok),
      api().get('/v1/jobs?tag=beta', tok),
      api().get(`/v1/jobs?customerId=${b.customerId}`, tok),
      api().get(`/v1/jobs?assigneeId=${b.users.coworker.id}`, tok),
      api().get('/v1/job-types', tok),
    ]);

    for (const list of lists) {
      expect(list.status).toBe(200);
      expect((list.body.items as Json[]).filter((x) => [B.jobId, B.jobTypeId].includes(x.id))).toEqual([]);
    }
  });

  it("serves each tenant's public form with its own key only", async () => {
    const [keyA, keyB] = await Promise.all([formKeyOf(api(), a.admin.token), formKeyOf(api(), b.admin.token)]);

    const sent = await api().post(`/v1/public/requests/${keyA}`, {
      name: 'N',
      email: 'n@x.co',
      title: 'For Alpha only',
    });

    expect(keyA).not.toBe(keyB);
    expect(sent.status).toBe(202);
    const inB = await api().get(`/v1/jobs?q=${encodeURIComponent('For Alpha only')}`, b.admin.token);
    expect(inB.body.items).toEqual([]);
  });

  it("left B's job untouched after all those attempts", async () => {
    const res = await api().get(`/v1/jobs/${B.jobId}`, b.admin.token);
    const notes = await api().get(`/v1/jobs/${B.jobId}/notes`, b.admin.token);

    expect(res.body).toMatchObject({ title: 'Beta only', status: 'assigned', version: 2 });
    expect(notes.body.items.map((n: Json) => n.body)).toEqual([B.noteBody]);
  });
});
