// Unit tests of the short-lived cache of resolved device tokens and API keys.

import type { Caller } from '@fieldline/platform';
import { describe, expect, it } from '@jest/globals';
import { CredentialCache } from './credential-cache.js';

const device: Caller = { kind: 'device', tenantId: 't_1', userId: 'usr_1', role: 'coworker', deviceId: 'dev_1' };
const key: Caller = { kind: 'api_key', tenantId: 't_1', userId: 'usr_2', role: 'admin', apiKeyId: 'key_1' };

describe('CredentialCache', () => {
  it('answers from memory until the entry is ttl old, then forgets it', () => {
    let now = 1_000;
    const cache = new CredentialCache(10_000, () => now);
    cache.set('h1', device);

    now += 9_999;
    expect(cache.get('h1')).toEqual(device);
    now += 1;
    expect(cache.get('h1')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('evicts the entries of a revoked device and keeps the others', () => {
    const cache = new CredentialCache();
    cache.set('h1', device);
    cache.set('h2', key);

    cache.evict((c) => c.deviceId === 'dev_1');

    expect(cache.get('h1')).toBeUndefined();
    expect(cache.get('h2')).toEqual(key);
  });

  it('stays bounded: the oldest entry goes first when full', () => {
    const cache = new CredentialCache();
    for (let i = 0; i < 10_001; i++) cache.set(`h${i}`, device);

    expect(cache.size).toBe(10_000);
    expect(cache.get('h0')).toBeUndefined();
    expect(cache.get('h10000')).toEqual(device);
  });
});
