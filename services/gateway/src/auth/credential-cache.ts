// A short-lived in-memory cache of resolved device tokens and API keys, keyed by the credential's hash.
import type { Caller } from '@fieldline/platform';

// Long enough to spare accounts a call per request from a busy phone or integration, short enough that a
// credential revoked through another gateway replica stops working within seconds.
export const CREDENTIAL_CACHE_TTL_MS = 10_000;
const MAX_ENTRIES = 10_000;

export class CredentialCache {
  private readonly entries = new Map<string, { caller: Caller; expiresAt: number }>();

  constructor(
    private readonly ttlMs = CREDENTIAL_CACHE_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  get(hash: string): Caller | undefined {
    const entry = this.entries.get(hash);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(hash);
      return undefined;
    }
    return entry.caller;
  }

  set(hash: string, caller: Caller): void {
    // Maps iterate in insertion order: dropping the first key evicts the oldest entry.
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(hash, { caller, expiresAt: this.now() + this.ttlMs });
  }

  /** Forgets every entry for which `matches` holds, e.g. a device or key just revoked through this gateway. */
  evict(matches: (caller: Caller) => boolean): void {
    for (const [hash, entry] of this.entries) if (matches(entry.caller)) this.entries.delete(hash);
  }

  get size(): number {
    return this.entries.size;
  }
}
