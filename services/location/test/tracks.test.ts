// Tracks: stored by day partition on device time, read back as segments split at silences, who may read whose,
// bad windows refused by field, and day partitions dropped past the retention.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { partitionName } from '../src/store/track-partitions.js';
import { failure, type Harness, ping, startHarness, Tenant } from './harness.js';

const MIN = 60_000;
const DAY = 24 * 3600_000;
const startOfDay = (t: number) => Math.floor(t / DAY) * DAY;

describe('GetTrack', () => {
  let h: Harness;
  let tenant: Tenant;

  beforeAll(async () => {
    h = await startHarness('tracks');
    tenant = await Tenant.create(h);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('returns a track across two day partitions as segments split where the phone was silent over 5 minutes', async () => {
    const phone = await tenant.phone();
    // 23:50 the day before yesterday → 00:10 yesterday, silence, then five more minutes.
    const midnight = startOfDay(Date.now()) - DAY;
    const before = Array.from({ length: 41 }, (_, i) => midnight - 10 * MIN + i * 30_000);
    const after = Array.from({ length: 11 }, (_, i) => midnight + 20 * MIN + i * 30_000);
    const times = [...before, ...after];
    await h.api[0].ingestPings(
      { pings: times.map((t, i) => ping(i + 1, t, 52.52 + i * 1e-4, 13.4)), seqLess: false },
      { caller: phone.deviceCaller },
    );

    const res = await h.api[0].getTrack(
      { workerId: phone.worker.id, from: new Date(midnight - HOURS(1)), to: new Date(midnight + HOURS(1)) },
      { caller: tenant.admin },
    );
    const perPartition = await sql<{ part: string; n: number }>`
      select tableoid::regclass::text as part, count(*)::int as n from track_points
      where device_id = ${phone.deviceId} group by 1 order by 1`.execute(h.replicas[0].db);

    expect(res.workerId).toBe(phone.worker.id);
    expect(res.segments.map((s) => s.points.length)).toEqual([41, 11]);
    expect(res.segments.flatMap((s) => s.points.map((p) => p.deviceTime?.getTime()))).toEqual(times);
    expect(res.segments[0].points[0]).toMatchObject({ lat: 52.52, lng: 13.4, accuracyM: 5, speedMps: -1 });
    expect(perPartition.rows).toEqual([
      { part: partitionName(midnight / DAY - 1), n: 20 },
      { part: partitionName(midnight / DAY), n: 32 },
    ]);
  });

  it('returns only the window asked for, and an empty track for a worker who sent nothing', async () => {
    const phone = await tenant.phone();
    const quiet = await tenant.phone();
    const t0 = Date.now() - HOURS(3);
    await h.api[0].ingestPings(
      { pings: [0, 1, 2, 3, 4].map((m) => ping(m + 1, t0 + m * MIN, 52.5, 13.4)), seqLess: false },
      { caller: phone.deviceCaller },
    );

    const middle = await h.api[0].getTrack(
      { workerId: phone.worker.id, from: new Date(t0 + MIN), to: new Date(t0 + 3 * MIN) },
      { caller: tenant.admin },
    );
    const none = await h.api[0].getTrack(
      { workerId: quiet.worker.id, from: new Date(t0), to: new Date(t0 + HOURS(1)) },
      { caller: tenant.admin },
    );

    expect(middle.segments.flatMap((s) => s.points.map((p) => p.deviceTime?.getTime()))).toEqual([
      t0 + MIN,
      t0 + 2 * MIN,
    ]);
    expect(none.segments).toEqual([]);
  });

  it('lets dispatch read any worker’s track and a co-worker only their own', async () => {
    const phone = await tenant.phone();
    const other = await tenant.phone();
    const { caller: dispatcher } = await tenant.user('dispatcher');
    const window = { from: new Date(Date.now() - HOURS(1)), to: new Date() };

    const own = await h.api[0].getTrack({ workerId: phone.worker.id, ...window }, { caller: phone.caller });
    const byDispatch = await h.api[0].getTrack({ workerId: other.worker.id, ...window }, { caller: dispatcher });
    const foreign = await failure(
      h.api[0].getTrack({ workerId: other.worker.id, ...window }, { caller: phone.caller }),
    );

    expect(own.workerId).toBe(phone.worker.id);
    expect(byDispatch.workerId).toBe(other.worker.id);
    expect(foreign).toMatchObject({ kind: 'permission_denied', code: 'TRACK_FORBIDDEN' });
  });

  it('does not find another tenant’s worker', async () => {
    const elsewhere = await Tenant.create(h);
    const stranger = await elsewhere.phone();

    const res = await failure(
      h.api[0].getTrack(
        { workerId: stranger.worker.id, from: new Date(Date.now() - HOURS(1)), to: new Date() },
        { caller: tenant.admin },
      ),
    );

    expect(res).toMatchObject({ kind: 'not_found', code: 'WORKER_NOT_FOUND' });
  });

  it('refuses bad windows and ids, naming the field', async () => {
    const phone = await tenant.phone();
    const now = new Date();
    const ask = (r: { workerId?: string; from?: Date; to?: Date }) =>
      failure(h.api[0].getTrack({ workerId: phone.worker.id, from: now, to: now, ...r }, { caller: tenant.admin }));

    const cases = await Promise.all([
      ask({ from: undefined, to: now }),
      ask({ from: new Date(now.getTime() - MIN), to: undefined }),
      ask({ from: now, to: new Date(now.getTime() - MIN) }),
      ask({ from: new Date(now.getTime() - 8 * DAY), to: now }),
      ask({ workerId: '', from: new Date(now.getTime() - MIN) }),
      ask({ workerId: 'usr_1; drop table', from: new Date(now.getTime() - MIN) }),
    ]);

    expect(cases.map((c) => [c.kind, c.field])).toEqual([
      ['invalid_argument', 'from'],
      ['invalid_argument', 'to'],
      ['invalid_argument', 'to'],
      ['invalid_argument', 'to'],
      ['invalid_argument', 'workerId'],
      ['invalid_argument', 'workerId'],
    ]);
  });
});

describe('track retention', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness('retention', { config: { trackRetentionDays: 3 } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('keeps the retention’s days, does not store older pings, and drops whole days as they age out', async () => {
    const tenant = await Tenant.create(h);
    const phone = await tenant.phone();
    const now = Date.now();
    const today = Math.floor(now / DAY);
    const oneDayAgo = now - DAY;
    const twoDaysAgo = now - 2 * DAY;
    const fiveDaysAgo = now - 5 * DAY;
    const res = await h.api[0].ingestPings(
      {
        pings: [ping(1, fiveDaysAgo, 52.5, 13.4), ping(2, twoDaysAgo, 52.5, 13.4), ping(3, oneDayAgo, 52.5, 13.4)],
        seqLess: false,
      },
      { caller: phone.deviceCaller },
    );
    const partitionsBefore = await h.replicas[0].partitions.list();
    const trackOf = async (from: number, to: number) =>
      (
        await h.api[0].getTrack(
          { workerId: phone.worker.id, from: new Date(from), to: new Date(to) },
          { caller: tenant.admin },
        )
      ).segments.flatMap((s) => s.points.map((p) => p.deviceTime?.getTime()));
    const kept = await trackOf(fiveDaysAgo - DAY, now);

    h.clock.advance(2 * DAY);
    const dropped = await h.replicas[0].partitions.maintain(h.clock.now().getTime());
    const later = await trackOf(fiveDaysAgo, now);

    expect(res.accepted).toBe(3);
    expect(kept).toEqual([twoDaysAgo, oneDayAgo]);
    expect(partitionsBefore).not.toContain(partitionName(today - 5));
    expect(partitionsBefore).toEqual(expect.arrayContaining([partitionName(today - 2), partitionName(today + 2)]));
    expect(dropped).toEqual([partitionName(today - 2)]);
    expect(await h.replicas[0].partitions.list()).not.toContain(partitionName(today - 2));
    expect(later).toEqual([oneDayAgo]);
  });
});

function HOURS(n: number): number {
  return n * 3600_000;
}
