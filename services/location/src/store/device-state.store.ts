// SQL for device_state: lock a flush's devices and their workers' other phones, read back what changed, save all.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DeviceSnapshot, WorkerPosition } from '../domain/engine.js';
import { numberArray, textArray } from './pg-arrays.js';
import type { LocationDb } from './schema.js';

export interface DeviceKey {
  tenantId: string;
  deviceId: string;
}

export interface LockedDevice extends DeviceKey {
  version: number;
  /** Only when the stored version differs from the one the caller knows (else undefined: nothing to restore). */
  state?: DeviceSnapshot | null;
  position?: WorkerPosition | null;
  /**
   * Another phone of a worker in the batch (locked too, not asked for): its state and position always come
   * back, for the caller to compare the version with what it holds.
   */
  sibling?: true;
}

export interface SavedDevice extends DeviceKey {
  workerId: string;
  version: number;
  state: DeviceSnapshot;
  position: WorkerPosition | undefined;
}

export class DeviceStateStore {
  constructor(private readonly db: Kysely<LocationDb>) {}

  /**
   * Locks every device's row and those of the other phones of their workers (`for update`, all in key order so
   * two replicas never wait on each other in a circle), creating the missing ones. `known[i]` is the version
   * this replica last wrote or read for `keys[i]` (−1 when it knows none): the state is sent back only where
   * the stored version differs. Most workers have one phone, so siblings are rare.
   */
  async lock(keys: ReadonlyArray<DeviceKey & { workerId: string }>, known: readonly number[]): Promise<LockedDevice[]> {
    if (keys.length === 0) return [];
    let locked = await this.selectForUpdate(keys, known);
    if (locked.filter((l) => !l.sibling).length < keys.length) {
      // Devices seen for the first time: one insert (rare), then lock them all again in order.
      const have = new Set(locked.map((l) => `${l.tenantId}\u0000${l.deviceId}`));
      const fresh = keys.filter((k) => !have.has(`${k.tenantId}\u0000${k.deviceId}`));
      await sql`
        insert into device_state (tenant_id, device_id, worker_id)
        select * from unnest(${textArray(fresh.map((k) => k.tenantId))}::text[],
                             ${textArray(fresh.map((k) => k.deviceId))}::text[],
                             ${textArray(fresh.map((k) => k.workerId))}::text[]) as k(t, d, w)
        order by 1, 2
        on conflict do nothing`.execute(this.db);
      locked = await this.selectForUpdate(keys, known);
    }
    return locked;
  }

  private async selectForUpdate(
    keys: ReadonlyArray<DeviceKey & { workerId: string }>,
    known: readonly number[],
  ): Promise<LockedDevice[]> {
    const rows = await sql<{
      tenant_id: string;
      device_id: string;
      version: number;
      state: DeviceSnapshot | null;
      position: WorkerPosition | null;
      stale: boolean;
      sibling: boolean;
    }>`
      with k as (
        select * from unnest(${textArray(keys.map((k) => k.tenantId))}::text[],
                             ${textArray(keys.map((k) => k.deviceId))}::text[],
                             ${textArray(keys.map((k) => k.workerId))}::text[],
                             ${numberArray(known)}::bigint[]) as k(t, d, w, known)
      ),
      -- The batch's devices, and every device of their workers (by the worker index): those not in the batch
      -- are the siblings. (A union then a grouping: an OR of the two lookups made PostgreSQL scan every row.)
      want as (
        select t, d, min(known) as known, bool_and(sibling) as sibling from (
          select t, d, known, false as sibling from k
          union all
          select s.tenant_id, s.device_id, null, true
          from device_state s join (select distinct t, w from k) kw on s.tenant_id = kw.t and s.worker_id = kw.w
        ) u group by t, d
      )
      select s.tenant_id, s.device_id, s.version, want.sibling,
             want.sibling or s.version <> want.known as stale,
             case when want.sibling or s.version <> want.known then s.state end as state,
             case when want.sibling or s.version <> want.known then s.position end as position
      from device_state s
      join want on s.tenant_id = want.t and s.device_id = want.d
      order by s.tenant_id, s.device_id
      for update of s`.execute(this.db);
    return rows.rows.map((r) => ({
      tenantId: r.tenant_id,
      deviceId: r.device_id,
      version: Number(r.version),
      ...(r.stale && { state: r.state, position: r.position }),
      ...(r.sibling && { sibling: true as const }),
    }));
  }

  /** Writes every device's new snapshot and version in one statement. */
  async save(devices: readonly SavedDevice[]): Promise<void> {
    if (devices.length > 0) await saveDevicesSql(devices).execute(this.db);
  }

  /** Every worker's newest stored position (several devices of one worker: the newest by device time). */
  async latestPositions(): Promise<Array<{ tenantId: string; position: WorkerPosition }>> {
    const rows = await sql<{ tenant_id: string; position: WorkerPosition }>`
      select distinct on (tenant_id, worker_id) tenant_id, position
      from device_state where position is not null
      order by tenant_id, worker_id, (position->>'deviceTime')::bigint desc`.execute(this.db);
    return rows.rows.map((r) => ({ tenantId: r.tenant_id, position: r.position }));
  }

  /** A device's stored snapshot (tests and tools). */
  async get(key: DeviceKey): Promise<{ version: number; state: DeviceSnapshot | null } | undefined> {
    const row = await this.db
      .selectFrom('device_state')
      .select(['version', 'state'])
      .where('tenant_id', '=', key.tenantId)
      .where('device_id', '=', key.deviceId)
      .executeTakeFirst();
    return row && { version: Number(row.version), state: row.state as DeviceSnapshot | null };
  }
}

/** The UPDATE of a flush's device rows (run alone, or as a data-modifying CTE beside the track INSERT). */
export function saveDevicesSql(devices: readonly SavedDevice[]): RawBuilder<unknown> {
  return sql`
    update device_state s
    set worker_id = v.w, version = v.version, state = v.state::jsonb,
        position = coalesce(v.position::jsonb, s.position), updated_at = now()
    from unnest(
      ${textArray(devices.map((d) => d.tenantId))}::text[],
      ${textArray(devices.map((d) => d.deviceId))}::text[],
      ${textArray(devices.map((d) => d.workerId))}::text[],
      ${numberArray(devices.map((d) => d.version))}::bigint[],
      ${textArray(devices.map((d) => JSON.stringify(d.state)))}::text[],
      ${textArray(devices.map((d) => (d.position ? JSON.stringify(d.position) : null)))}::text[]
    ) as v(t, d, w, version, state, position)
    where s.tenant_id = v.t and s.device_id = v.d`;
}
