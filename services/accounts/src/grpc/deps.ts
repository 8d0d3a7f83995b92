// What every handler needs: the database, the outbox, the clock and the token settings.
import type { Logger, Outbox } from '@fieldline/platform';
import type { Kysely } from 'kysely';
import type { AccountsDb } from '../store/schema.js';

export interface AccountsDeps {
  db: Kysely<AccountsDb>;
  outbox: Outbox;
  log: Logger;
  /** Injectable so tests can move time (invitation and token expiry). */
  clock: () => Date;
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  /** The invitation lifetime new tenants start with (each tenant may change its own). */
  invitationTtlHours: number;
}
