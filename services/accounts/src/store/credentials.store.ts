// SQL that decides whether a credential still works: the caller of every call, and the gateway's Authenticate.
// Each is one indexed query joining the credential to its user, so a revoked key or a deactivated user is
// refused on the very next call.
import { type Kysely, sql } from 'kysely';
import type { Actor } from '../domain/actor.js';
import type { Role } from '../domain/roles.js';
import type { AccountsDb } from './schema.js';

export interface CallerClaim {
  kind: 'user' | 'device' | 'api_key';
  tenantId: string;
  userId: string;
  deviceId?: string;
  apiKeyId?: string;
}

type ActorRow = { user_id: string; user_name: string; role: string; customer_id: string | null };

// last_used_at is for humans reading a list; writing it on every request would turn each read into a write.
const TOUCH_INTERVAL = '1 minute';

export class CredentialsStore {
  constructor(private readonly db: Kysely<AccountsDb>) {}

  /** The actor behind a caller whose credential is still good, else undefined. Role and customer are today's. */
  async actor(claim: CallerClaim): Promise<Actor | undefined> {
    const base = { kind: claim.kind, tenantId: claim.tenantId };
    const toActor = (r: ActorRow, extra: Partial<Actor>): Actor => ({
      ...base,
      userId: r.user_id,
      userName: r.user_name,
      role: r.role as Role,
      customerId: r.customer_id ?? undefined,
      ...extra,
    });
    if (claim.kind === 'user') {
      const row = await this.db
        .selectFrom('users')
        .select(['id as user_id', 'name as user_name', 'role', 'customer_id'])
        .where('tenant_id', '=', claim.tenantId)
        .where('id', '=', claim.userId)
        .where('active', '=', true)
        .executeTakeFirst();
      return row && toActor(row, {});
    }
    if (claim.kind === 'device') {
      if (!claim.deviceId) return undefined;
      const row = await this.db
        .selectFrom('devices as d')
        .innerJoin('users as u', (j) => j.onRef('u.tenant_id', '=', 'd.tenant_id').onRef('u.id', '=', 'd.worker_id'))
        .select(['u.id as user_id', 'u.name as user_name', 'u.role', 'u.customer_id'])
        .where('d.tenant_id', '=', claim.tenantId)
        .where('d.id', '=', claim.deviceId)
        .where('d.worker_id', '=', claim.userId)
        .where('d.revoked_at', 'is', null)
        .where('u.active', '=', true)
        .executeTakeFirst();
      return row && toActor(row, { deviceId: claim.deviceId });
    }
    if (!claim.apiKeyId) return undefined;
    const row = await this.db
      .selectFrom('api_keys as k')
      .innerJoin('users as u', (j) => j.onRef('u.tenant_id', '=', 'k.tenant_id').onRef('u.id', '=', 'k.created_by'))
      .select(['u.id as user_id', 'u.name as user_name', 'k.role', sql<null>`null`.as('customer_id')])
      .where('k.tenant_id', '=', claim.tenantId)
      .where('k.id', '=', claim.apiKeyId)
      .where('k.created_by', '=', claim.userId)
      .where('k.revoked_at', 'is', null)
      .where('u.active', '=', true)
      .executeTakeFirst();
    return row && toActor(row, { apiKeyId: claim.apiKeyId });
  }

  /** The device a token or Traccar unique id names, with its worker, when both still work. */
  async device(by: { tokenHash: string } | { uniqueId: string }, now: Date): Promise<Actor | undefined> {
    const match = 'tokenHash' in by ? sql`d.token_hash = ${by.tokenHash}` : sql`d.unique_id = ${by.uniqueId}`;
    const { rows } = await sql<ActorRow & { id: string; tenant_id: string }>`
      with hit as (
        select d.id, d.tenant_id, d.last_used_at, u.id as user_id, u.name as user_name, u.role, u.customer_id
        from devices d join users u on u.tenant_id = d.tenant_id and u.id = d.worker_id
        where ${match} and d.revoked_at is null and u.active
      ), touched as (
        update devices set last_used_at = ${now} from hit
        where devices.id = hit.id
          and (hit.last_used_at is null or hit.last_used_at < ${now}::timestamptz - ${TOUCH_INTERVAL}::interval)
      )
      select id, tenant_id, user_id, user_name, role, customer_id from hit`.execute(this.db);
    const r = rows[0];
    return (
      r && {
        kind: 'device',
        tenantId: r.tenant_id,
        userId: r.user_id,
        userName: r.user_name,
        role: r.role as Role,
        customerId: r.customer_id ?? undefined,
        deviceId: r.id,
      }
    );
  }

  /** The API key with this hash, acting with its own role on behalf of its creator, when both still work. */
  async apiKey(keyHash: string, now: Date): Promise<Actor | undefined> {
    const { rows } = await sql<ActorRow & { id: string; tenant_id: string }>`
      with hit as (
        select k.id, k.tenant_id, k.last_used_at, k.role, u.id as user_id, u.name as user_name
        from api_keys k join users u on u.tenant_id = k.tenant_id and u.id = k.created_by
        where k.key_hash = ${keyHash} and k.revoked_at is null and u.active
      ), touched as (
        update api_keys set last_used_at = ${now} from hit
        where api_keys.id = hit.id
          and (hit.last_used_at is null or hit.last_used_at < ${now}::timestamptz - ${TOUCH_INTERVAL}::interval)
      )
      select id, tenant_id, user_id, user_name, role, null as customer_id from hit`.execute(this.db);
    const r = rows[0];
    return (
      r && {
        kind: 'api_key',
        tenantId: r.tenant_id,
        userId: r.user_id,
        userName: r.user_name,
        role: r.role as Role,
        apiKeyId: r.id,
      }
    );
  }
}
