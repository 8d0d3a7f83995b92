// SQL for job types: insert, versioned save, read one, list a tenant's.

import { Conflict } from '@fieldline/platform';
import type { Kysely, Selectable } from 'kysely';
import type { CustomFieldDef } from '../domain/custom-fields.js';
import type { JobType } from '../domain/job-type.js';
import { isUniqueViolation } from './jobs.store.js';
import type { JobsDb, JobTypesTable } from './schema.js';

const nameTaken = (name: string) =>
  new Conflict('JOB_TYPE_NAME_TAKEN', `another job type of this tenant is called ${name}`, 'name');

export class JobTypesStore {
  constructor(private readonly db: Kysely<JobsDb>) {}

  async insert(t: JobType): Promise<void> {
    try {
      await this.db.insertInto('job_types').values(values(t)).execute();
    } catch (err) {
      if (isUniqueViolation(err, 'job_types_tenant_name')) throw nameTaken(t.name);
      throw err;
    }
  }

  async save(next: JobType, previousVersion: number): Promise<boolean> {
    const { id, tenant_id, created_at: _c, ...rest } = values(next);
    try {
      const res = await this.db
        .updateTable('job_types')
        .set(rest)
        .where('tenant_id', '=', tenant_id)
        .where('id', '=', id)
        .where('version', '=', previousVersion)
        .executeTakeFirst();
      return res.numUpdatedRows > 0n;
    } catch (err) {
      if (isUniqueViolation(err, 'job_types_tenant_name')) throw nameTaken(next.name);
      throw err;
    }
  }

  async get(tenantId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<JobType | undefined> {
    let q = this.db.selectFrom('job_types').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
    if (opts.forUpdate) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async list(tenantId: string): Promise<JobType[]> {
    const rows = await this.db
      .selectFrom('job_types')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('name')
      .orderBy('id')
      .execute();
    return rows.map(fromRow);
  }
}

function values(t: JobType) {
  return {
    id: t.id,
    tenant_id: t.tenantId,
    name: t.name,
    description: t.description,
    fields: JSON.stringify(t.fields),
    active: t.active,
    version: t.version,
    created_at: t.createdAt,
    updated_at: t.updatedAt,
  };
}

function fromRow(r: Selectable<JobTypesTable>): JobType {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    name: r.name,
    description: r.description,
    fields: (r.fields ?? []) as CustomFieldDef[],
    active: r.active,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
