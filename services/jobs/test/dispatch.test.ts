// Dispatch through gRPC: assignment windows and conflicts, worker schedules, auto-assign rules, delays and
// site visits.

import type { Caller } from '@fieldline/platform';
import { jobs, jobsEvents } from '@fieldline/proto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LocationClient, NearestWorkersQuery } from '../src/clients/location.js';
import { moveJobForSiteVisit } from '../src/domain/job-commands.js';
import { checkDelays } from '../src/workers/delay-checker.js';
import { failure, type Harness, HOUR, input, list, startHarness, Tenant } from './harness.js';

// A stand-in for the location service (not built yet): answers with what the test put in.
const nearby: { workerId: string; distanceM: number }[] = [];
const asked: NearestWorkersQuery[] = [];
let locationDown = false;
const location: LocationClient = {
  async nearestWorkers(q) {
    asked.push(q);
    if (locationDown) throw new Error('14 UNAVAILABLE: connection refused');
    return nearby;
  },
  close() {},
};

let h: Harness;
let t: Tenant;
let dispatcher: Caller;

beforeAll(async () => {
  h = await startHarness('dispatch', { location });
  t = await Tenant.create(h);
  dispatcher = await t.user('dispatcher');
});
afterAll(async () => {
  await h?.stop();
});

const at = (hour: number) => new Date(Date.UTC(2031, 0, 6, hour));
const create = (fields: Partial<jobs.JobInput> = {}) =>
  h.api.jobs.createJob(
    { job: input({ title: 'Visit', ...fields }), source: '', idempotencyKey: '' },
    { caller: dispatcher },
  );
const assign = (id: string, workerIds: string[], from?: Date, to?: Date, force = false, add = false) =>
  h.api.jobs.assignJob({ id, workerIds, scheduledStart: from, scheduledEnd: to, force, add }, { caller: dispatcher });

describe('AssignJob and schedules', () => {
  it('assigns several workers in a window and publishes job_assigned', async () => {
    const a = await t.user('coworker');
    const b = await t.user('coworker');
    const job = await create();

    const res = await assign(job.id, [a.userId, b.userId], at(8), at(10));

    expect(res.job).toMatchObject({
      status: 'assigned',
      assigneeIds: [a.userId, b.userId],
      scheduledStart: at(8),
      scheduledEnd: at(10),
    });
    expect(res.conflicts).toEqual([]);
    await h.events.next(
      'job_assigned',
      jobsEvents.JobChanged,
      (e) => e.job?.id === job.id && e.addedUserIds.length === 2,
    );
  });

  it('refuses an overlapping window naming the conflicting job, unless forced (then flagged)', async () => {
    const w = await t.user('coworker');
    const first = await create();
    await assign(first.id, [w.userId], at(8), at(10));
    const second = await create();

    const refused = await failure(assign(second.id, [w.userId], at(9), at(11)));

    expect(refused).toMatchObject({ kind: 'conflict', code: 'SCHEDULE_CONFLICT', field: 'workerIds' });
    expect(refused.message).toContain(first.number);
    const forced = await assign(second.id, [w.userId], at(9), at(11), true);
    expect(forced.job?.scheduleConflict).toBe(true);
    expect(forced.conflicts).toEqual([
      { workerId: w.userId, jobId: first.id, jobNumber: first.number, scheduledStart: at(8), scheduledEnd: at(10) },
    ]);
  });

  it('lets back-to-back windows and closed jobs pass', async () => {
    const w = await t.user('coworker');
    const first = await create();
    await assign(first.id, [w.userId], at(8), at(10));
    const cancelled = await create();
    await assign(cancelled.id, [w.userId], at(12), at(14));
    await h.api.jobs.transitionJob({ id: cancelled.id, to: 'cancelled', reason: '' }, { caller: dispatcher });

    expect((await assign((await create()).id, [w.userId], at(10), at(12))).conflicts).toEqual([]);
    expect((await assign((await create()).id, [w.userId], at(12), at(13))).conflicts).toEqual([]);
  });

  it('never lets two racing assignments both take the same slot', async () => {
    const w = await t.user('coworker');
    const [a, b] = await Promise.all([create(), create()]);

    const results = await Promise.allSettled([
      assign(a.id, [w.userId], at(15), at(16)),
      assign(b.id, [w.userId], at(15), at(16)),
    ]);

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it("returns a worker's schedule with forced overlaps flagged", async () => {
    const w = await t.user('coworker');
    const j1 = await create();
    await assign(j1.id, [w.userId], at(8), at(10));
    const j2 = await create();
    await assign(j2.id, [w.userId], at(9), at(11), true);
    const j3 = await create();
    await assign(j3.id, [w.userId], at(13), at(14));

    const schedule = await h.api.jobs.getWorkerSchedule(
      { workerId: w.userId, from: at(0), to: at(12) },
      { caller: dispatcher },
    );

    expect(schedule.entries.map((e) => [e.jobId, e.conflict])).toEqual([
      [j1.id, true],
      [j2.id, true],
    ]);
    const own = await h.api.jobs.getWorkerSchedule({ workerId: w.userId, from: at(0), to: at(24) }, { caller: w });
    expect(own.entries).toHaveLength(3);
    const other = await t.user('coworker');
    expect(
      await failure(h.api.jobs.getWorkerSchedule({ workerId: w.userId, from: at(0), to: at(24) }, { caller: other })),
    ).toMatchObject({
      kind: 'permission_denied',
    });
  });

  it.each([
    ['no workers', { workerIds: [] }, 'workerIds'],
    ['half a window', { workerIds: ['W'], scheduledStart: at(8) }, 'scheduledEnd'],
    [
      'a window ending before it starts',
      { workerIds: ['W'], scheduledStart: at(9), scheduledEnd: at(8) },
      'scheduledEnd',
    ],
    ['an unknown worker', { workerIds: ['usr_nobody'] }, 'workerIds[0]'],
    ['a client as worker', { workerIds: ['CLIENT'] }, 'workerIds[0]'],
  ])('refuses %s', async (_what, fields, field) => {
    const w = await t.user('coworker');
    const job = await create();
    const req = jobs.AssignJobRequest.fromPartial({ id: job.id, ...fields });
    const client = await t.user('client', { customerId: (await t.customer(`C${Date.now()}`)).id });
    req.workerIds = req.workerIds.map((x) => (x === 'W' ? w.userId : x === 'CLIENT' ? client.userId : x));

    expect(await failure(h.api.jobs.assignJob(req, { caller: dispatcher }))).toMatchObject({
      kind: 'invalid_argument',
      field,
    });
  });

  it('lets only dispatch assign', async () => {
    const w = await t.user('coworker');
    const job = await create({ assigneeIds: list([w.userId]) });

    expect(
      await failure(
        h.api.jobs.assignJob(jobs.AssignJobRequest.fromPartial({ id: job.id, workerIds: [w.userId] }), { caller: w }),
      ),
    ).toMatchObject({ kind: 'permission_denied' });
  });
});

describe('AutoAssignJob', () => {
  it("picks the customer's free coworker with the fewest open jobs, and says why", async () => {
    const busy = await t.user('coworker', { name: 'Busy Bea' });
    const loaded = await t.user('coworker', { name: 'Loaded Lou' });
    const free = await t.user('coworker', { name: 'Free Fay' });
    const customer = await t.customer('AUTO', { coworkers: [busy, loaded, free] });
    const blocker = await create();
    await assign(blocker.id, [busy.userId], at(8), at(12));
    await create({ assigneeIds: list([loaded.userId]) });
    const job = await create({ customerId: customer.id });

    const res = await h.api.jobs.autoAssignJob(
      { id: job.id, scheduledStart: at(9), scheduledEnd: at(10) },
      { caller: dispatcher },
    );

    expect(res).toMatchObject({ workerId: free.userId, rule: 'customer_coworker' });
    expect(res.reason).toContain('Free Fay');
    expect(res.job).toMatchObject({ status: 'assigned', assigneeIds: [free.userId], scheduledStart: at(9) });
  });

  it('falls back to the nearest available eligible worker from the location service', async () => {
    const near = await t.user('coworker', { name: 'Near Ned' });
    const client = await t.user('client', { customerId: (await t.customer('GEO')).id });
    nearby.splice(
      0,
      nearby.length,
      { workerId: client.userId, distanceM: 10 },
      { workerId: near.userId, distanceM: 250 },
    );
    const job = await create({
      site: { siteId: '', address: 'Quai 1', lat: 48.85, lng: 2.35, radiusM: 100, hasCoordinates: true },
    });

    const res = await h.api.jobs.autoAssignJob(
      { id: job.id, scheduledStart: undefined, scheduledEnd: undefined },
      { caller: dispatcher },
    );

    expect(res).toMatchObject({ workerId: near.userId, rule: 'nearest_available', distanceM: 250 });
    expect(asked.at(-1)).toMatchObject({ tenantId: t.id, lat: 48.85, lng: 2.35, availableOnly: true });
  });

  it('says why when the location service does not answer', async () => {
    locationDown = true;
    const job = await create({
      site: { siteId: '', address: 'Quai 2', lat: 48.8, lng: 2.3, radiusM: 50, hasCoordinates: true },
    });

    const res = await failure(
      h.api.jobs.autoAssignJob(
        { id: job.id, scheduledStart: undefined, scheduledEnd: undefined },
        { caller: dispatcher },
      ),
    );
    locationDown = false;

    expect(res).toMatchObject({ kind: 'failed_precondition', code: 'NO_ELIGIBLE_WORKER' });
    expect(res.message).toContain('the location service did not answer');
  });

  it('says NO_ELIGIBLE_WORKER when no rule finds anyone', async () => {
    nearby.splice(0, nearby.length);
    const job = await create();

    const res = await failure(
      h.api.jobs.autoAssignJob(
        { id: job.id, scheduledStart: undefined, scheduledEnd: undefined },
        { caller: dispatcher },
      ),
    );

    expect(res).toMatchObject({ kind: 'failed_precondition', code: 'NO_ELIGIBLE_WORKER' });
    expect(res.message).toContain('no customer');
  });
});

describe('delays', () => {
  it('marks a job past due once, publishes job_delayed once, and lists it as delayed', async () => {
    const job = await create({ startAt: new Date(Date.now() - 3 * HOUR), dueAt: new Date(Date.now() - HOUR) });

    const first = await checkDelays(h.service.deps, h.clock.now());
    const second = await checkDelays(h.service.deps, h.clock.now());

    expect(first).toContainEqual({ tenantId: t.id, jobId: job.id, cause: 'past_due' });
    expect(second.filter((d) => d.jobId === job.id)).toEqual([]);
    expect((await h.api.jobs.getJob({ id: job.id }, { caller: dispatcher })).delayCauses).toEqual(['past_due']);
    await h.events.next('job_delayed', jobsEvents.JobDelayed, (e) => e.job?.id === job.id && e.cause === 'past_due');
    expect(h.events.all('job_delayed', jobsEvents.JobDelayed, (e) => e.job?.id === job.id)).toHaveLength(1);
    const delayed = await h.api.jobs.listJobs(jobs.ListJobsRequest.fromPartial({ delayed: 'true' }), {
      caller: dispatcher,
    });
    expect(delayed.jobs.map((j) => j.id)).toContain(job.id);
    const onTime = await h.api.jobs.listJobs(jobs.ListJobsRequest.fromPartial({ delayed: 'false' }), {
      caller: dispatcher,
    });
    expect(onTime.jobs.map((j) => j.id)).not.toContain(job.id);
  });

  it('marks a late start when the window began with nobody on site, and an arrival clears it', async () => {
    const w = await t.user('coworker');
    const job = await create();
    const start = new Date(Date.now() + HOUR);
    await assign(job.id, [w.userId], start, new Date(start.getTime() + HOUR));

    expect((await checkDelays(h.service.deps, h.clock.now())).filter((d) => d.jobId === job.id)).toEqual([]);
    h.clock.advance(2 * HOUR);
    expect(await checkDelays(h.service.deps, h.clock.now())).toContainEqual({
      tenantId: t.id,
      jobId: job.id,
      cause: 'late_start',
    });

    const arrived = await h.service.deps.db.transaction().execute((tx) =>
      moveJobForSiteVisit(tx, h.service.deps, {
        tenantId: t.id,
        jobId: job.id,
        workerId: w.userId,
        kind: 'arrived',
        at: h.clock.now(),
      }),
    );

    expect(arrived).toMatchObject({ status: 'in_progress', delayCauses: [] });
    const moves = (await h.api.jobs.getJobHistory({ id: job.id }, { caller: dispatcher })).entries.filter(
      (e) => e.kind === 'status_changed',
    );
    expect(moves.at(-1)).toMatchObject({ fromStatus: 'assigned', toStatus: 'in_progress', actorId: w.userId });
  });

  it('clears past due when the due date moves, and announces it again if it passes again', async () => {
    const job = await create({
      startAt: new Date(h.clock.now().getTime() - 3 * HOUR),
      dueAt: new Date(h.clock.now().getTime() - HOUR),
    });
    await checkDelays(h.service.deps, h.clock.now());
    const marked = await h.api.jobs.getJob({ id: job.id }, { caller: dispatcher });

    const moved = await h.api.jobs.updateJob(
      { id: job.id, version: marked.version, job: input({ dueAt: new Date(h.clock.now().getTime() + HOUR) }) },
      { caller: dispatcher },
    );
    expect(moved.delayCauses).toEqual([]);
    h.clock.advance(2 * HOUR);

    expect(await checkDelays(h.service.deps, h.clock.now())).toContainEqual({
      tenantId: t.id,
      jobId: job.id,
      cause: 'past_due',
    });
  });

  it('leaves done and cancelled jobs alone', async () => {
    const job = await create({
      startAt: new Date(h.clock.now().getTime() - 3 * HOUR),
      dueAt: new Date(h.clock.now().getTime() - HOUR),
    });
    await h.api.jobs.transitionJob({ id: job.id, to: 'cancelled', reason: '' }, { caller: dispatcher });

    expect((await checkDelays(h.service.deps, h.clock.now())).filter((d) => d.jobId === job.id)).toEqual([]);
  });
});
