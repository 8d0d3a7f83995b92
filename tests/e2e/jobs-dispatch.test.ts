// Dispatching through the whole platform: assignment into scheduled windows with conflicts named, the
// assignee's answer and the deadline negotiation kept as a thread, auto-assign saying why, participants.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Json } from './support/http.js';
import { createJob, errorOf, expectStatus, inHours } from './support/jobs.js';
import { type Platform, startPlatform } from './support/platform.js';
import { createUser, type Session, type StaffedTenant, staffedTenant } from './support/tenants.js';

let platform: Platform;
let t: StaffedTenant;
let worker: Session;
const api = () => platform.api;
const admin = () => t.admin.token;
const dispatcher = () => t.users.dispatcher.token;

beforeAll(async () => {
  platform = await startPlatform();
  t = await staffedTenant(platform.api, 'Dispatch');
  worker = await createUser(platform.api, t, 'coworker', { name: 'Second worker' });
});
afterAll(() => platform?.stop());

const assign = (jobId: string, body: Record<string, unknown>, token = dispatcher()) =>
  api().post(`/v1/jobs/${jobId}/assign`, body, token);

describe('assignment and schedules', () => {
  it('assigns a worker in a window: the job waits for their answer', async () => {
    const job = await createJob(api(), admin(), { customerId: t.customerId });

    const res = await assign(job.id, {
      workerIds: [t.users.coworker.id],
      scheduledStart: inHours(24),
      scheduledEnd: inHours(26),
    });

    expect(res.status).toBe(200);
    expect(res.body.job).toMatchObject({
      status: 'assigned',
      assigneeIds: [t.users.coworker.id],
      scheduleConflict: false,
    });
    expect(res.body.conflicts).toEqual([]);
  });

  it('refuses an overlapping window with 409 naming the conflicting job, and flags it when forced', async () => {
    const first = await createJob(api(), admin(), { title: 'Morning visit' });
    await assign(first.id, { workerIds: [worker.id], scheduledStart: inHours(48), scheduledEnd: inHours(50) });
    const second = await createJob(api(), admin(), { title: 'Overlapping visit' });
    const window = { scheduledStart: inHours(49), scheduledEnd: inHours(51) };

    const refused = await assign(second.id, { workerIds: [worker.id], ...window });
    const forced = await assign(second.id, { workerIds: [worker.id], ...window, force: true });

    expect(errorOf(refused)).toMatchObject({ status: 409, code: 'SCHEDULE_CONFLICT', field: 'workerIds' });
    expect(refused.body.error.message).toContain(first.number);
    expect(forced.status).toBe(200);
    expect(forced.body.job.scheduleConflict).toBe(true);
    expect(forced.body.conflicts).toEqual([
      expect.objectContaining({ workerId: worker.id, jobId: first.id, jobNumber: first.number }),
    ]);

    const schedule = await api().get(
      `/v1/workers/${worker.id}/schedule?from=${encodeURIComponent(inHours(40))}&to=${encodeURIComponent(inHours(60))}`,
      dispatcher(),
    );
    expect(schedule.status).toBe(200);
    expect(schedule.body.workerId).toBe(worker.id);
    expect(schedule.body.items.map((e: Json) => e.jobId).sort()).toEqual([first.id, second.id].sort());
    expect(schedule.body.items.every((e: Json) => e.conflict)).toBe(true);
  });

  it('lets only dispatch assign', async () => {
    const job = await createJob(api(), admin());

    const res = await assign(job.id, { workerIds: [worker.id] }, t.users.coworker.token);

    expect(errorOf(res)).toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });

  it('auto-assigns a free co-worker of the customer and says which rule chose them', async () => {
    const job = await createJob(api(), admin(), { customerId: t.customerId });

    const res = await api().post(
      `/v1/jobs/${job.id}/auto-assign`,
      { scheduledStart: inHours(100), scheduledEnd: inHours(101) },
      dispatcher(),
    );

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      workerId: t.users.coworker.id,
      rule: 'customer_coworker',
      reason: expect.any(String),
      distanceM: null,
      job: { assigneeIds: [t.users.coworker.id], status: 'assigned' },
    });
  });

  it('answers 409 NO_ELIGIBLE_WORKER when no rule finds anyone', async () => {
    const job = await createJob(api(), admin());

    const res = await api().post(`/v1/jobs/${job.id}/auto-assign`, undefined, dispatcher());

    expect(errorOf(res)).toMatchObject({ status: 409, code: 'NO_ELIGIBLE_WORKER' });
  });
});

describe('the acceptance cycle and the deadline negotiation', () => {
  it('lets the assignee accept, and nobody else', async () => {
    const job = await createJob(api(), admin(), { customerId: t.customerId, assigneeIds: [t.users.coworker.id] });

    const byOther = await api().post(`/v1/jobs/${job.id}/accept`, undefined, dispatcher());
    const byAssignee = await api().post(`/v1/jobs/${job.id}/accept`, undefined, t.users.coworker.token);

    expect(errorOf(byOther)).toMatchObject({ status: 403, code: 'NOT_ASSIGNEE' });
    expect(byAssignee.body.status).toBe('accepted');
  });

  it('keeps the whole thread: reject with a date, dispatch counters, the assignee accepts the counter', async () => {
    const dueAt = inHours(24);
    const job = await createJob(api(), admin(), {
      customerId: t.customerId,
      assigneeIds: [t.users.coworker.id],
      dueAt,
    });
    const assignee = t.users.coworker.token;
    const proposed = inHours(72);
    const countered = inHours(48);

    const rejected = await api().post(
      `/v1/jobs/${job.id}/reject`,
      { reason: 'Too busy', proposedDueAt: proposed },
      assignee,
    );
    expectStatus(rejected, 200, 'reject');
    const first = (await api().get(`/v1/jobs/${job.id}/history`, dispatcher())).body.proposals[0];
    const counter = await api().post(
      `/v1/jobs/${job.id}/proposals/${first.id}/counter`,
      { proposedDueAt: countered, message: 'Can you do Wednesday?' },
      dispatcher(),
    );
    expectStatus(counter, 200, 'counter');
    const history = (await api().get(`/v1/jobs/${job.id}/history`, assignee)).body;
    const second = history.proposals.find((p: Json) => p.side === 'dispatcher');
    const accepted = await api().post(`/v1/jobs/${job.id}/proposals/${second.id}/accept`, undefined, assignee);

    expect(rejected.body.status).toBe('rejected');
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', dueAt: countered });
    const thread = (await api().get(`/v1/jobs/${job.id}/history`, admin())).body;
    expect(thread.proposals).toEqual([
      expect.objectContaining({ id: first.id, side: 'assignee', proposedDueAt: proposed, state: 'countered' }),
      expect.objectContaining({
        id: second.id,
        side: 'dispatcher',
        proposedDueAt: countered,
        message: 'Can you do Wednesday?',
        state: 'accepted',
      }),
    ]);
    const kinds = thread.items.map((e: Json) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['rejected', 'proposal_countered', 'proposal_accepted']));
    expect(thread.items.find((e: Json) => e.kind === 'rejected')).toMatchObject({ reason: 'Too busy' });
  });

  it("lets dispatch accept the assignee's proposal: the due date moves", async () => {
    const job = await createJob(api(), admin(), { customerId: t.customerId, assigneeIds: [t.users.coworker.id] });
    const proposed = inHours(96);
    await api().post(`/v1/jobs/${job.id}/reject`, { reason: 'Parts', proposedDueAt: proposed }, t.users.coworker.token);
    const [proposal] = (await api().get(`/v1/jobs/${job.id}/history`, dispatcher())).body.proposals;

    const byAssignee = await api().post(
      `/v1/jobs/${job.id}/proposals/${proposal.id}/accept`,
      undefined,
      t.users.coworker.token,
    );
    const byDispatch = await api().post(`/v1/jobs/${job.id}/proposals/${proposal.id}/accept`, undefined, dispatcher());

    expect(errorOf(byAssignee).status).toBe(403);
    expect(byDispatch.body).toMatchObject({ status: 'accepted', dueAt: proposed });
  });

  it('refuses answering a proposal twice (409) and an unknown proposal (404)', async () => {
    const job = await createJob(api(), admin(), { customerId: t.customerId, assigneeIds: [t.users.coworker.id] });
    await api().post(`/v1/jobs/${job.id}/reject`, { reason: 'No', proposedDueAt: inHours(30) }, t.users.coworker.token);
    const [proposal] = (await api().get(`/v1/jobs/${job.id}/history`, dispatcher())).body.proposals;
    await api().post(`/v1/jobs/${job.id}/proposals/${proposal.id}/accept`, undefined, dispatcher());

    const again = await api().post(`/v1/jobs/${job.id}/proposals/${proposal.id}/accept`, undefined, dispatcher());
    const unknown = await api().post(
      `/v1/jobs/${job.id}/proposals/prp_000000000000000000000000000000ff/accept`,
      undefined,
      dispatcher(),
    );

    expect(errorOf(again)).toMatchObject({ status: 409, code: 'PROPOSAL_NOT_OPEN' });
    expect(errorOf(unknown)).toMatchObject({ status: 404, code: 'PROPOSAL_NOT_FOUND' });
  });

  it('refuses a proposed date before the job starts, naming it', async () => {
    const job = await createJob(api(), admin(), {
      assigneeIds: [t.users.coworker.id],
      customerId: t.customerId,
      startAt: inHours(10),
    });

    const res = await api().post(
      `/v1/jobs/${job.id}/reject`,
      { reason: 'x', proposedDueAt: inHours(1) },
      t.users.coworker.token,
    );

    expect(errorOf(res)).toMatchObject({ status: 400, field: 'proposedDueAt' });
  });
});

describe('participants', () => {
  it('lets someone on the job add a participant, who then sees the job and its whole history', async () => {
    const job = await createJob(api(), admin(), { customerId: t.customerId, assigneeIds: [t.users.coworker.id] });
    await api().post(`/v1/jobs/${job.id}/transition`, { to: 'in_progress', reason: 'early start' }, admin());
    const before = await api().get(`/v1/jobs/${job.id}`, worker.token);

    const added = await api().post(`/v1/jobs/${job.id}/participants`, { userIds: [worker.id] }, t.users.coworker.token);
    const after = await api().get(`/v1/jobs/${job.id}`, worker.token);
    const history = await api().get(`/v1/jobs/${job.id}/history`, worker.token);

    expect(before.status).toBe(404);
    expect(added.body.participantIds).toEqual([worker.id]);
    expect(after.status).toBe(200);
    expect(history.body.items.map((e: Json) => e.kind)).toEqual(expect.arrayContaining(['created', 'status_changed']));
  });
});
