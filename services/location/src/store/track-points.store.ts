// SQL for track_points: a flush's new pings in one multi-row INSERT (arrays unnested), and a worker's track by time.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Ping } from '../domain/ping.js';
import { numberArray, textArray } from './pg-arrays.js';
import type { LocationDb } from './schema.js';
import { workerKey } from './worker-key.js';

/**
 * A flush's new track points as columns (the shape the INSERT sends), with each device named once and
 * referred to by its slot: a 5,000-row flush sends three short id lists instead of 15,000 strings. Numbers
 * travel as small integers (text of a fraction costs several times more to make): degrees × 10⁷ (1 cm),
 * metres and percent × 100, and device times as milliseconds from the batch's first ping.
 */
export class TrackBatch {
  private readonly slots = new Map<string, number>();
  readonly tenantIds: string[] = [];
  readonly workerIds: string[] = [];
  readonly deviceIds: string[] = [];
  readonly workerKeys: string[] = [];
  readonly slot: number[] = [];
  /** Epoch ms of the first ping pushed; deviceTime holds offsets from it. */
  base = 0;
  readonly deviceTime: number[] = [];
  readonly seq: Array<number | null> = [];
  readonly latE7: number[] = [];
  readonly lngE7: number[] = [];
  readonly accuracyCm: number[] = [];
  readonly speedCmps: number[] = [];
  readonly headingCdeg: number[] = [];
  readonly batteryCpct: number[] = [];
  readonly altitudeCm: Array<number | null> = [];

  get size(): number {
    return this.slot.length;
  }

  /** The slot (1-based, as unnest … with ordinality counts) of a device and its worker. */
  device(tenantId: string, workerId: string, deviceId: string): number {
    const key = `${tenantId}\u0000${workerId}\u0000${deviceId}`;
    let n = this.slots.get(key);
    if (n === undefined) {
      this.tenantIds.push(tenantId);
      this.workerIds.push(workerId);
      this.deviceIds.push(deviceId);
      this.workerKeys.push(workerKey(tenantId, workerId));
      n = this.tenantIds.length;
      this.slots.set(key, n);
    }
    return n;
  }

  push(slot: number, p: Ping, seq: number | null): void {
    if (this.slot.length === 0) this.base = p.deviceTime;
    this.slot.push(slot);
    this.deviceTime.push(p.deviceTime - this.base);
    this.seq.push(seq);
    this.latE7.push(Math.round(p.lat * 1e7));
    this.lngE7.push(Math.round(p.lng * 1e7));
    this.accuracyCm.push(Math.round((p.accuracyM ?? 0) * 100));
    this.speedCmps.push(Math.round((p.speedMps ?? -1) * 100));
    this.headingCdeg.push(Math.round((p.headingDeg ?? -1) * 100));
    this.batteryCpct.push(Math.round((p.batteryPct ?? -1) * 100));
    this.altitudeCm.push(p.altitudeM === undefined ? null : Math.round(p.altitudeM * 100));
  }
}

/** The INSERT of a batch (run it alone, or as a data-modifying CTE beside other writes). */
export function insertTrackSql(batch: TrackBatch, receivedAt: Date): RawBuilder<unknown> {
  return sql`
    insert into track_points (tenant_id, worker_id, worker_key, device_id, device_time, seq, lat, lng, accuracy_m,
                              speed_mps, heading_deg, battery_pct, altitude_m, received_at)
    select d.t, d.w, d.k, d.d, to_timestamp((${batch.base}::float8 + v.dt) / 1000), v.s,
           v.la / 1e7::float8, v.ln / 1e7::float8, v.acc / 100, v.sp / 100, v.hd / 100, v.bat / 100, v.alt / 100,
           ${receivedAt}
    from unnest(${numberArray(batch.slot)}::int[], ${numberArray(batch.deviceTime)}::float8[],
                ${numberArray(batch.seq)}::bigint[], ${numberArray(batch.latE7)}::float8[],
                ${numberArray(batch.lngE7)}::float8[], ${numberArray(batch.accuracyCm)}::float8[],
                ${numberArray(batch.speedCmps)}::float8[], ${numberArray(batch.headingCdeg)}::float8[],
                ${numberArray(batch.batteryCpct)}::float8[], ${numberArray(batch.altitudeCm)}::float8[])
         as v(slot, dt, s, la, ln, acc, sp, hd, bat, alt)
    join unnest(${textArray(batch.tenantIds)}::text[], ${textArray(batch.workerIds)}::text[],
                ${textArray(batch.deviceIds)}::text[], ${textArray(batch.workerKeys)}::bigint[])
         with ordinality as d(t, w, d, k, n)
      on d.n = v.slot`;
}

export interface StoredTrackPoint {
  lat: number;
  lng: number;
  deviceTime: number;
  accuracyM: number;
  speedMps: number;
}

export class TrackPointsStore {
  constructor(private readonly db: Kysely<LocationDb>) {}

  /** One statement for any number of points: a dozen arrays, one round trip, no parameter limit. */
  async insert(batch: TrackBatch, receivedAt: Date): Promise<void> {
    if (batch.size > 0) await insertTrackSql(batch, receivedAt).execute(this.db);
  }

  /** The worker's points in [from, to), oldest first. */
  async between(tenantId: string, workerId: string, from: Date, to: Date): Promise<StoredTrackPoint[]> {
    const rows = await this.db
      .selectFrom('track_points')
      .select(['lat', 'lng', 'device_time', 'accuracy_m', 'speed_mps'])
      .where('worker_key', '=', workerKey(tenantId, workerId))
      .where('tenant_id', '=', tenantId)
      .where('worker_id', '=', workerId)
      .where('device_time', '>=', from)
      .where('device_time', '<', to)
      .orderBy('device_time')
      .execute();
    return rows.map((r) => ({
      lat: r.lat,
      lng: r.lng,
      deviceTime: r.device_time.getTime(),
      accuracyM: r.accuracy_m,
      speedMps: r.speed_mps,
    }));
  }
}
