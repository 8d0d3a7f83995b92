// Random bearer credentials (refresh, device, API key, invitation) that are stored only as SHA-256 hashes.
import { createHash, randomBytes } from 'node:crypto';

// scrypt exists to slow down guessing of low-entropy passwords; these tokens carry 256 random bits, which no
// amount of guessing reaches, so a fast SHA-256 is enough and lets every request look a token up by its hash.
const TOKEN_BYTES = 32;

/** flr = refresh token, fld = device token, flk = API key, fli = invitation token. */
export type OpaqueTokenPrefix = 'flr' | 'fld' | 'flk' | 'fli';
const PREFIXES: readonly OpaqueTokenPrefix[] = ['flr', 'fld', 'flk', 'fli'];

/** A new token to hand out once, and the hash to store. The prefix says what a leaked token is (secret scanners). */
export function newOpaqueToken(prefix: OpaqueTokenPrefix): { token: string; hash: string } {
  if (!PREFIXES.includes(prefix)) throw new TypeError(`unknown opaque token prefix "${prefix}"`);
  const token = `${prefix}_${randomBytes(TOKEN_BYTES).toString('base64url')}`;
  return { token, hash: hashOpaqueToken(token) };
}

/** Hex SHA-256 of the whole token (prefix included), the only form we keep. */
export function hashOpaqueToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The first 12 characters, enough for a person to tell their keys apart in a list, far too few to use. */
export function tokenPrefix(token: string): string {
  return token.slice(0, 12);
}

// Typed by hand into the Traccar Client app: no 0/o, 1/l/i look-alikes, lowercase only.
const DEVICE_ID_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const DEVICE_ID_LENGTH = 16;
// Bytes at or above this are redrawn so every character is equally likely (31 does not divide 256).
const UNBIASED_LIMIT = 256 - (256 % DEVICE_ID_ALPHABET.length);

/** 16 characters from a 31-letter alphabet (~79 random bits): unguessable, yet easy to type on a phone. */
export function newDeviceUniqueId(): string {
  let id = '';
  while (id.length < DEVICE_ID_LENGTH) {
    for (const byte of randomBytes(DEVICE_ID_LENGTH * 2)) {
      if (byte >= UNBIASED_LIMIT) continue;
      id += DEVICE_ID_ALPHABET[byte % DEVICE_ID_ALPHABET.length];
      if (id.length === DEVICE_ID_LENGTH) break;
    }
  }
  return id;
}
