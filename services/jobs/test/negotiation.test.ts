// Acceptance, rejection and the deadline negotiation through gRPC, the whole thread end to end.

import type { Caller } from '@fieldline/platform';
import { jobsEvents } from '@fieldline/proto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { failure, type Harness, HOUR, input, list, startHarness, Tenant } from './harness.js';

let h: Harness;
let t: Tenant;
let worker: Caller;
let otherWorker: Caller;
let dispatcher: Caller;

beforeAll(async () => {
  h = await startHarness('negotiation');
  t = await Tenant.create(h);
  worker = await t.user('coworker');
  otherWorker = await t.user('coworker');
  dispatcher = await t.user('dispatcher');
});
afterAll(async () => {
  await h?.stop();
});

const start = new Date('2030-06-01T08:00:00Z');
const due = new Date('2030-06-02T08:00:00Z');
const assignedJob = () =>
  h.api.jobs.createJob(
    {
      job: input({ title: 'Replace the pump', startAt: start, dueAt: due, assigneeIds: list([worker.userId]) }),
      source: '',
      idempotencyKey: '',
    },
    { caller: dispatcher },
  );

describe('accept and reject', () => {
  it('lets the assignee accept, and publishes job_accepted', async () => {
    const job = await assignedJob();

    const accepted = await h.api.jobs.acceptJob({ id: job.id }, { caller: worker });

    expect(accepted.status).toBe('accepted');
    await h.events.next(
      'job_accepted',
      jobsEvents.JobChanged,
      (e) => e.job?.id === job.id && e.actorId === worker.userId,
    );
  });

  it('refuses anyone but an assignee', async () => {
    const job = await assignedJob();

    expect(await failure(h.api.jobs.acceptJob({ id: job.id }, { caller: dispatcher }))).toMatchObject({
      kind: 'permission_denied',
      code: 'NOT_ASSIGNEE',
    });
    expect(
      await failure(
        h.api.jobs.rejectJob({ id: job.id, reason: 'no', proposedDueAt: undefined }, { caller: dispatcher }),
      ),
    ).toMatchObject({
      kind: 'permission_denied',
    });
    // A coworker not on the job does not even see it.
    expect(await failure(h.api.jobs.acceptJob({ id: job.id }, { caller: otherWorker }))).toMatchObject({
      kind: 'not_found',
    });
  });

  it('needs a reason to reject, and a proposed date not before the start', async () => {
    const job = await assignedJob();

    expect(
      await failure(h.api.jobs.rejectJob({ id: job.id, reason: ' ', proposedDueAt: undefined }, { caller: worker })),
    ).toMatchObject({
      field: 'reason',
    });
    expect(
      await failure(
        h.api.jobs.rejectJob(
          { id: job.id, reason: 'busy', proposedDueAt: new Date(start.getTime() - HOUR) },
          { caller: worker },
        ),
      ),
    ).toMatchObject({ field: 'proposedDueAt' });
  });
});

describe('the negotiation thread', () => {
  it('runs reject with a proposal → dispatch counters → assignee counters → dispatch accepts, all recorded', async () => {
    const job = await assignedJob();
    const d1 = new Date(due.getTime() + 24 * HOUR);
    const d2 = new Date(due.getTime() + 12 * HOUR);
    const d3 = new Date(due.getTime() + 18 * HOUR);

    const rejected = await h.api.jobs.rejectJob(
      { id: job.id, reason: 'parts arrive Tuesday', proposedDueAt: d1 },
      { caller: worker },
    );
    expect(rejected.status).toBe('rejected');
    const p1 = (await h.api.jobs.getJobHistory({ id: job.id }, { caller: dispatcher })).proposals[0];
    expect(p1).toMatchObject({ side: 'assignee', state: 'open', proposedDueAt: d1, proposedBy: worker.userId });

    // The assignee cannot answer their own proposal.
    expect(
      await failure(h.api.jobs.acceptProposal({ jobId: job.id, proposalId: p1.id }, { caller: worker })),
    ).toMatchObject({
      kind: 'permission_denied',
    });

    await h.api.jobs.counterProposal(
      { jobId: job.id, proposalId: p1.id, proposedDueAt: d2, message: 'the customer needs it sooner' },
      { caller: dispatcher },
    );
    const p2 = (await h.api.jobs.getJobHistory({ id: job.id }, { caller: dispatcher })).proposals[1];
    expect(p2).toMatchObject({ side: 'dispatcher', state: 'open', proposedDueAt: d2 });

    await h.api.jobs.counterProposal(
      { jobId: job.id, proposalId: p2.id, proposedDueAt: d3, message: 'best I can do' },
      { caller: worker },
    );
    const p3 = (await h.api.jobs.getJobHistory({ id: job.id }, { caller: dispatcher })).proposals[2];

    const final = await h.api.jobs.acceptProposal({ jobId: job.id, proposalId: p3.id }, { caller: dispatcher });

    expect(final).toMatchObject({ status: 'accepted', dueAt: d3 });
    const { entries, proposals } = await h.api.jobs.getJobHistory({ id: job.id }, { caller: dispatcher });
    expect(proposals.map((p) => [p.side, p.state])).toEqual([
      ['assignee', 'countered'],
      ['dispatcher', 'countered'],
      ['assignee', 'accepted'],
    ]);
    expect(entries.map((e) => e.kind)).toEqual([
      'created',
      'rejected',
      'proposal_countered',
      'proposal_countered',
      'proposal_accepted',
    ]);
    expect(entries[1]).toMatchObject({
      fromStatus: 'assigned',
      toStatus: 'rejected',
      reason: 'parts arrive Tuesday',
      proposalId: p1.id,
    });
    expect(entries[4].changes).toEqual(
      expect.arrayContaining([{ field: 'dueAt', fromJson: JSON.stringify(due), toJson: JSON.stringify(d3) }]),
    );
    for (const type of ['job_rejected', 'job_proposal_countered', 'job_proposal_accepted']) {
      await h.events.next(type, jobsEvents.JobChanged, (e) => e.job?.id === job.id && e.proposal !== undefined);
    }
  });

  it('lets the assignee accept a dispatch counter', async () => {
    const job = await assignedJob();
    const later = new Date(due.getTime() + 48 * HOUR);
    await h.api.jobs.rejectJob({ id: job.id, reason: 'too soon', proposedDueAt: later }, { caller: worker });
    const p1 = (await h.api.jobs.getJobHistory({ id: job.id }, { caller: dispatcher })).proposals[0];
    const counter = new Date(due.getTime() + 24 * HOUR);
    await h.api.jobs.counterProposal(
      { jobId: job.id, proposalId: p1.id, proposedDueAt: counter, message: '' },
      { caller: dispatcher },
    );
    const p2 = (await h.api.jobs.getJobHistory({ id: job.id }, { caller: worker })).proposals[1];

    const accepted = await h.api.jobs.acceptProposal({ jobId: job.id, proposalId: p2.id }, { caller: worker });

    expect(accepted).toMatchObject({ status: 'accepted', dueAt: counter });
  });

  it('refuses to answer a proposal twice, or one of another job', async () => {
    const job = await assignedJob();
    const other = await assignedJob();
    await h.api.jobs.rejectJob(
      { id: job.id, reason: 'later', proposedDueAt: new Date(due.getTime() + HOUR) },
      { caller: worker },
    );
    const p = (await h.api.jobs.getJobHistory({ id: job.id }, { caller: dispatcher })).proposals[0];
    await h.api.jobs.acceptProposal({ jobId: job.id, proposalId: p.id }, { caller: dispatcher });

    expect(
      await failure(h.api.jobs.acceptProposal({ jobId: job.id, proposalId: p.id }, { caller: dispatcher })),
    ).toMatchObject({
      code: 'PROPOSAL_NOT_OPEN',
    });
    expect(
      await failure(h.api.jobs.acceptProposal({ jobId: other.id, proposalId: p.id }, { caller: dispatcher })),
    ).toMatchObject({
      code: 'PROPOSAL_NOT_FOUND',
    });
    expect(
      await failure(
        h.api.jobs.counterProposal(
          { jobId: job.id, proposalId: p.id, proposedDueAt: undefined, message: '' },
          { caller: dispatcher },
        ),
      ),
    ).toMatchObject({ field: 'proposedDueAt' });
  });

  it('supersedes an open proposal when dispatch reassigns the job', async () => {
    const job = await assignedJob();
    await h.api.jobs.rejectJob(
      { id: job.id, reason: 'ill', proposedDueAt: new Date(due.getTime() + HOUR) },
      { caller: worker },
    );

    const reassigned = await h.api.jobs.assignJob(
      {
        id: job.id,
        workerIds: [otherWorker.userId],
        scheduledStart: undefined,
        scheduledEnd: undefined,
        force: false,
        add: false,
      },
      { caller: dispatcher },
    );

    expect(reassigned.job).toMatchObject({ status: 'assigned', assigneeIds: [otherWorker.userId] });
    const { proposals } = await h.api.jobs.getJobHistory({ id: job.id }, { caller: dispatcher });
    expect(proposals[0].state).toBe('superseded');
  });

  it('hides the negotiation from the client of the job', async () => {
    const customer = await t.customer('NEG');
    const client = await t.user('client', { customerId: customer.id });
    const job = await h.api.jobs.createJob(
      {
        job: input({
          title: 'x',
          customerId: customer.id,
          startAt: start,
          dueAt: due,
          assigneeIds: list([worker.userId]),
        }),
        source: '',
        idempotencyKey: '',
      },
      { caller: dispatcher },
    );
    await h.api.jobs.rejectJob(
      { id: job.id, reason: 'internal reason', proposedDueAt: new Date(due.getTime() + HOUR) },
      { caller: worker },
    );

    const seen = await h.api.jobs.getJobHistory({ id: job.id }, { caller: client });

    expect(seen.proposals).toEqual([]);
    expect(seen.entries.every((e) => e.proposalId === '' && !e.reason.includes('internal reason'))).toBe(true);
    expect(seen.entries.map((e) => e.toStatus)).toContain('rejected');
  });
});
