// Unit tests of scrypt password hashing, verification and the strength rule.
import { describe, expect, it } from '@jest/globals';
import { hashPassword, validatePasswordStrength, verifyPassword } from './password.js';

describe('hashPassword', () => {
  it('writes a self-describing scrypt string with a 16-byte salt and a 64-byte key', async () => {
    const stored = await hashPassword('correct horse');

    const [scheme, n, r, p, salt, hash] = stored.split('$');

    expect([scheme, n, r, p]).toEqual(['scrypt', '16384', '8', '1']);
    expect(Buffer.from(salt, 'base64url')).toHaveLength(16);
    expect(Buffer.from(hash, 'base64url')).toHaveLength(64);
  });

  it('salts every hash, so the same password never hashes twice the same', async () => {
    const [a, b] = await Promise.all([hashPassword('same password'), hashPassword('same password')]);

    expect(a).not.toBe(b);
  });
});

describe('verifyPassword', () => {
  it('accepts the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse');

    await expect(verifyPassword('correct horse', stored)).resolves.toBe(true);
    await expect(verifyPassword('correct horsE', stored)).resolves.toBe(false);
    await expect(verifyPassword('', stored)).resolves.toBe(false);
  });

  it('reads the cost from the stored string, so older or stronger hashes keep working', async () => {
    const { scryptSync } = await import('node:crypto');
    const salt = Buffer.from('0123456789abcdef');
    const key = scryptSync('légère', salt, 32, { N: 1024, r: 4, p: 2 });
    const stored = `scrypt$1024$4$2$${salt.toString('base64url')}$${key.toString('base64url')}`;

    await expect(verifyPassword('légère', stored)).resolves.toBe(true);
  });

  it('treats composed and decomposed accents as the same password', async () => {
    const stored = await hashPassword('caf\u00e9-au-lait');

    await expect(verifyPassword('cafe\u0301-au-lait', stored)).resolves.toBe(true);
  });

  it.each([
    ['empty', ''],
    ['another scheme', 'bcrypt$2b$10$abcdefghijklmnopqrstuv'],
    ['too few fields', 'scrypt$16384$8$1$c2FsdHNhbHQ'],
    ['N not a power of two', 'scrypt$1000$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA'],
    ['N absurdly large', 'scrypt$1073741824$8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA'],
    ['r not a number', 'scrypt$16384$x$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA'],
    ['padded number', 'scrypt$16384$ 8$1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA'],
    ['bad base64url salt', 'scrypt$16384$8$1$!!!!$aGFzaGhhc2hoYXNoaGFzaA'],
    ['empty hash', 'scrypt$16384$8$1$c2FsdHNhbHRzYWx0$'],
  ])('returns false, without throwing, for a malformed stored value (%s)', async (_, stored) => {
    await expect(verifyPassword('whatever1', stored)).resolves.toBe(false);
  });

  it('returns false when the stored value is not even a string', async () => {
    await expect(verifyPassword('whatever1', undefined as unknown as string)).resolves.toBe(false);
  });
});

describe('validatePasswordStrength', () => {
  it('accepts 8 to 200 characters', () => {
    expect(validatePasswordStrength('12345678')).toBeUndefined();
    expect(validatePasswordStrength('x'.repeat(200))).toBeUndefined();
  });

  it('names the minimum when too short and the maximum when too long', () => {
    expect(validatePasswordStrength('1234567')).toMatch(/at least 8/);
    expect(validatePasswordStrength('x'.repeat(201))).toMatch(/at most 200/);
  });

  it('counts characters, not UTF-16 units: eight emoji are eight characters', () => {
    expect(validatePasswordStrength('🔑'.repeat(8))).toBeUndefined();
    expect(validatePasswordStrength('🔑'.repeat(4))).toMatch(/at least 8/);
  });
});
