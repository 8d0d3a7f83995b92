// Who sees which job through gRPC: role × relation to the job × (read, list, update), the restricted view of
// clients and guests, and another tenant's ids answering "not found" on every job RPC.

import type { Caller } from '@fieldline/platform';
import { jobs } from '@fieldline/proto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { failure, type Harness, input, list, startHarness, Tenant } from './harness.js';

type Relation = 'none' | 'assignee' | 'participant' | 'notify' | 'requester';
type Outcome = 'ok' | 'denied' | 'hidden';

let h: Harness;
let t: Tenant;
let dispatcher: Caller;
let own: string; // the coworker's assigned customer, and the customer of the client and guest
let other: string;
const people: Record<string, Caller> = {};

beforeAll(async () => {
  h = await startHarness('visibility');
  t = await Tenant.create(h);
  dispatcher = await t.user('dispatcher');
  people.admin = t.admin;
  people.dispatcher = await t.user('dispatcher');
  people.coworker = await t.user('coworker');
  own = (await t.customer('OWN', { coworkers: [people.coworker] })).id;
  other = (await t.customer('OTHER')).id;
  people.client = await t.user('client', { customerId: own });
  people.guest = await t.user('guest', { customerId: own });
});
afterAll(async () => {
  await h?.stop();
});

/** A job on `customer` where `viewer` has `relation` (requester: the viewer created it). */
async function jobFor(viewer: Caller, relation: Relation, customer: string | undefined): Promise<jobs.Job> {
  const fields: Partial<jobs.JobInput> = {
    title: `${viewer.role} ${relation}`,
    customerId: customer,
    price: { amount: 9900, currency: 'USD' },
    billableHours: 2,
  };
  if (relation === 'assignee') fields.assigneeIds = list([viewer.userId]);
  if (relation === 'notify') fields.notifyIds = list([viewer.userId]);
  const creator = relation === 'requester' ? viewer : dispatcher;
  const base =
    relation === 'requester' && (viewer.role === 'client' || viewer.role === 'guest')
      ? { title: fields.title }
      : fields;
  const job = await h.api.jobs.createJob({ job: input(base), source: '', idempotencyKey: '' }, { caller: creator });
  if (relation === 'participant') {
    return h.api.jobs.addParticipants({ id: job.id, userIds: [viewer.userId] }, { caller: dispatcher });
  }
  return job;
}

// role, relation, customer of the job → read (and list), update (a work field: percentComplete).
const matrix: Array<[string, Relation, 'own' | 'other' | 'none', Outcome, Outcome]> = [
  ['admin', 'none', 'other', 'ok', 'ok'],
  ['dispatcher', 'none', 'other', 'ok', 'ok'],
  ['dispatcher', 'none', 'none', 'ok', 'ok'],
  ['coworker', 'none', 'own', 'hidden', 'hidden'],
  ['coworker', 'none', 'none', 'hidden', 'hidden'],
  ['coworker', 'assignee', 'own', 'ok', 'ok'],
  ['coworker', 'assignee', 'other', 'ok', 'ok'],
  ['coworker', 'participant', 'other', 'ok', 'ok'],
  ['coworker', 'notify', 'own', 'ok', 'denied'],
  ['coworker', 'notify', 'other', 'hidden', 'hidden'],
  ['coworker', 'notify', 'none', 'ok', 'denied'],
  ['coworker', 'requester', 'own', 'ok', 'denied'],
  ['coworker', 'requester', 'none', 'ok', 'denied'],
  ['client', 'none', 'own', 'ok', 'denied'],
  ['client', 'none', 'other', 'hidden', 'hidden'],
  ['client', 'participant', 'own', 'ok', 'denied'],
  ['client', 'notify', 'own', 'ok', 'denied'],
  ['client', 'requester', 'own', 'ok', 'denied'],
  ['guest', 'none', 'own', 'hidden', 'hidden'],
  ['guest', 'none', 'other', 'hidden', 'hidden'],
  ['guest', 'participant', 'own', 'ok', 'denied'],
  ['guest', 'notify', 'own', 'ok', 'denied'],
  ['guest', 'requester', 'own', 'ok', 'denied'],
];

describe('visibility matrix', () => {
  it.each(matrix)(
    'a %s who is %s on a job of the %s customer: read/list %s, update %s',
    async (role, relation, customer, read, update) => {
      const viewer = people[role];
      const customerId = customer === 'own' ? own : customer === 'other' ? other : undefined;
      const job = await jobFor(viewer, relation, customerId);

      const got = await h.api.jobs.getJob({ id: job.id }, { caller: viewer }).then(
        (j) => ({ ok: true as const, job: j }),
        async (err) => ({ ok: false as const, failure: await failure(Promise.reject(err)) }),
      );
      const listed = await h.api.jobs.listJobs(jobs.ListJobsRequest.fromPartial({ page: { limit: 200, cursor: '' } }), {
        caller: viewer,
      });
      const updated = await failure(
        h.api.jobs.updateJob(
          { id: job.id, version: job.version, job: input({ percentComplete: 10 }) },
          { caller: viewer },
        ),
      ).catch(() => 'ok' as const);

      if (read === 'ok') {
        expect(got.ok).toBe(true);
        expect(listed.jobs.map((j) => j.id)).toContain(job.id);
      } else {
        expect(got).toMatchObject({ ok: false, failure: { kind: 'not_found', code: 'JOB_NOT_FOUND' } });
        expect(listed.jobs.map((j) => j.id)).not.toContain(job.id);
      }
      const expected = {
        ok: 'ok',
        denied: { kind: 'permission_denied' },
        hidden: { kind: 'not_found', code: 'JOB_NOT_FOUND' },
      }[update];
      if (update === 'ok') expect(updated).toBe('ok');
      else expect(updated).toMatchObject(expected as object);
    },
  );

  it('shows clients and guests a restricted view without prices or billing', async () => {
    const job = await jobFor(people.client, 'none', own);

    const seen = await h.api.jobs.getJob({ id: job.id }, { caller: people.client });
    const staff = await h.api.jobs.getJob({ id: job.id }, { caller: dispatcher });

    expect(seen).toMatchObject({ restrictedView: true, billableHours: 0, notifyIds: [] });
    expect(seen.price).toBeUndefined();
    expect(staff).toMatchObject({ restrictedView: false, billableHours: 2, price: { amount: 9900, currency: 'USD' } });
  });

  it('hides internal field changes from the history a client sees', async () => {
    const job = await jobFor(people.client, 'none', own);
    await h.api.jobs.updateJob(
      {
        id: job.id,
        version: job.version,
        job: input({ price: { amount: 1, currency: 'USD' }, description: 'visible' }),
      },
      { caller: dispatcher },
    );

    const { entries } = await h.api.jobs.getJobHistory({ id: job.id }, { caller: people.client });

    const fields = entries.flatMap((e) => e.changes.map((c) => c.field));
    expect(fields).toContain('description');
    expect(fields).not.toContain('price');
  });
});

describe('another tenant', () => {
  it("answers NOT_FOUND for this tenant's job on every job RPC", async () => {
    const job = await jobFor(dispatcher, 'none', own);
    const worker = await t.user('coworker');
    const intruder = (await Tenant.create(h)).admin;
    const as = { caller: intruder };
    const api = h.api.jobs;

    const calls: Array<[string, Promise<unknown>]> = [
      ['GetJob', api.getJob({ id: job.id }, as)],
      ['UpdateJob', api.updateJob({ id: job.id, version: 1, job: input({ description: 'x' }) }, as)],
      ['AssignJob', api.assignJob(jobs.AssignJobRequest.fromPartial({ id: job.id, workerIds: [intruder.userId] }), as)],
      ['AcceptJob', api.acceptJob({ id: job.id }, as)],
      ['RejectJob', api.rejectJob({ id: job.id, reason: 'x', proposedDueAt: undefined }, as)],
      ['AcceptProposal', api.acceptProposal({ jobId: job.id, proposalId: 'prp_x' }, as)],
      [
        'CounterProposal',
        api.counterProposal(
          { jobId: job.id, proposalId: 'prp_x', proposedDueAt: new Date('2031-01-01'), message: '' },
          as,
        ),
      ],
      ['TransitionJob', api.transitionJob({ id: job.id, to: 'cancelled', reason: '' }, as)],
      ['CompleteJob', api.completeJob({ id: job.id, note: '' }, as)],
      ['AutoAssignJob', api.autoAssignJob({ id: job.id, scheduledStart: undefined, scheduledEnd: undefined }, as)],
      ['AddParticipants', api.addParticipants({ id: job.id, userIds: [intruder.userId] }, as)],
      ['GetJobHistory', api.getJobHistory({ id: job.id }, as)],
    ];
    for (const [name, call] of calls) {
      expect([name, await failure(call)]).toEqual([
        name,
        expect.objectContaining({ kind: 'not_found', code: 'JOB_NOT_FOUND' }),
      ]);
    }
    expect(
      await failure(
        api.getWorkerSchedule(
          { workerId: worker.userId, from: new Date('2031-01-01'), to: new Date('2031-01-02') },
          as,
        ),
      ),
    ).toMatchObject({
      kind: 'not_found',
    });
    const listed = await api.listJobs(jobs.ListJobsRequest.fromPartial({ customerId: own }), as);
    expect(listed.jobs).toEqual([]);
    expect((await h.api.jobs.getJob({ id: job.id }, { caller: dispatcher })).version).toBe(1);
  });

  it("cannot point a job at this tenant's customer, people or jobs", async () => {
    const job = await jobFor(dispatcher, 'none', own);
    const intruder = (await Tenant.create(h)).admin;
    const create = (fields: Partial<jobs.JobInput>) =>
      failure(
        h.api.jobs.createJob(
          { job: input({ title: 'x', ...fields }), source: '', idempotencyKey: '' },
          { caller: intruder },
        ),
      );

    expect(await create({ customerId: own })).toMatchObject({ code: 'CUSTOMER_NOT_FOUND', field: 'customerId' });
    expect(await create({ assigneeIds: list([people.coworker.userId]) })).toMatchObject({ field: 'assigneeIds[0]' });
    expect(await create({ relatedJobIds: list([job.id]) })).toMatchObject({ field: 'relatedJobIds[0]' });
  });

  it("cannot see or change this tenant's job types", async () => {
    const type = await h.api.jobTypes.createJobType(
      { name: 'Secret', description: '', fields: [] },
      { caller: t.admin },
    );
    const intruder = (await Tenant.create(h)).admin;

    expect((await h.api.jobTypes.listJobTypes({}, { caller: intruder })).jobTypes).toEqual([]);
    expect(
      await failure(
        h.api.jobTypes.updateJobType(jobs.UpdateJobTypeRequest.fromPartial({ id: type.id, name: 'Mine' }), {
          caller: intruder,
        }),
      ),
    ).toMatchObject({ kind: 'not_found', code: 'JOB_TYPE_NOT_FOUND' });
  });
});
