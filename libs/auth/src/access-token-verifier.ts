// Verifies access tokens and remembers the ones that held, so a busy dashboard's token costs one HMAC, not one
// per request. A token never changes once signed: what held once holds until it expires, which is still checked.
import { type AccessClaims, checkSecret, InvalidToken, verifyAccessToken } from './access-token.js';

export type AccessTokenVerifierOptions = {
  secret: string;
  /** How many verified tokens to remember; the oldest is forgotten first. */
  maxEntries?: number;
  now?: () => number;
};

const DEFAULT_MAX_ENTRIES = 50_000;

export class AccessTokenVerifier {
  private readonly verified = new Map<string, Readonly<AccessClaims>>();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(private readonly options: AccessTokenVerifierOptions) {
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.now = options.now ?? Date.now;
    // Fail at construction, not on the first request, when the secret is unusable.
    checkSecret(options.secret);
  }

  /** The token's claims (frozen: shared by every request with this token), or an InvalidToken naming why not. */
  verify(token: string): Readonly<AccessClaims> {
    const known = this.verified.get(token);
    if (known) {
      if (Math.floor(this.now() / 1000) < known.exp) return known;
      this.verified.delete(token);
      throw new InvalidToken('expired');
    }
    const claims = Object.freeze(verifyAccessToken(token, { secret: this.options.secret, now: new Date(this.now()) }));
    // Maps iterate in insertion order: dropping the first key forgets the oldest token.
    if (this.verified.size >= this.maxEntries) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, claims);
    return claims;
  }

  get size(): number {
    return this.verified.size;
  }
}
