// Every protected jobs route × every role, on a job every role can see (the co-worker assigned, the guest a
// participant, the client's customer): the allowed roles get an answer, the others 403, from the gateway's
// coarse gate or the jobs service's finer rules alike.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Answer, Json } from './support/http.js';
import { createJob, expectStatus, inHours, pngOf, sharedJob, upload } from './support/jobs.js';
import { type Platform, startPlatform } from './support/platform.js';
import {
  createUser,
  ROLES,
  type RoleName,
  type Session,
  type StaffedTenant,
  staffedTenant,
} from './support/tenants.js';

let platform: Platform;
let t: StaffedTenant;
let job: Json;
let attachmentId: string;
let jobTypeId: string;
let extra: Session;

beforeAll(async () => {
  platform = await startPlatform();
  t = await staffedTenant(platform.api, 'JobMatrix');
  job = await sharedJob(platform.api, t);
  const file = await upload(platform.api, t.admin.token, job.id, { content: pngOf(1000) });
  expectStatus(file, 201, 'attachment');
  attachmentId = file.body.id;
  const type = await platform.api.post('/v1/job-types', { name: 'Matrix type' }, t.admin.token);
  expectStatus(type, 201, 'job type');
  jobTypeId = type.body.id;
  // Someone of the job's customer: every role on the job may add them (clients and guests only their own people).
  extra = await createUser(platform.api, t, 'guest', { name: 'Extra guest', customerId: t.customerId });
});
afterAll(() => platform?.stop());

const api = () => platform.api;
type Call = (token: string) => Promise<Answer>;
type Row = { route: string; allowed: readonly RoleName[]; call: () => Promise<Call> };

const all = ROLES;
const staff = ['admin', 'dispatcher', 'coworker'] as const;
const dispatch = ['admin', 'dispatcher'] as const;

/** A fresh shared job, so one role's allowed change never decides another's outcome. */
const fresh = () => sharedJob(api(), t);
/** A fresh shared job its assignee rejected proposing a date: the proposal waits for dispatch. */
async function withProposal(): Promise<{ jobId: string; proposalId: string }> {
  const j = await fresh();
  const rejected = await api().post(
    `/v1/jobs/${j.id}/reject`,
    { reason: 'busy', proposedDueAt: inHours(72) },
    t.users.coworker.token,
  );
  expectStatus(rejected, 200, 'reject');
  const history = await api().get(`/v1/jobs/${j.id}/history`, t.admin.token);
  return { jobId: j.id, proposalId: history.body.proposals[0].id };
}

const MATRIX: Row[] = [
  { route: 'GET /v1/job-types', allowed: all, call: async () => (tok) => api().get('/v1/job-types', tok) },
  {
    route: 'POST /v1/job-types',
    allowed: ['admin'],
    call: async () => (tok) => api().post('/v1/job-types', { name: `Type ${Math.random()}` }, tok),
  },
  {
    route: 'PATCH /v1/job-types/{id}',
    allowed: ['admin'],
    call: async () => (tok) => api().patch(`/v1/job-types/${jobTypeId}`, { description: String(Math.random()) }, tok),
  },
  {
    route: 'POST /v1/jobs',
    allowed: ['admin', 'dispatcher', 'coworker', 'client'],
    call: async () => (tok) => api().post('/v1/jobs', { title: 'Matrix job', customerId: t.customerId }, tok),
  },
  { route: 'GET /v1/jobs', allowed: all, call: async () => (tok) => api().get('/v1/jobs', tok) },
  { route: 'GET /v1/jobs/{id}', allowed: all, call: async () => (tok) => api().get(`/v1/jobs/${job.id}`, tok) },
  {
    route: 'PATCH /v1/jobs/{id}',
    allowed: staff,
    call: async () => {
      const j = await fresh();
      return (tok) => api().patch(`/v1/jobs/${j.id}`, { description: 'changed', version: j.version }, tok);
    },
  },
  {
    route: 'POST /v1/jobs/{id}/assign',
    allowed: dispatch,
    call: async () => {
      const j = await createJob(api(), t.admin.token, { customerId: t.customerId });
      return (tok) => api().post(`/v1/jobs/${j.id}/assign`, { workerIds: [t.users.coworker.id] }, tok);
    },
  },
  {
    route: 'POST /v1/jobs/{id}/accept',
    allowed: ['coworker'],
    call: async () => {
      const j = await fresh();
      return (tok) => api().post(`/v1/jobs/${j.id}/accept`, undefined, tok);
    },
  },
  {
    route: 'POST /v1/jobs/{id}/reject',
    allowed: ['coworker'],
    call: async () => {
      const j = await fresh();
      return (tok) => api().post(`/v1/jobs/${j.id}/reject`, { reason: 'busy' }, tok);
    },
  },
  {
    route: 'POST /v1/jobs/{id}/proposals/{pid}/accept',
    allowed: dispatch,
    call: async () => {
      const p = await withProposal();
      return (tok) => api().post(`/v1/jobs/${p.jobId}/proposals/${p.proposalId}/accept`, undefined, tok);
    },
  },
  {
    route: 'POST /v1/jobs/{id}/proposals/{pid}/counter',
    allowed: dispatch,
    call: async () => {
      const p = await withProposal();
      return (tok) =>
        api().post(`/v1/jobs/${p.jobId}/proposals/${p.proposalId}/counter`, { proposedDueAt: inHours(60) }, tok);
    },
  },
  {
    route: 'POST /v1/jobs/{id}/transition',
    allowed: staff,
    call: async () => {
      const j = await fresh();
      return (tok) => api().post(`/v1/jobs/${j.id}/transition`, { to: 'in_progress' }, tok);
    },
  },
  {
    route: 'POST /v1/jobs/{id}/complete',
    allowed: staff,
    call: async () => {
      const j = await fresh();
      // Work under way: an assignment still waiting for its answer cannot be completed.
      expectStatus(await api().post(`/v1/jobs/${j.id}/transition`, { to: 'in_progress' }, t.admin.token), 200, 'start');
      return (tok) => api().post(`/v1/jobs/${j.id}/complete`, undefined, tok);
    },
  },
  {
    route: 'POST /v1/jobs/{id}/auto-assign',
    allowed: dispatch,
    call: async () => {
      const j = await createJob(api(), t.admin.token, { customerId: t.customerId });
      return (tok) => api().post(`/v1/jobs/${j.id}/auto-assign`, undefined, tok);
    },
  },
  {
    route: 'GET /v1/jobs/{id}/history',
    allowed: all,
    call: async () => (tok) => api().get(`/v1/jobs/${job.id}/history`, tok),
  },
  {
    route: 'POST /v1/jobs/{id}/participants',
    allowed: all,
    call: async () => {
      const j = await fresh();
      return (tok) => api().post(`/v1/jobs/${j.id}/participants`, { userIds: [extra.id] }, tok);
    },
  },
  {
    route: 'GET /v1/workers/{id}/schedule',
    allowed: staff,
    call: async () => (tok) =>
      api().get(
        `/v1/workers/${t.users.coworker.id}/schedule?from=${encodeURIComponent(inHours(-24))}&to=${encodeURIComponent(inHours(24))}`,
        tok,
      ),
  },
  {
    route: 'GET /v1/jobs/{id}/notes',
    allowed: all,
    call: async () => (tok) => api().get(`/v1/jobs/${job.id}/notes`, tok),
  },
  {
    route: 'POST /v1/jobs/{id}/notes',
    allowed: all,
    call: async () => (tok) => api().post(`/v1/jobs/${job.id}/notes`, { body: 'hello' }, tok),
  },
  {
    route: 'GET /v1/jobs/{id}/attachments',
    allowed: all,
    call: async () => (tok) => api().get(`/v1/jobs/${job.id}/attachments`, tok),
  },
  {
    route: 'POST /v1/jobs/{id}/attachments',
    allowed: all,
    call: async () => (tok) => upload(api(), tok, job.id, { content: pngOf(500) }),
  },
  {
    route: 'GET /v1/attachments/{id}/content',
    allowed: all,
    call: async () => (tok) => api().get(`/v1/attachments/${attachmentId}/content`, tok),
  },
  {
    route: 'GET /v1/jobs/{id}/time-logs',
    allowed: staff,
    call: async () => (tok) => api().get(`/v1/jobs/${job.id}/time-logs`, tok),
  },
  {
    route: 'POST /v1/jobs/{id}/time-logs',
    allowed: staff,
    call: async () => (tok) =>
      api().post(
        `/v1/jobs/${job.id}/time-logs`,
        { workerId: t.users.coworker.id, startedAt: inHours(-2), hours: 1 },
        tok,
      ),
  },
  {
    route: 'GET /v1/jobs/{id}/reminders',
    allowed: staff,
    call: async () => (tok) => api().get(`/v1/jobs/${job.id}/reminders`, tok),
  },
  {
    route: 'POST /v1/jobs/{id}/reminders',
    allowed: staff,
    call: async () => (tok) => api().post(`/v1/jobs/${job.id}/reminders`, { remindAt: inHours(3) }, tok),
  },
  {
    // An integration's API key only: people's tokens are refused whatever their role.
    route: 'POST /v1/integrations/voip/calls',
    allowed: [],
    call: async () => (tok) => api().post('/v1/integrations/voip/calls', { from: '+1 555 0100', callId: 'c1' }, tok),
  },
];

const CASES = MATRIX.flatMap((row) =>
  ROLES.map((role) => [row.route, role, row.allowed.includes(role) ? 'allowed' : 'forbidden', row] as const),
);

describe('jobs role matrix', () => {
  it.each(CASES)('%s as %s is %s', async (_route, role, expected, row) => {
    const call = await row.call();

    const res = await call(t.users[role].token);

    if (expected === 'forbidden') {
      expect({ status: res.status, error: res.body?.error }).toMatchObject({
        status: 403,
        error: { code: expect.any(String) },
      });
    } else {
      // The body is in the comparison so a failure shows why.
      expect({ ok: res.status >= 200 && res.status < 300, status: res.status, error: res.body?.error }).toEqual({
        ok: true,
        status: res.status,
        error: undefined,
      });
    }
  });

  it('covers every protected jobs route of the OpenAPI document', async () => {
    const doc = (await api().get('/openapi.json')).body as {
      paths: Record<string, Record<string, { security?: unknown[]; tags?: string[] }>>;
    };
    const jobsTags = ['job-types', 'jobs', 'job-activity', 'public'];
    const secured = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops)
        .filter(([, op]) => op.security?.length && op.tags?.some((tag) => jobsTags.includes(tag)))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );

    expect(MATRIX.map((r) => r.route).sort()).toEqual(secured.sort());
  });
});
