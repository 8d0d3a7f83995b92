// The fleet simulator (tools/fleet-sim) against a real location service: phones record fixes, go offline and
// come back, and in the end every recorded ping is acked and stored exactly once.

import { waitFor } from '@fieldline/testing';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { startFleet } from '../../../tools/fleet-sim/fleet.mjs';
import { type Harness, type Phone, startHarness, Tenant } from './harness.js';

describe('fleet simulator', () => {
  let h: Harness;
  let phones: Phone[];

  beforeAll(async () => {
    h = await startHarness('fleet');
    const tenant = await Tenant.create(h);
    phones = [];
    for (let i = 0; i < 5; i++) phones.push(await tenant.phone(`Driver ${i}`));
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('streams every worker’s fixes through offline gaps and reconnects: all acked, each stored once', async () => {
    const fleet = startFleet({
      locationAddr: h.addresses[0],
      devices: phones.map((p) => ({ token: p.token, workerId: p.worker.id })),
      speed: 20,
      intervalMs: 100,
      offlineRate: 0,
      seed: 42,
    });
    await waitFor(() => fleet.stats().acked >= 50, { what: 'the first acks' });
    // One phone loses its network for a while and keeps recording; it uploads its buffer when back.
    fleet.offline(0, 1500);
    await waitFor(() => fleet.phones[0].link.buffered >= 10, { what: 'an offline buffer' });
    await waitFor(() => fleet.stats().acked >= 150, { what: 'more acks' });

    await fleet.stop({ drain: true });
    const stats = fleet.stats();
    const rows = await sql<{ device_id: string; n: number; distinct_seqs: number; max_seq: number }>`
      select device_id, count(*)::int as n, count(distinct seq)::int as distinct_seqs, max(seq)::int as max_seq
      from track_points group by device_id order by device_id`.execute(h.replicas[0].db);

    expect(stats.buffered).toBe(0);
    expect(stats.acked + stats.rejected).toBe(stats.recorded);
    expect(stats.resent).toBeGreaterThanOrEqual(10);
    expect(rows.rows.map((r) => r.device_id)).toEqual(phones.map((p) => p.deviceId).sort());
    for (const r of rows.rows) expect([r.n, r.distinct_seqs]).toEqual([r.max_seq, r.max_seq]);
    expect(rows.rows.reduce((n, r) => n + r.n, 0)).toBe(stats.acked);
  });
});
