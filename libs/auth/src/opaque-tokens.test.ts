// Unit tests of opaque tokens (refresh, device, API key, invitation) and device unique ids.
import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import {
  hashOpaqueToken,
  newDeviceUniqueId,
  newOpaqueToken,
  type OpaqueTokenPrefix,
  tokenPrefix,
} from './opaque-tokens.js';

describe('newOpaqueToken', () => {
  it.each<OpaqueTokenPrefix>(['flr', 'fld', 'flk', 'fli'])('makes a %s_ token of 32 random bytes', (prefix) => {
    const { token } = newOpaqueToken(prefix);

    // base64url itself may contain '_': split at the first one only.
    const body = token.slice(4);

    expect(token.slice(0, 4)).toBe(`${prefix}_`);
    expect(Buffer.from(body, 'base64url')).toHaveLength(32);
    expect(Buffer.from(body, 'base64url').toString('base64url')).toBe(body);
  });

  it('returns the hex SHA-256 of the whole token as the value to store', () => {
    const { token, hash } = newOpaqueToken('flk');

    expect(hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hash).toBe(hashOpaqueToken(token));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('never repeats a token', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => newOpaqueToken('flr').token));

    expect(tokens.size).toBe(1000);
  });

  it('refuses an unknown prefix from an untyped caller', () => {
    expect(() => newOpaqueToken('xyz' as OpaqueTokenPrefix)).toThrow(/unknown opaque token prefix/);
  });
});

describe('tokenPrefix', () => {
  it('shows the first 12 characters: the kind and a few random ones', () => {
    const { token } = newOpaqueToken('fld');

    expect(tokenPrefix(token)).toBe(token.slice(0, 12));
    expect(tokenPrefix(token)).toMatch(/^fld_.{8}$/);
  });
});

describe('newDeviceUniqueId', () => {
  it('is 16 characters without look-alikes (0 o 1 l i) or capitals', () => {
    for (let i = 0; i < 200; i++) expect(newDeviceUniqueId()).toMatch(/^[a-hjkmnp-z2-9]{16}$/);
  });

  it('is random: a thousand ids are a thousand different ids using the whole alphabet', () => {
    const ids = Array.from({ length: 1000 }, () => newDeviceUniqueId());

    expect(new Set(ids).size).toBe(1000);
    expect(new Set(ids.join('')).size).toBe(31);
  });
});
