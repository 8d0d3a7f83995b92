// SQL for track_points: a flush's new pings in one multi-row INSERT (arrays unnested), and a worker's track by time.
import { type Kysely, sql } from 'kysely';
import type { LocationDb } from './schema.js';

export interface TrackRow {
  tenantId: string;
  workerId: string;
  deviceId: string;
  /** Epoch ms, phone clock. */
  deviceTime: number;
  seq: number | null;
  lat: number;
  lng: number;
  accuracyM: number;
  speedMps: number;
  headingDeg: number;
  batteryPct: number;
  altitudeM: number | null;
  /** Epoch ms, our clock. */
  receivedAt: number;
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

  /** One statement for any number of rows: thirteen arrays, one round trip, no parameter limit. */
  async insert(rows: readonly TrackRow[]): Promise<void> {
    if (rows.length === 0) return;
    const n = rows.length;
    const col = <T>(f: (r: TrackRow) => T): T[] => {
      const out = new Array<T>(n);
      for (let i = 0; i < n; i++) out[i] = f(rows[i]);
      return out;
    };
    await sql`
      insert into track_points (tenant_id, worker_id, device_id, device_time, seq, lat, lng, accuracy_m,
                                speed_mps, heading_deg, battery_pct, altitude_m, received_at)
      select t, w, d, to_timestamp(dt / 1000.0), s, la, ln, acc, sp, hd, bat, alt, to_timestamp(ra / 1000.0)
      from unnest(
        ${col((r) => r.tenantId)}::text[], ${col((r) => r.workerId)}::text[], ${col((r) => r.deviceId)}::text[],
        ${col((r) => r.deviceTime)}::float8[], ${col((r) => r.seq)}::bigint[],
        ${col((r) => r.lat)}::float8[], ${col((r) => r.lng)}::float8[], ${col((r) => r.accuracyM)}::real[],
        ${col((r) => r.speedMps)}::real[], ${col((r) => r.headingDeg)}::real[], ${col((r) => r.batteryPct)}::real[],
        ${col((r) => r.altitudeM)}::real[], ${col((r) => r.receivedAt)}::float8[]
      ) as v(t, w, d, dt, s, la, ln, acc, sp, hd, bat, alt, ra)`.execute(this.db);
  }

  /** How many points the worker has in [from, to). */
  async count(tenantId: string, workerId: string, from: Date, to: Date): Promise<number> {
    const row = await this.db
      .selectFrom('track_points')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('worker_id', '=', workerId)
      .where('device_time', '>=', from)
      .where('device_time', '<', to)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** The worker's points in [from, to), oldest first. */
  async between(tenantId: string, workerId: string, from: Date, to: Date): Promise<StoredTrackPoint[]> {
    const rows = await this.db
      .selectFrom('track_points')
      .select(['lat', 'lng', 'device_time', 'accuracy_m', 'speed_mps'])
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
