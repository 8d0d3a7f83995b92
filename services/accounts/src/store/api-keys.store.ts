// SQL for API keys: the key kept as a hash plus a short display prefix.
import type { Kysely } from 'kysely';
import type { ApiKey, ApiKeyRole } from '../domain/api-key.js';
import type { Page } from '../domain/pagination.js';
import type { AccountsDb, ApiKeysTable } from './schema.js';

const toApiKey = (r: ApiKeysTable): ApiKey => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  role: r.role as ApiKeyRole,
  prefix: r.prefix,
  createdBy: r.created_by,
  revoked: r.revoked_at !== null,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at ?? undefined,
});

export class ApiKeysStore {
  constructor(private readonly db: Kysely<AccountsDb>) {}

  async insert(key: ApiKey, keyHash: string): Promise<void> {
    await this.db
      .insertInto('api_keys')
      .values({
        id: key.id,
        tenant_id: key.tenantId,
        name: key.name,
        role: key.role,
        key_hash: keyHash,
        prefix: key.prefix,
        created_by: key.createdBy,
        created_at: key.createdAt,
        revoked_at: null,
        last_used_at: null,
      })
      .execute();
  }

  async get(tenantId: string, id: string): Promise<ApiKey | undefined> {
    const row = await this.db
      .selectFrom('api_keys')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toApiKey(row);
  }

  /** Revokes it; `changed` is false when it was revoked already (its first revocation time is kept). */
  async revoke(tenantId: string, id: string, now: Date): Promise<{ apiKey: ApiKey; changed: boolean } | undefined> {
    const hit = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: now })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    const current = await this.get(tenantId, id);
    return current && { apiKey: current, changed: hit !== undefined };
  }

  async list(tenantId: string, page: Page): Promise<ApiKey[]> {
    let q = this.db.selectFrom('api_keys').selectAll().where('tenant_id', '=', tenantId);
    if (page.after) q = q.where('id', '>', page.after);
    const rows = await q
      .orderBy('id')
      .limit(page.limit + 1)
      .execute();
    return rows.map(toApiKey);
  }
}
