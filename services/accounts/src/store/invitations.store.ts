// SQL for invitations: the token is kept as a hash; status is derived from accepted_at and expires_at at `now`.
import { type Kysely, sql } from 'kysely';
import type { Invitation, InvitationStatus } from '../domain/invitation.js';
import type { Page } from '../domain/pagination.js';
import type { Role } from '../domain/roles.js';
import type { AccountsDb, InvitationsTable } from './schema.js';

const toInvitation = (r: InvitationsTable): Invitation => ({
  id: r.id,
  tenantId: r.tenant_id,
  email: r.email,
  name: r.name,
  role: r.role as Role,
  customerId: r.customer_id ?? undefined,
  invitedBy: r.invited_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  lastSentAt: r.last_sent_at,
  sendCount: r.send_count,
  acceptedAt: r.accepted_at ?? undefined,
  userId: r.user_id ?? undefined,
});

export class InvitationsStore {
  constructor(private readonly db: Kysely<AccountsDb>) {}

  async insert(invitation: Invitation, tokenHash: string): Promise<void> {
    await this.db
      .insertInto('invitations')
      .values({
        id: invitation.id,
        tenant_id: invitation.tenantId,
        email: invitation.email,
        name: invitation.name,
        role: invitation.role,
        customer_id: invitation.customerId ?? null,
        token_hash: tokenHash,
        invited_by: invitation.invitedBy,
        created_at: invitation.createdAt,
        expires_at: invitation.expiresAt,
        last_sent_at: invitation.lastSentAt,
        send_count: invitation.sendCount,
        accepted_at: null,
        user_id: null,
      })
      .execute();
  }

  async get(tenantId: string, id: string, opts: { forUpdate?: boolean } = {}): Promise<Invitation | undefined> {
    let q = this.db.selectFrom('invitations').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id);
    if (opts.forUpdate) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    return row && toInvitation(row);
  }

  /** The invitation a token opens, locked: accepting it twice at once must create one user only. */
  async getByTokenForUpdate(tokenHash: string): Promise<Invitation | undefined> {
    const row = await this.db
      .selectFrom('invitations')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .forUpdate()
      .executeTakeFirst();
    return row && toInvitation(row);
  }

  /** Whether another invitation to this address is still pending at `now`. */
  async pendingExists(tenantId: string, email: string, now: Date, exceptId?: string): Promise<boolean> {
    let q = this.db
      .selectFrom('invitations')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where(sql<string>`lower(email)`, '=', email.toLowerCase())
      .where('accepted_at', 'is', null)
      .where('expires_at', '>', now);
    if (exceptId) q = q.where('id', '<>', exceptId);
    return (await q.executeTakeFirst()) !== undefined;
  }

  /** A resend: new expiry, new token (the old one stops working), one more send. */
  async saveResent(invitation: Invitation, tokenHash: string): Promise<void> {
    await this.db
      .updateTable('invitations')
      .set({
        token_hash: tokenHash,
        expires_at: invitation.expiresAt,
        last_sent_at: invitation.lastSentAt,
        send_count: invitation.sendCount,
      })
      .where('tenant_id', '=', invitation.tenantId)
      .where('id', '=', invitation.id)
      .execute();
  }

  async markAccepted(invitation: Invitation): Promise<void> {
    await this.db
      .updateTable('invitations')
      .set({ accepted_at: invitation.acceptedAt ?? null, user_id: invitation.userId ?? null })
      .where('tenant_id', '=', invitation.tenantId)
      .where('id', '=', invitation.id)
      .execute();
  }

  /** `limit + 1` invitations after the cursor, optionally only those with `status` at `now`. */
  async list(tenantId: string, status: InvitationStatus | undefined, now: Date, page: Page): Promise<Invitation[]> {
    let q = this.db.selectFrom('invitations').selectAll().where('tenant_id', '=', tenantId);
    if (status === 'registered') q = q.where('accepted_at', 'is not', null);
    if (status === 'pending') q = q.where('accepted_at', 'is', null).where('expires_at', '>', now);
    if (status === 'expired') q = q.where('accepted_at', 'is', null).where('expires_at', '<=', now);
    if (page.after) q = q.where('id', '>', page.after);
    const rows = await q
      .orderBy('id')
      .limit(page.limit + 1)
      .execute();
    return rows.map(toInvitation);
  }
}
