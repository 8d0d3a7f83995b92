// Password hashing with node:crypto scrypt, stored as a self-describing string so the cost can be raised later.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

// OWASP's scrypt floor (N=2^14, r=8, p=1): about 16 MiB and tens of milliseconds per hash.
const COST = { N: 16384, r: 8, p: 1 } as const;
const SALT_BYTES = 16;
const KEY_BYTES = 64;

// A stored value comes from our database, but a corrupt or hostile row must not make us allocate gigabytes.
const MAX_N = 1 << 20;
const MAX_R = 32;
const MAX_P = 16;

const MIN_LENGTH = 8;
const MAX_LENGTH = 200;

function derive(plain: string, salt: Buffer, keyBytes: number, cost: { N: number; r: number; p: number }) {
  // scrypt needs 128·N·r bytes; node refuses above maxmem (32 MiB by default), so allow what the params need.
  const maxmem = 128 * cost.N * cost.r + 1024 * 1024;
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(normalize(plain), salt, keyBytes, { ...cost, maxmem }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

// The same password typed on two keyboards can arrive composed or decomposed; NFC makes them one.
function normalize(plain: string): string {
  return plain.normalize('NFC');
}

/** `scrypt$16384$8$1$<salt b64url>$<hash b64url>` */
export async function hashPassword(plain: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(plain, salt, KEY_BYTES, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** True when `plain` matches `stored`; false (never a throw) when it does not or `stored` is not one of our hashes. */
export async function verifyPassword(plain: string, stored: string): Promise<boolean> {
  const parsed = parseStored(stored);
  if (!parsed) return false;
  try {
    const key = await derive(plain, parsed.salt, parsed.hash.length, parsed.cost);
    return timingSafeEqual(key, parsed.hash);
  } catch {
    return false;
  }
}

function parseStored(stored: unknown) {
  if (typeof stored !== 'string') return undefined;
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = [parts[1], parts[2], parts[3]].map(parsePositiveInt);
  if (N === undefined || r === undefined || p === undefined) return undefined;
  // N must be a power of two above 1 (scrypt's own rule); the caps keep verification bounded.
  if (N < 2 || (N & (N - 1)) !== 0 || N > MAX_N || r > MAX_R || p > MAX_P) return undefined;
  const salt = strictBase64url(parts[4]);
  const hash = strictBase64url(parts[5]);
  if (!salt || salt.length < 8 || !hash || hash.length < 16 || hash.length > 128) return undefined;
  return { cost: { N, r, p }, salt, hash };
}

function parsePositiveInt(s: string): number | undefined {
  const n = Number(s);
  // Number('') is 0 and Number(' 8') is 8: the string round-trip refuses both.
  return Number.isSafeInteger(n) && n > 0 && String(n) === s ? n : undefined;
}

// Buffer.from(.., 'base64url') silently skips bad characters; a value that does not round-trip is not ours.
function strictBase64url(s: string): Buffer | undefined {
  const buf = Buffer.from(s, 'base64url');
  return buf.length > 0 && buf.toString('base64url') === s ? buf : undefined;
}

/** A reason the password is refused, or undefined when it is acceptable. Lengths count characters, not bytes. */
export function validatePasswordStrength(plain: string): string | undefined {
  const length = [...plain].length;
  if (length < MIN_LENGTH) return `a password needs at least ${MIN_LENGTH} characters`;
  if (length > MAX_LENGTH) return `a password can have at most ${MAX_LENGTH} characters`;
  return undefined;
}
