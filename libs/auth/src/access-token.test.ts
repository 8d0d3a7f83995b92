// Unit tests of HS256 access tokens: what is signed, and every way a token is refused.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  type AccessClaimsInput,
  InvalidToken,
  type InvalidTokenReason,
  signAccessToken,
  verifyAccessToken,
} from './access-token.js';

const secret = 'test-secret-test-secret-test-secret-0123456789';
const now = new Date('2030-01-01T12:00:00Z');
const dispatcher: AccessClaimsInput = { sub: 'usr_1', tid: 't_1', role: 'dispatcher' };

const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const hs256 = (input: string, key = secret) => createHmac('sha256', key).update(input).digest('base64url');

/** A token built by hand, so tests can sign whatever header and claims they need. */
function forge(header: unknown, claims: unknown, key = secret): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${hs256(input, key)}`;
}

function validClaims(overrides: Record<string, unknown> = {}) {
  const iat = Math.floor(now.getTime() / 1000);
  return { sub: 'usr_1', tid: 't_1', role: 'admin', iat, exp: iat + 60, iss: 'fieldline', jti: 'j1', ...overrides };
}

function reasonOf(fn: () => unknown): InvalidTokenReason | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof InvalidToken) return err.reason;
    throw err;
  }
  return undefined;
}

describe('signAccessToken', () => {
  it('signs the claims with iat, exp, iss and a jti, and says when the token expires', () => {
    const { token, expiresAt } = signAccessToken(dispatcher, { secret, ttlSeconds: 900, now });

    const claims = verifyAccessToken(token, { secret, now });

    expect(claims).toEqual({
      ...dispatcher,
      iat: now.getTime() / 1000,
      exp: now.getTime() / 1000 + 900,
      iss: 'fieldline',
      jti: expect.any(String),
    });
    expect(expiresAt).toEqual(new Date(now.getTime() + 900_000));
  });

  it('writes a standard HS256 JWT header and a signature any JWT library would accept', () => {
    const { token } = signAccessToken(dispatcher, { secret, ttlSeconds: 60, now });

    const [header, payload, signature] = token.split('.');

    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(signature).toBe(hs256(`${header}.${payload}`));
  });

  it('carries the customer id of a client or guest', () => {
    const { token } = signAccessToken(
      { sub: 'usr_2', tid: 't_1', role: 'guest', cid: 'cus_9' },
      { secret, ttlSeconds: 60, now },
    );

    expect(verifyAccessToken(token, { secret, now }).cid).toBe('cus_9');
  });

  it('gives every token its own jti', () => {
    const a = signAccessToken(dispatcher, { secret, ttlSeconds: 60, now });
    const b = signAccessToken(dispatcher, { secret, ttlSeconds: 60, now });

    expect(verifyAccessToken(a.token, { secret, now }).jti).not.toBe(verifyAccessToken(b.token, { secret, now }).jti);
  });

  it('refuses to sign what verify would refuse, and a weak secret or bad ttl', () => {
    expect(() => signAccessToken({ sub: 'u', tid: 't', role: 'client' }, { secret, ttlSeconds: 60 })).toThrow(
      /needs cid/,
    );
    expect(() => signAccessToken({ ...dispatcher, sub: '' }, { secret, ttlSeconds: 60 })).toThrow(/sub/);
    expect(() => signAccessToken(dispatcher, { secret: 'short', ttlSeconds: 60 })).toThrow(/at least 32 bytes/);
    expect(() => signAccessToken(dispatcher, { secret, ttlSeconds: 0 })).toThrow(/ttlSeconds/);
    expect(() => signAccessToken(dispatcher, { secret, ttlSeconds: 1.5 })).toThrow(/ttlSeconds/);
  });
});

describe('verifyAccessToken refuses', () => {
  const { token } = signAccessToken(dispatcher, { secret, ttlSeconds: 60, now });
  const [header, payload, signature] = token.split('.');
  const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
  // The last of 43 characters carries 4 bits and 2 unused ones: flipping an unused bit decodes to the same bytes.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const respell = (s: string) => s.slice(0, -1) + alphabet[alphabet.indexOf(s.at(-1) as string) ^ 1];

  it('(a respelled signature really decodes to the same bytes)', () => {
    expect(respell(signature)).not.toBe(signature);
    expect(Buffer.from(respell(signature), 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
  });

  it.each<[string, string, InvalidTokenReason]>([
    ['a tampered payload', `${header}.${b64({ ...validClaims(), role: 'admin' })}.${signature}`, 'bad_signature'],
    ['a payload with one character changed', `${header}.${flip(payload, 5)}.${signature}`, 'bad_signature'],
    ['a tampered signature', `${header}.${payload}.${flip(signature, 3)}`, 'bad_signature'],
    ['another spelling of the same signature bytes', `${header}.${payload}.${respell(signature)}`, 'bad_signature'],
    ['a signature with padding', `${header}.${payload}.${signature}=`, 'bad_signature'],
    ['an empty signature', `${header}.${payload}.`, 'malformed'],
    [
      'a token signed with another secret',
      forge({ alg: 'HS256', typ: 'JWT' }, validClaims(), `${secret}-other`),
      'bad_signature',
    ],
    ['alg none without signature', `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`, 'malformed'],
    ['alg none with a signature', `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.${signature}`, 'wrong_algorithm'],
    ['alg HS512', forge({ alg: 'HS512', typ: 'JWT' }, validClaims()), 'wrong_algorithm'],
    ['alg RS256 (key confusion)', forge({ alg: 'RS256', typ: 'JWT' }, validClaims()), 'wrong_algorithm'],
    ['a header without alg', forge({ typ: 'JWT' }, validClaims()), 'wrong_algorithm'],
    ['another typ', forge({ alg: 'HS256', typ: 'at+jwt+x' }, validClaims()), 'malformed'],
    ['critical header extensions', forge({ alg: 'HS256', typ: 'JWT', crit: ['exp'] }, validClaims()), 'malformed'],
    ['a header that is not JSON', `${b64('not json')}.${payload}.${signature}`, 'malformed'],
    ['a header that is a JSON array', `${b64([1])}.${payload}.${signature}`, 'malformed'],
    ['a payload that is not JSON', forge({ alg: 'HS256', typ: 'JWT' }, 'hello'), 'malformed'],
    ['a payload that is null', forge({ alg: 'HS256', typ: 'JWT' }, null), 'malformed'],
    ['two segments', `${header}.${payload}`, 'malformed'],
    ['four segments', `${token}.${signature}`, 'malformed'],
    ['one segment', header, 'malformed'],
    ['an empty string', '', 'malformed'],
    ['only dots', '..', 'malformed'],
    ['an empty header', `.${payload}.${signature}`, 'malformed'],
    ['an empty payload', `${header}..${signature}`, 'malformed'],
    ['garbage', 'Bearer abc.def', 'malformed'],
    ['non-ASCII garbage', 'é.ü.ß', 'malformed'],
    ['a huge token', `${header}.${'A'.repeat(10_000)}.${signature}`, 'malformed'],
  ])('%s', (_, bad, reason) => {
    expect(reasonOf(() => verifyAccessToken(bad, { secret, now }))).toBe(reason);
  });

  it('a token at and after its exp second, with no leeway', () => {
    const exp = new Date(now.getTime() + 60_000);

    expect(reasonOf(() => verifyAccessToken(token, { secret, now: new Date(exp.getTime() - 1) }))).toBeUndefined();
    expect(reasonOf(() => verifyAccessToken(token, { secret, now: exp }))).toBe('expired');
    expect(reasonOf(() => verifyAccessToken(token, { secret, now: new Date(exp.getTime() + 3600_000) }))).toBe(
      'expired',
    );
  });

  it('a token whose exp has passed on the real clock when no time is given', () => {
    const old = signAccessToken(dispatcher, { secret, ttlSeconds: 60, now: new Date('2020-01-01T00:00:00Z') });

    expect(reasonOf(() => verifyAccessToken(old.token, { secret }))).toBe('expired');
  });

  it.each<[string, Record<string, unknown>]>([
    ['another issuer', { iss: 'someone-else' }],
    ['no issuer', { iss: undefined }],
    ['an unknown role', { role: 'superuser' }],
    ['a numeric sub', { sub: 42 }],
    ['an empty tenant', { tid: '' }],
    ['exp as a string', { exp: String(validClaims().exp) }],
    ['exp before iat', { exp: validClaims().iat - 1 }],
    ['a fractional iat', { iat: 1.5 }],
    ['no jti', { jti: undefined }],
    ['a numeric cid', { cid: 7 }],
    ['a client without cid', { role: 'client' }],
  ])('signed claims with %s as bad_claims', (_, overrides) => {
    const bad = forge({ alg: 'HS256', typ: 'JWT' }, validClaims(overrides));

    expect(reasonOf(() => verifyAccessToken(bad, { secret, now }))).toBe('bad_claims');
  });

  it('a misconfigured short secret loudly, not as a bad token', () => {
    expect(() => verifyAccessToken(token, { secret: 'short' })).toThrow(RangeError);
  });
});

describe('verifyAccessToken accepts', () => {
  it('a header with extra fields (kid) when alg is HS256, and returns only known claims', () => {
    const json = JSON.stringify(validClaims()).replace('{', '{"__proto__":{"polluted":true},"extra":"ignored",');
    const jwt = forge({ alg: 'HS256', typ: 'JWT', kid: 'k1' }, json);

    const verified = verifyAccessToken(jwt, { secret, now });

    expect(verified).toEqual(validClaims());
    expect(verified).not.toHaveProperty('extra');
    expect((verified as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a header without typ', () => {
    expect(verifyAccessToken(forge({ alg: 'HS256' }, validClaims()), { secret, now }).sub).toBe('usr_1');
  });

  it('quickly: 20k verifications in well under a second', () => {
    const { token } = signAccessToken(dispatcher, { secret, ttlSeconds: 60, now });

    const started = performance.now();
    for (let i = 0; i < 20_000; i++) verifyAccessToken(token, { secret, now });
    const perToken = (performance.now() - started) / 20_000;

    expect(perToken).toBeLessThan(0.1); // ms; typically ~0.005, the margin is for busy CI machines
  });
});

describe('InvalidToken', () => {
  it('names its reason and a stable code', () => {
    const err = new InvalidToken('expired');

    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ name: 'InvalidToken', code: 'INVALID_TOKEN', reason: 'expired' });
    expect(err.message).toContain('expired');
  });
});
