// A job's life through gRPC: updates at a version, status moves, completion, participants and history.

import type { Caller } from '@fieldline/platform';
import { type jobs, jobsEvents } from '@fieldline/proto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { failure, type Harness, input, list, startHarness, Tenant } from './harness.js';

let h: Harness;
let t: Tenant;
let worker: Caller;
let dispatcher: Caller;

beforeAll(async () => {
  h = await startHarness('lifecycle');
  t = await Tenant.create(h);
  worker = await t.user('coworker');
  dispatcher = await t.user('dispatcher');
});
afterAll(async () => {
  await h?.stop();
});

const create = (fields: Partial<jobs.JobInput>, caller: Caller = dispatcher) =>
  h.api.jobs.createJob(
    { job: input({ title: 'Service the boiler', ...fields }), source: '', idempotencyKey: '' },
    { caller },
  );
const update = (id: string, version: number, fields: Partial<jobs.JobInput>, caller: Caller = dispatcher) =>
  h.api.jobs.updateJob({ id, version, job: input(fields) }, { caller });
const transition = (id: string, to: string, caller: Caller = dispatcher, reason = '') =>
  h.api.jobs.transitionJob({ id, to, reason }, { caller });
const history = (id: string, caller: Caller = dispatcher) => h.api.jobs.getJobHistory({ id }, { caller });

describe('UpdateJob', () => {
  it('changes the given fields, bumps the version and records old and new values', async () => {
    const job = await create({ description: 'old' });

    const updated = await update(job.id, job.version, { description: 'new', percentComplete: 30, tags: list(['gas']) });

    expect(updated).toMatchObject({ description: 'new', percentComplete: 30, tags: ['gas'], version: 2 });
    const { entries } = await history(job.id);
    const change = entries.find((e) => e.kind === 'updated');
    expect(change?.actorId).toBe(dispatcher.userId);
    expect(change?.changes).toEqual(
      expect.arrayContaining([
        { field: 'description', fromJson: '"old"', toJson: '"new"' },
        { field: 'percentComplete', fromJson: '0', toJson: '30' },
      ]),
    );
  });

  it('refuses a stale version with ABORTED / STALE_VERSION, and a missing one as bad input', async () => {
    const job = await create({});
    await update(job.id, job.version, { description: 'first' });

    expect(await failure(update(job.id, job.version, { description: 'second' }))).toMatchObject({
      kind: 'conflict',
      code: 'STALE_VERSION',
      field: 'version',
    });
    expect(await failure(update(job.id, 0, { description: 'x' }))).toMatchObject({
      kind: 'invalid_argument',
      field: 'version',
    });
  });

  it('lets one of two racing updates at the same version win', async () => {
    const job = await create({});

    const results = await Promise.allSettled([
      update(job.id, job.version, { description: 'a' }),
      update(job.id, job.version, { description: 'b' }),
    ]);

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('clears fields named in clearedFields', async () => {
    const job = await create({ dueAt: new Date('2031-01-01T00:00:00Z'), startAt: new Date('2030-12-01T00:00:00Z') });

    const updated = await update(job.id, job.version, { clearedFields: ['dueAt'] });

    expect(updated.dueAt).toBeUndefined();
  });

  it('lets an assigned coworker change the work fields only', async () => {
    const job = await create({ assigneeIds: list([worker.userId]) });

    const updated = await update(job.id, job.version, { percentComplete: 50 }, worker);

    expect(updated.percentComplete).toBe(50);
    expect(await failure(update(job.id, updated.version, { dueAt: new Date('2031-01-01') }, worker))).toMatchObject({
      kind: 'permission_denied',
    });
  });

  it.each([
    ['percent over 100', { percentComplete: 120 }, 'percentComplete'],
    ['negative billable hours', { billableHours: -2 }, 'billableHours'],
    ['a blank title', { title: ' ' }, 'title'],
    ['due before start', { startAt: new Date('2031-01-02'), dueAt: new Date('2031-01-01') }, 'dueAt'],
    [
      'a latitude out of range',
      { site: { siteId: '', address: '', lat: 123, lng: 0, radiusM: 0, hasCoordinates: true } },
      'site.lat',
    ],
    ['a related job of its own', { relatedJobIds: list(['SELF']) }, 'relatedJobIds[0]'],
  ])('refuses %s and writes nothing', async (_what, fields, field) => {
    const job = await create({});
    const patch = JSON.parse(JSON.stringify(fields).replace('SELF', job.id), (k, v) =>
      ['startAt', 'dueAt'].includes(k) ? new Date(v) : v,
    );

    expect(await failure(update(job.id, job.version, patch))).toMatchObject({ kind: 'invalid_argument', field });
    expect((await h.api.jobs.getJob({ id: job.id }, { caller: dispatcher })).version).toBe(1);
  });
});

describe('status moves', () => {
  it('records every move with who, from, to and why', async () => {
    const job = await create({ assigneeIds: list([worker.userId]) });

    await transition(job.id, 'in_progress', worker, 'on my way');
    await transition(job.id, 'waiting_on_customer', worker, 'no access');

    const moves = (await history(job.id)).entries.filter((e) => e.fromStatus !== '');
    expect(moves.map((e) => [e.fromStatus, e.toStatus, e.actorId, e.reason])).toEqual([
      ['assigned', 'in_progress', worker.userId, 'on my way'],
      ['in_progress', 'waiting_on_customer', worker.userId, 'no access'],
    ]);
    await h.events.next(
      'job_status_changed',
      jobsEvents.JobChanged,
      (e) => e.job?.id === job.id && e.fromStatus === 'in_progress',
    );
  });

  it('refuses an illegal move with FAILED_PRECONDITION naming both states', async () => {
    const job = await create({});
    await transition(job.id, 'cancelled');

    const res = await failure(transition(job.id, 'in_progress'));

    expect(res).toMatchObject({ kind: 'failed_precondition', code: 'JOB_INVALID_TRANSITION' });
    expect(res.message).toBe('a job cannot go from cancelled to in_progress');
  });

  it('lets only dispatch reopen a job', async () => {
    const job = await create({ assigneeIds: list([worker.userId]) });
    await transition(job.id, 'in_progress', worker);
    await h.api.jobs.completeJob({ id: job.id, note: '' }, { caller: worker });

    expect(await failure(transition(job.id, 'in_progress', worker))).toMatchObject({ kind: 'permission_denied' });
    const reopened = await transition(job.id, 'in_progress', dispatcher, 'customer called back');
    expect(reopened).toMatchObject({ status: 'in_progress', completedAt: undefined });
  });

  it('points assignees to /accept and /reject, and refuses unknown statuses', async () => {
    const job = await create({});

    expect(await failure(transition(job.id, 'accepted'))).toMatchObject({ kind: 'invalid_argument', field: 'to' });
    expect(await failure(transition(job.id, 'closed'))).toMatchObject({ kind: 'invalid_argument', field: 'to' });
  });

  it('needs assignees before a job can be marked assigned', async () => {
    const job = await create({});

    expect(await failure(transition(job.id, 'assigned'))).toMatchObject({ code: 'JOB_HAS_NO_ASSIGNEE' });
  });
});

describe('CompleteJob', () => {
  it('sets done, the completed date and 100 %, and publishes job_completed', async () => {
    const job = await create({ assigneeIds: list([worker.userId]), percentComplete: 40 });
    await transition(job.id, 'in_progress', worker);

    const done = await h.api.jobs.completeJob({ id: job.id, note: 'replaced the valve' }, { caller: worker });

    expect(done).toMatchObject({ status: 'done', percentComplete: 100 });
    expect(done.completedAt).toBeInstanceOf(Date);
    const event = await h.events.next('job_completed', jobsEvents.JobChanged, (e) => e.job?.id === job.id);
    expect(event).toMatchObject({ actorId: worker.userId, fromStatus: 'in_progress', reason: 'replaced the valve' });
    const last = (await history(job.id)).entries.at(-1);
    expect(last).toMatchObject({ kind: 'completed', fromStatus: 'in_progress', toStatus: 'done' });
  });

  it('refuses to complete a cancelled job', async () => {
    const job = await create({});
    await transition(job.id, 'cancelled');

    expect(await failure(h.api.jobs.completeJob({ id: job.id, note: '' }, { caller: dispatcher }))).toMatchObject({
      code: 'JOB_INVALID_TRANSITION',
    });
  });
});

describe('AddParticipants', () => {
  it('lets someone on the job add a coworker, who then sees the job and its whole history', async () => {
    const helper = await t.user('coworker');
    const job = await create({ assigneeIds: list([worker.userId]) });
    await transition(job.id, 'in_progress', worker, 'started');
    expect(await failure(h.api.jobs.getJob({ id: job.id }, { caller: helper }))).toMatchObject({ kind: 'not_found' });

    const updated = await h.api.jobs.addParticipants({ id: job.id, userIds: [helper.userId] }, { caller: worker });

    expect(updated.participantIds).toEqual([helper.userId]);
    const seen = await history(job.id, helper);
    expect(seen.entries.map((e) => e.kind)).toEqual(['created', 'status_changed', 'participants_added']);
    await h.events.next(
      'participants_changed',
      jobsEvents.JobChanged,
      (e) => e.job?.id === job.id && e.addedUserIds.includes(helper.userId),
    );
  });

  it('does not let a coworker who is not on the job add anyone (the job is not even there for them)', async () => {
    const outsider = await t.user('coworker');
    const job = await create({});

    expect(
      await failure(h.api.jobs.addParticipants({ id: job.id, userIds: [outsider.userId] }, { caller: outsider })),
    ).toMatchObject({
      kind: 'not_found',
      code: 'JOB_NOT_FOUND',
    });
  });

  it('refuses unknown people and empty lists', async () => {
    const job = await create({});

    expect(
      await failure(h.api.jobs.addParticipants({ id: job.id, userIds: ['usr_nope'] }, { caller: dispatcher })),
    ).toMatchObject({
      field: 'userIds[0]',
    });
    expect(
      await failure(h.api.jobs.addParticipants({ id: job.id, userIds: [] }, { caller: dispatcher })),
    ).toMatchObject({
      field: 'userIds',
    });
  });
});
