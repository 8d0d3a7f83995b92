// Time logs through the real jobs service: manual entries and their checks, geofence site visits (arrival
// moves the job to in_progress, departure writes a time log), redelivered events applied once, visibility.

import { jobsEvents } from '@fieldline/proto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Activity, failure, activityReq as req, startActivity, type Tenant } from './activity-harness.js';

let h: Activity;
let t: Tenant;
let other: Tenant;
beforeAll(async () => {
  h = await startActivity('time_logs');
  [t, other] = await Promise.all([h.newTenant(), h.newTenant()]);
});
afterAll(async () => {
  await h?.stop();
});

const hoursAgo = (n: number) => new Date(Date.now() - n * 3_600_000);
const timeLogCount = async (jobId: string) =>
  (
    await h.deps.db
      .withTables<{ job_time_logs: { job_id: string; id: string } }>()
      .selectFrom('job_time_logs')
      .select('id')
      .where('job_id', '=', jobId)
      .execute()
  ).length;

describe('manual time logs', () => {
  it('logs a worker on the job from start and end, publishes time_logged and leaves billable hours alone', async () => {
    const job = await h.newJob(t, { billableHours: 2 });

    const log = await h.jobs.activity.addTimeLog(
      req.addTimeLog({
        jobId: job.id,
        workerId: t.worker.userId,
        startedAt: hoursAgo(3),
        endedAt: hoursAgo(1.5),
        note: 'valve',
      }),
      { caller: t.dispatcher },
    );
    const event = await h.events.next('time_logged', jobsEvents.TimeLogged, (p) => p.timeLog?.id === log.id);
    const after = await h.jobs.jobs.getJob({ id: job.id }, { caller: t.admin });

    expect(log).toMatchObject({
      jobId: job.id,
      workerId: t.worker.userId,
      source: 'manual',
      note: 'valve',
      createdBy: t.dispatcher.userId,
    });
    expect(log.hours).toBeCloseTo(1.5, 6);
    expect(event.job?.id).toBe(job.id);
    expect(after.billableHours).toBe(2);
  });

  it('logs from start and hours, and lists the job’s logs oldest first', async () => {
    const job = await h.newJob(t);
    await h.jobs.activity.addTimeLog(
      req.addTimeLog({ jobId: job.id, workerId: t.worker.userId, startedAt: hoursAgo(5), hours: 1 }),
      {
        caller: t.admin,
      },
    );
    await h.jobs.activity.addTimeLog(
      req.addTimeLog({ jobId: job.id, workerId: t.worker.userId, startedAt: hoursAgo(10), hours: 0.25 }),
      {
        caller: t.admin,
      },
    );

    const list = await h.jobs.activity.listTimeLogs({ jobId: job.id }, { caller: t.dispatcher });

    expect(list.timeLogs.map((l) => l.hours)).toEqual([0.25, 1]);
    expect(list.timeLogs[1].endedAt!.getTime() - list.timeLogs[1].startedAt!.getTime()).toBe(3_600_000);
  });

  it.each([
    ['an end before the start', 'endedAt', { startedAt: hoursAgo(1), endedAt: hoursAgo(2) }],
    ['no end and no hours', 'endedAt', { startedAt: hoursAgo(1) }],
    ['both an end and hours', 'hours', { startedAt: hoursAgo(2), endedAt: hoursAgo(1), hours: 1 }],
    ['zero hours', 'hours', { startedAt: hoursAgo(2), hours: 0 }],
    ['more than 24 hours', 'hours', { startedAt: hoursAgo(30), hours: 24.5 }],
    ['an end in the future', 'endedAt', { startedAt: hoursAgo(1), endedAt: new Date(Date.now() + 3_600_000) }],
    ['no start', 'startedAt', { hours: 1 }],
  ])('refuses %s, naming %s, and writes nothing', async (_what, field, span) => {
    const job = await h.newJob(t);

    const res = await failure(
      h.jobs.activity.addTimeLog(req.addTimeLog({ jobId: job.id, workerId: t.worker.userId, ...span }), {
        caller: t.dispatcher,
      }),
    );

    expect(res).toMatchObject({ kind: 'invalid_argument', field });
    expect(await timeLogCount(job.id)).toBe(0);
  });

  it('refuses a worker who is not on the job, a non-staff user and an unknown id, naming workerId', async () => {
    const job = await h.newJob(t);
    const span = { startedAt: hoursAgo(2), hours: 1 };

    for (const workerId of [t.outsider.userId, t.client.userId, 'usr_nobody']) {
      const res = await failure(
        h.jobs.activity.addTimeLog(req.addTimeLog({ jobId: job.id, workerId, ...span }), { caller: t.admin }),
      );
      expect(res).toMatchObject({ kind: 'invalid_argument', field: 'workerId' });
    }
  });

  it('lets clients and guests neither log nor read time', async () => {
    const job = await h.newJob(t);

    for (const caller of [t.client, t.guest]) {
      const add = await failure(
        h.jobs.activity.addTimeLog(req.addTimeLog({ jobId: job.id, startedAt: hoursAgo(2), hours: 1 }), { caller }),
      );
      const list = await failure(h.jobs.activity.listTimeLogs({ jobId: job.id }, { caller }));
      expect(add).toMatchObject({ kind: 'permission_denied', code: 'TIME_LOG_FORBIDDEN' });
      expect(list).toMatchObject({ kind: 'permission_denied', code: 'TIME_LOG_FORBIDDEN' });
    }
  });

  it('lets a co-worker log only their own time', async () => {
    const job = await h.newJob(t, { assigneeIds: { values: [t.worker.userId, t.outsider.userId] } });

    const own = await h.jobs.activity.addTimeLog(req.addTimeLog({ jobId: job.id, startedAt: hoursAgo(2), hours: 1 }), {
      caller: t.worker,
    });
    const forOther = await failure(
      h.jobs.activity.addTimeLog(
        req.addTimeLog({ jobId: job.id, workerId: t.outsider.userId, startedAt: hoursAgo(2), hours: 1 }),
        {
          caller: t.worker,
        },
      ),
    );

    expect(own.workerId).toBe(t.worker.userId);
    expect(forOther).toMatchObject({ kind: 'permission_denied', code: 'TIME_LOG_FORBIDDEN' });
  });

  it('answers NOT_FOUND out of sight and in another tenant', async () => {
    const job = await h.newJob(t);

    for (const caller of [t.outsider, t.otherClient, other.admin]) {
      const list = await failure(h.jobs.activity.listTimeLogs({ jobId: job.id }, { caller }));
      expect(list).toMatchObject({ kind: 'not_found', code: 'JOB_NOT_FOUND' });
    }
    const add = await failure(
      h.jobs.activity.addTimeLog(
        req.addTimeLog({ jobId: job.id, workerId: t.worker.userId, startedAt: hoursAgo(2), hours: 1 }),
        {
          caller: other.admin,
        },
      ),
    );
    expect(add).toMatchObject({ kind: 'not_found', code: 'JOB_NOT_FOUND' });
  });
});

describe('geofence site visits', () => {
  const visit = (jobId: string, kind: string, at: Date, eventId: string) =>
    h.jobs.activity.recordSiteVisit(req.siteVisit({ jobId, workerId: t.worker.userId, kind, at, eventId }), {
      caller: t.dispatcher,
    });

  it('moves the job to in_progress on arrival and writes a geofence time log on departure', async () => {
    const job = await h.newJob(t);
    const arrivedAt = hoursAgo(2);
    const departedAt = hoursAgo(0.5);

    const arrival = await visit(job.id, 'arrived', arrivedAt, `ev-${job.id}-1`);
    const departure = await visit(job.id, 'departed', departedAt, `ev-${job.id}-2`);
    const event = await h.events.next(
      'time_logged',
      jobsEvents.TimeLogged,
      (p) => p.timeLog?.id === departure.timeLog?.id,
    );

    expect(job.status).toBe('assigned');
    expect(arrival).toMatchObject({ outcome: 'applied', job: { status: 'in_progress' } });
    expect(arrival.timeLog).toBeUndefined();
    expect(departure.outcome).toBe('applied');
    expect(departure.timeLog).toMatchObject({
      jobId: job.id,
      workerId: t.worker.userId,
      source: 'geofence',
      startedAt: arrivedAt,
      endedAt: departedAt,
    });
    expect(departure.timeLog!.hours).toBeCloseTo(1.5, 6);
    expect(event.timeLog?.source).toBe('geofence');
  });

  it('applies a redelivered arrival and departure once, answering the redelivery like the first time', async () => {
    const job = await h.newJob(t);

    await visit(job.id, 'arrived', hoursAgo(3), `dup-${job.id}-a`);
    const arrivedAgain = await visit(job.id, 'arrived', hoursAgo(3), `dup-${job.id}-a`);
    const first = await visit(job.id, 'departed', hoursAgo(1), `dup-${job.id}-d`);
    const again = await visit(job.id, 'departed', hoursAgo(1), `dup-${job.id}-d`);
    const concurrent = await Promise.all(
      [1, 2, 3].map(() => visit(job.id, 'departed', hoursAgo(1), `dup-${job.id}-d`)),
    );

    expect(arrivedAgain.outcome).toBe('duplicate');
    expect([first.outcome, again.outcome]).toEqual(['applied', 'duplicate']);
    expect(concurrent.map((r) => r.outcome)).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(again.timeLog?.id).toBe(first.timeLog?.id);
    expect(concurrent.map((r) => r.timeLog?.id)).toEqual([first.timeLog?.id, first.timeLog?.id, first.timeLog?.id]);
    expect(await timeLogCount(job.id)).toBe(1);
  });

  it('ignores a departure without an arrival: no time log, the job as it was', async () => {
    const job = await h.newJob(t);

    const res = await visit(job.id, 'departed', hoursAgo(1), `lonely-${job.id}`);

    expect(res.outcome).toBe('no_open_visit');
    expect(res.timeLog).toBeUndefined();
    expect(res.job).toMatchObject({ id: job.id, status: 'assigned' });
    expect(await timeLogCount(job.id)).toBe(0);
  });

  it('takes a second arrival while inside as the same visit', async () => {
    const job = await h.newJob(t);

    const first = hoursAgo(4);
    await visit(job.id, 'arrived', first, `in-${job.id}-1`);
    const second = await visit(job.id, 'arrived', new Date(first.getTime() + 3_600_000), `in-${job.id}-2`);
    const out = await visit(job.id, 'departed', new Date(first.getTime() + 2 * 3_600_000), `in-${job.id}-3`);

    expect(second.outcome).toBe('duplicate');
    expect(out.timeLog!.hours).toBeCloseTo(2, 6);
  });

  it('ignores an arrival on a closed job, or of a worker not on the job, and says so', async () => {
    const cancelled = await h.newJob(t);
    await h.jobs.jobs.transitionJob({ id: cancelled.id, to: 'cancelled', reason: '' }, { caller: t.dispatcher });
    const open = await h.newJob(t);

    const onClosed = await visit(cancelled.id, 'arrived', hoursAgo(1), `closed-${cancelled.id}`);
    const outsider = await h.jobs.activity.recordSiteVisit(
      req.siteVisit({
        jobId: open.id,
        workerId: t.outsider.userId,
        kind: 'arrived',
        at: hoursAgo(1),
        eventId: `out-${open.id}`,
      }),
      { caller: t.dispatcher },
    );
    const outsiderLeaves = await h.jobs.activity.recordSiteVisit(
      req.siteVisit({
        jobId: open.id,
        workerId: t.outsider.userId,
        kind: 'departed',
        at: hoursAgo(0.5),
        eventId: `out-${open.id}-d`,
      }),
      { caller: t.dispatcher },
    );

    expect(onClosed).toMatchObject({ outcome: 'ignored_job_closed', job: { status: 'cancelled' } });
    expect(outsider).toMatchObject({ outcome: 'ignored_not_assignee', job: { status: 'assigned' } });
    expect(outsiderLeaves.outcome).toBe('ignored_not_assignee');
    expect(await timeLogCount(open.id)).toBe(0);
  });

  it('still logs the visit of a job completed on site when the worker leaves, leaving the job done', async () => {
    const job = await h.newJob(t);
    const arrivedAt = hoursAgo(2);
    await visit(job.id, 'arrived', arrivedAt, `site-done-${job.id}-a`);
    await h.jobs.jobs.completeJob({ id: job.id, note: '' }, { caller: t.worker });

    const left = await visit(job.id, 'departed', new Date(arrivedAt.getTime() + 3_600_000), `site-done-${job.id}-d`);
    const late = await visit(job.id, 'arrived', hoursAgo(0.5), `site-done-${job.id}-b`);

    expect(left).toMatchObject({ outcome: 'applied', job: { status: 'done' }, timeLog: { source: 'geofence' } });
    expect(left.timeLog!.hours).toBeCloseTo(1, 6);
    expect(late.outcome).toBe('ignored_job_closed');
  });

  it('does nothing while the tenant has auto-logging off', async () => {
    const quiet = await h.newTenant('Quiet Heating');
    await quiet.base.settings({ autoLoggingEnabled: false });
    const job = await h.newJob(quiet);
    const report = (kind: string, at: Date, eventId: string) =>
      h.jobs.activity.recordSiteVisit(
        req.siteVisit({ jobId: job.id, workerId: quiet.worker.userId, kind, at, eventId }),
        { caller: quiet.dispatcher },
      );

    const arrival = await report('arrived', hoursAgo(2), `off-${job.id}-a`);
    const departure = await report('departed', hoursAgo(1), `off-${job.id}-d`);

    expect(arrival).toMatchObject({ outcome: 'disabled', job: { status: 'assigned' } });
    expect(departure.outcome).toBe('disabled');
    expect(await timeLogCount(job.id)).toBe(0);
  });

  it('checks the event, and refuses a departure before its arrival', async () => {
    const job = await h.newJob(t);
    await visit(job.id, 'arrived', hoursAgo(1), `bad-${job.id}-1`);

    const badKind = await failure(visit(job.id, 'entered', hoursAgo(1), `bad-${job.id}-2`));
    const noEvent = await failure(visit(job.id, 'arrived', hoursAgo(1), ''));
    const early = await failure(visit(job.id, 'departed', hoursAgo(2), `bad-${job.id}-3`));

    expect(badKind).toMatchObject({ kind: 'invalid_argument', field: 'kind' });
    expect(noEvent).toMatchObject({ kind: 'invalid_argument', field: 'eventId' });
    expect(early).toMatchObject({ kind: 'invalid_argument', field: 'at' });
  });

  it('refuses a client reporting a visit, and answers NOT_FOUND in another tenant', async () => {
    const job = await h.newJob(t);
    const body = req.siteVisit({
      jobId: job.id,
      workerId: t.worker.userId,
      kind: 'arrived',
      at: hoursAgo(1),
      eventId: 'x-1',
    });

    expect(await failure(h.jobs.activity.recordSiteVisit(body, { caller: t.client }))).toMatchObject({
      kind: 'permission_denied',
    });
    expect(await failure(h.jobs.activity.recordSiteVisit(body, { caller: other.admin }))).toMatchObject({
      kind: 'not_found',
      code: 'JOB_NOT_FOUND',
    });
  });
});
