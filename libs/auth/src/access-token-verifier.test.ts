// Unit tests of the remembering verifier: it answers as verifyAccessToken does, expiry included, and stays bounded.
import { describe, expect, it } from '@jest/globals';
import { InvalidToken, signAccessToken } from './access-token.js';
import { AccessTokenVerifier } from './access-token-verifier.js';

const secret = 'test-secret-test-secret-test-secret-0123456789';
const start = new Date('2030-01-01T12:00:00Z').getTime();

function setUp(maxEntries?: number) {
  let now = start;
  const verifier = new AccessTokenVerifier({ secret, maxEntries, now: () => now });
  const mint = (sub = 'usr_1', ttlSeconds = 60) =>
    signAccessToken({ sub, tid: 't_1', role: 'dispatcher' }, { secret, ttlSeconds, now: new Date(now) }).token;
  return { verifier, mint, advance: (ms: number) => (now += ms) };
}

const reasonOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidToken) return err.reason;
    throw err;
  }
  return undefined;
};

describe('AccessTokenVerifier', () => {
  it('returns the claims of a good token, the same on the second call', () => {
    const { verifier, mint } = setUp();
    const token = mint();
    const first = verifier.verify(token);
    expect(first).toMatchObject({ sub: 'usr_1', tid: 't_1', role: 'dispatcher' });
    expect(verifier.verify(token)).toEqual(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('refuses a remembered token once it has expired', () => {
    const { verifier, mint, advance } = setUp();
    const token = mint('usr_1', 60);
    verifier.verify(token);
    advance(59_000);
    expect(reasonOf(() => verifier.verify(token))).toBeUndefined();
    advance(1_000);
    expect(reasonOf(() => verifier.verify(token))).toBe('expired');
    expect(reasonOf(() => verifier.verify(token))).toBe('expired');
  });

  it('remembers nothing it refused: a forged token is refused every time', () => {
    const { verifier, mint } = setUp();
    const good = mint();
    const forged = `${good.slice(0, good.lastIndexOf('.'))}.${'A'.repeat(43)}`;
    expect(reasonOf(() => verifier.verify(forged))).toBe('bad_signature');
    expect(reasonOf(() => verifier.verify(forged))).toBe('bad_signature');
    expect(verifier.size).toBe(0);
  });

  it('a token signed with another secret is refused even after a good one was remembered', () => {
    const { verifier, mint } = setUp();
    verifier.verify(mint());
    const other = signAccessToken(
      { sub: 'usr_1', tid: 't_1', role: 'admin' },
      { secret: 'another-secret-another-secret-0123456789', ttlSeconds: 60, now: new Date(start) },
    ).token;
    expect(reasonOf(() => verifier.verify(other))).toBe('bad_signature');
  });

  it('forgets the oldest token beyond maxEntries', () => {
    const { verifier, mint } = setUp(2);
    for (const sub of ['a', 'b', 'c']) verifier.verify(mint(sub));
    expect(verifier.size).toBe(2);
  });

  it('refuses a short secret at construction', () => {
    expect(() => new AccessTokenVerifier({ secret: 'short' })).toThrow(RangeError);
  });
});
