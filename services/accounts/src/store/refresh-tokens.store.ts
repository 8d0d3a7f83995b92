// SQL for refresh tokens: stored as hashes, spent atomically, revoked by family or by user.
import type { Kysely } from 'kysely';
import type { RefreshToken } from '../domain/refresh-token.js';
import type { User } from '../domain/user.js';
import type { AccountsDb, RefreshTokensTable } from './schema.js';
import { toUser } from './users.store.js';

const toToken = (r: RefreshTokensTable): RefreshToken => ({
  id: r.id,
  tenantId: r.tenant_id,
  userId: r.user_id,
  familyId: r.family_id,
  expiresAt: r.expires_at,
  usedAt: r.used_at ?? undefined,
  revokedAt: r.revoked_at ?? undefined,
});

export class RefreshTokensStore {
  constructor(private readonly db: Kysely<AccountsDb>) {}

  async insert(token: RefreshToken & { tokenHash: string; createdAt: Date }): Promise<void> {
    await this.db
      .insertInto('refresh_tokens')
      .values({
        id: token.id,
        tenant_id: token.tenantId,
        user_id: token.userId,
        family_id: token.familyId,
        token_hash: token.tokenHash,
        created_at: token.createdAt,
        expires_at: token.expiresAt,
        used_at: null,
        revoked_at: null,
      })
      .execute();
  }

  /** The token with this hash and the user it belongs to. */
  async findByHash(tokenHash: string): Promise<{ token: RefreshToken; user: User } | undefined> {
    const row = await this.db
      .selectFrom('refresh_tokens as t')
      .innerJoin('users as u', (j) => j.onRef('u.tenant_id', '=', 't.tenant_id').onRef('u.id', '=', 't.user_id'))
      .selectAll('u')
      .select([
        't.id as t_id',
        't.tenant_id as t_tenant_id',
        't.user_id as t_user_id',
        't.family_id as t_family_id',
        't.token_hash as t_token_hash',
        't.created_at as t_created_at',
        't.expires_at as t_expires_at',
        't.used_at as t_used_at',
        't.revoked_at as t_revoked_at',
      ])
      .where('t.token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      user: toUser(row),
      token: toToken({
        id: row.t_id,
        tenant_id: row.t_tenant_id,
        user_id: row.t_user_id,
        family_id: row.t_family_id,
        token_hash: row.t_token_hash,
        created_at: row.t_created_at,
        expires_at: row.t_expires_at,
        used_at: row.t_used_at,
        revoked_at: row.t_revoked_at,
      }),
    };
  }

  /** Spends the token; false when another request spent or revoked it first (the caller treats that as reuse). */
  async markUsed(id: string, now: Date): Promise<boolean> {
    const row = await this.db
      .updateTable('refresh_tokens')
      .set({ used_at: now })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .where('revoked_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    return row !== undefined;
  }

  async revokeFamily(familyId: string, now: Date): Promise<void> {
    await this.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: now })
      .where('family_id', '=', familyId)
      .where('revoked_at', 'is', null)
      .execute();
  }

  async revokeAllOfUser(tenantId: string, userId: string, now: Date): Promise<void> {
    await this.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: now })
      .where('tenant_id', '=', tenantId)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute();
  }
}
