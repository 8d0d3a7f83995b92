// Tells every replica that a piece of engine state changed in the database: a NOTIFY delivered on commit.
import { type Kysely, sql } from 'kysely';

/** The channel every replica LISTENs on (see sync/state-sync.ts). */
export const STATE_CHANNEL = 'fl_location_state';

/** What changed: reload this row (or the customer's sites) and apply it to the engine. */
export type StateChange =
  | { kind: 'settings'; tenantId: string }
  | { kind: 'customer'; tenantId: string; id: string }
  | { kind: 'job'; tenantId: string; id: string }
  | { kind: 'shift'; tenantId: string; id: string }
  | { kind: 'worker'; tenantId: string; id: string };

// biome-ignore lint/suspicious/noExplicitAny: runs in any transaction of the location database
export async function notifyChange(tx: Kysely<any>, change: StateChange): Promise<void> {
  await sql`select pg_notify(${STATE_CHANNEL}, ${JSON.stringify(change)})`.execute(tx);
}

export function parseChange(payload: string | undefined): StateChange | undefined {
  try {
    const c = JSON.parse(payload ?? '') as StateChange;
    return typeof c?.tenantId === 'string' && typeof c.kind === 'string' ? c : undefined;
  } catch {
    return undefined;
  }
}
