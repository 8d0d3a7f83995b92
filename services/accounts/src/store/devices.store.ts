// SQL for devices: the token kept as a hash, the Traccar unique id unique across all tenants.
import type { Kysely } from 'kysely';
import type { Device } from '../domain/device.js';
import { DeviceIdTaken } from '../domain/errors.js';
import type { Page } from '../domain/pagination.js';
import { isUniqueViolation } from './pg-errors.js';
import type { AccountsDb, DevicesTable } from './schema.js';

const toDevice = (r: DevicesTable): Device => ({
  id: r.id,
  tenantId: r.tenant_id,
  workerId: r.worker_id,
  name: r.name,
  uniqueId: r.unique_id,
  revoked: r.revoked_at !== null,
  createdAt: r.created_at,
});

export class DevicesStore {
  constructor(private readonly db: Kysely<AccountsDb>) {}

  async insert(device: Device, tokenHash: string): Promise<void> {
    try {
      await this.db
        .insertInto('devices')
        .values({
          id: device.id,
          tenant_id: device.tenantId,
          worker_id: device.workerId,
          name: device.name,
          unique_id: device.uniqueId,
          token_hash: tokenHash,
          created_at: device.createdAt,
          revoked_at: null,
          last_used_at: null,
        })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err, 'devices_unique_id_key')) throw new DeviceIdTaken();
      throw err;
    }
  }

  async get(tenantId: string, id: string): Promise<Device | undefined> {
    const row = await this.db
      .selectFrom('devices')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toDevice(row);
  }

  /** Revokes it; `changed` is false when it was revoked already (its first revocation time is kept). */
  async revoke(tenantId: string, id: string, now: Date): Promise<{ device: Device; changed: boolean } | undefined> {
    const hit = await this.db
      .updateTable('devices')
      .set({ revoked_at: now })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    const current = await this.get(tenantId, id);
    return current && { device: current, changed: hit !== undefined };
  }

  async list(tenantId: string, workerId: string | undefined, page: Page): Promise<Device[]> {
    let q = this.db.selectFrom('devices').selectAll().where('tenant_id', '=', tenantId);
    if (workerId) q = q.where('worker_id', '=', workerId);
    if (page.after) q = q.where('id', '>', page.after);
    const rows = await q
      .orderBy('id')
      .limit(page.limit + 1)
      .execute();
    return rows.map(toDevice);
  }
}
