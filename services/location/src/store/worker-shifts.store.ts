// SQL for worker_shifts: on shift or not, and skills, per worker.
import type { Kysely } from 'kysely';
import type { LocationDb, WorkerShiftsTable } from './schema.js';

export interface StoredShift {
  tenantId: string;
  workerId: string;
  onShift: boolean;
  skills: string[];
  updatedBy: string;
  updatedAt: Date;
}

const toShift = (r: WorkerShiftsTable): StoredShift => ({
  tenantId: r.tenant_id,
  workerId: r.worker_id,
  onShift: r.on_shift,
  skills: r.skills,
  updatedBy: r.updated_by,
  updatedAt: r.updated_at,
});

export class WorkerShiftsStore {
  constructor(private readonly db: Kysely<LocationDb>) {}

  async get(tenantId: string, workerId: string): Promise<StoredShift | undefined> {
    const row = await this.db
      .selectFrom('worker_shifts')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('worker_id', '=', workerId)
      .executeTakeFirst();
    return row && toShift(row);
  }

  async put(shift: StoredShift): Promise<void> {
    const row = {
      tenant_id: shift.tenantId,
      worker_id: shift.workerId,
      on_shift: shift.onShift,
      skills: shift.skills,
      updated_by: shift.updatedBy,
      updated_at: shift.updatedAt,
    };
    await this.db
      .insertInto('worker_shifts')
      .values(row)
      .onConflict((oc) => oc.columns(['tenant_id', 'worker_id']).doUpdateSet(row))
      .execute();
  }

  async all(): Promise<StoredShift[]> {
    return (await this.db.selectFrom('worker_shifts').selectAll().execute()).map(toShift);
  }
}
