// Gathers the GET /v1/me lookups of users that arrive together into one BatchGetMe call to accounts.
//
// A gRPC call through grpc-js costs the gateway far more CPU than the route's own work (bench:gateway), and a
// busy gateway receives many /v1/me calls in the same turn of the event loop. Each turn's lookups go out as one
// call when the turn ends (setImmediate runs after the I/O callbacks and microtasks of the turn), so a quiet
// gateway adds no waiting: a lone request is a batch of one, sent at once.
import { type Caller, outsideTraces } from '@fieldline/platform';
import type { accounts } from '@fieldline/proto';
import type { AccountsClients } from './accounts-clients.js';

export type Me = { user: accounts.User; tenant: accounts.Tenant };

type Lookup = { tenantId: string; userId: string };
type Waiting = { lookup: Lookup; resolve: (me: Me | undefined) => void; reject: (err: unknown) => void };
/** One user's lookup and every request of the batch waiting for it. */
type Group = { lookup: Lookup; waiting: Waiting[] };

/** Accounts takes up to 500 lookups per call; a fuller turn is sent in several calls. */
export const MAX_BATCH = 500;

export class MeBatcher {
  private waiting: Waiting[] = [];
  private scheduled = false;

  constructor(
    private readonly identity: Pick<AccountsClients['identity'], 'batchGetMe'>,
    private readonly maxBatch = MAX_BATCH,
  ) {}

  /** The user caller's user and tenant as accounts has them now, or undefined when unknown or deactivated. */
  get(caller: Pick<Caller, 'tenantId' | 'userId'>): Promise<Me | undefined> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ lookup: { tenantId: caller.tenantId, userId: caller.userId }, resolve, reject });
      // The call serves every request of its batch, so it belongs to none of their traces (not the first one's).
      // A full batch goes at once: accounts starts on it while this turn's other requests are still parsed.
      if (this.waiting.length >= this.maxBatch) outsideTraces(() => this.flush());
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          outsideTraces(() => this.flush());
        });
      }
    });
  }

  private flush(): void {
    const turn = this.waiting;
    this.waiting = [];
    if (turn.length === 0) return;
    // The same user asked for twice in one turn is looked up once (ids never hold a newline).
    const groups = new Map<string, Group>();
    for (const w of turn) {
      const key = `${w.lookup.tenantId}\n${w.lookup.userId}`;
      const group = groups.get(key);
      if (group) group.waiting.push(w);
      else groups.set(key, { lookup: w.lookup, waiting: [w] });
    }
    const all = [...groups.values()];
    for (let i = 0; i < all.length; i += this.maxBatch) void this.send(all.slice(i, i + this.maxBatch));
  }

  private async send(groups: Group[]): Promise<void> {
    try {
      const { results } = await this.identity.batchGetMe({ lookups: groups.map((g) => g.lookup) });
      groups.forEach((group, i) => {
        const r = results[i];
        const me = r?.user && r.tenant ? { user: r.user, tenant: r.tenant } : undefined;
        for (const w of group.waiting) w.resolve(me);
      });
    } catch (err) {
      // Accounts unreachable or slow: every request of the batch fails as its own call would have.
      for (const group of groups) for (const w of group.waiting) w.reject(err);
    }
  }
}
