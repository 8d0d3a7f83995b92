// SQL for workers: the tenant's users as location needs them (exists, role, active), newest accounts version wins.
import type { Kysely } from 'kysely';
import type { LocationDb, WorkersTable } from './schema.js';

export interface Worker {
  tenantId: string;
  workerId: string;
  role: string;
  active: boolean;
  version: number;
}

const toWorker = (r: WorkersTable): Worker => ({
  tenantId: r.tenant_id,
  workerId: r.worker_id,
  role: r.role,
  active: r.active,
  version: r.version,
});

export class WorkersStore {
  constructor(private readonly db: Kysely<LocationDb>) {}

  /** Writes the user unless a newer version is stored; returns whether it wrote. */
  async put(worker: Worker, now: Date): Promise<boolean> {
    const row = {
      tenant_id: worker.tenantId,
      worker_id: worker.workerId,
      role: worker.role,
      active: worker.active,
      version: worker.version,
      updated_at: now,
    };
    const res = await this.db
      .insertInto('workers')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'worker_id']).doUpdateSet(row).where('workers.version', '<', worker.version),
      )
      .executeTakeFirst();
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async get(tenantId: string, workerId: string): Promise<Worker | undefined> {
    const row = await this.db
      .selectFrom('workers')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('worker_id', '=', workerId)
      .executeTakeFirst();
    return row && toWorker(row);
  }

  async inactive(): Promise<Worker[]> {
    return (await this.db.selectFrom('workers').selectAll().where('active', '=', false).execute()).map(toWorker);
  }
}
