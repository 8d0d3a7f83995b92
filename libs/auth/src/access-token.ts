// Short-lived access tokens: JWT HS256 signed and verified with node:crypto alone, checked on every request.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { ROLES, type Role } from './policy.js';

export type AccessClaims = {
  /** user id */
  sub: string;
  /** tenant id */
  tid: string;
  role: Role;
  /** customer id, for clients and guests */
  cid?: string;
  iat: number;
  exp: number;
  iss: 'fieldline';
  jti: string;
};

export type AccessClaimsInput = Omit<AccessClaims, 'iat' | 'exp' | 'iss' | 'jti'>;

export type InvalidTokenReason = 'malformed' | 'bad_signature' | 'expired' | 'wrong_algorithm' | 'bad_claims';

/** Any refused token. The reason is for logs and metrics; callers answer 401 whatever it is. */
export class InvalidToken extends Error {
  readonly code = 'INVALID_TOKEN';
  constructor(readonly reason: InvalidTokenReason) {
    super(`access token refused: ${reason}`);
    this.name = 'InvalidToken';
  }
}

const ISSUER = 'fieldline';
// HS256 keys shorter than the hash output (32 bytes) weaken it (RFC 7518 §3.2): refuse them as a config error.
const MIN_SECRET_BYTES = 32;
// Far above any token we issue; bounds the work an attacker can make us do per request.
const MAX_TOKEN_LENGTH = 4096;
const SIGNATURE_LENGTH = 43; // 32 bytes in unpadded base64url

// Every token we issue carries this exact header, so the common case skips a JSON.parse.
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/** Throws a RangeError when the secret is too short to sign access tokens safely. */
export function checkSecret(secret: string): void {
  if (typeof secret !== 'string' || Buffer.byteLength(secret) < MIN_SECRET_BYTES) {
    throw new RangeError(`the access-token secret needs at least ${MIN_SECRET_BYTES} bytes`);
  }
}

function sign(signingInput: string, secret: string): string {
  return createHmac('sha256', secret).update(signingInput).digest('base64url');
}

const seconds = (now: Date | undefined) => Math.floor((now?.getTime() ?? Date.now()) / 1000);

export function signAccessToken(
  claims: AccessClaimsInput,
  options: { secret: string; ttlSeconds: number; now?: Date },
): { token: string; expiresAt: Date } {
  checkSecret(options.secret);
  if (!Number.isSafeInteger(options.ttlSeconds) || options.ttlSeconds <= 0) {
    throw new RangeError(`ttlSeconds must be a positive integer, got ${options.ttlSeconds}`);
  }
  const iat = seconds(options.now);
  const full: AccessClaims = {
    sub: claims.sub,
    tid: claims.tid,
    role: claims.role,
    ...(claims.cid === undefined ? {} : { cid: claims.cid }),
    iat,
    exp: iat + options.ttlSeconds,
    iss: ISSUER,
    jti: randomUUID(),
  };
  // Refuse to mint what verify would refuse: the mistake then shows where it is made.
  const problem = claimsProblem(full);
  if (problem) throw new TypeError(`cannot sign access token: ${problem}`);
  const signingInput = `${HEADER}.${Buffer.from(JSON.stringify(full)).toString('base64url')}`;
  return { token: `${signingInput}.${sign(signingInput, options.secret)}`, expiresAt: new Date(full.exp * 1000) };
}

/** The token's claims, or an InvalidToken naming why it is refused. No leeway on exp: services share NTP time. */
export function verifyAccessToken(token: string, options: { secret: string; now?: Date }): AccessClaims {
  checkSecret(options.secret);
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw new InvalidToken('malformed');
  const dot1 = token.indexOf('.');
  const dot2 = token.indexOf('.', dot1 + 1);
  if (dot1 <= 0 || dot2 <= dot1 + 1 || dot2 === token.length - 1 || token.indexOf('.', dot2 + 1) !== -1) {
    throw new InvalidToken('malformed');
  }

  const headerPart = token.slice(0, dot1);
  if (headerPart !== HEADER) checkHeader(decodeJsonObject(headerPart));

  // Compare the encoded signature, not decoded bytes: base64url has several spellings of the same bytes
  // (trailing bits), and only our exact one is accepted.
  const expected = Buffer.from(sign(token.slice(0, dot2), options.secret));
  const given = Buffer.from(token.slice(dot2 + 1));
  if (given.length !== SIGNATURE_LENGTH || !timingSafeEqual(given, expected)) throw new InvalidToken('bad_signature');

  // Parsed only once the signature holds: forged tokens cost us one HMAC and nothing more.
  const claims = decodeJsonObject(token.slice(dot1 + 1, dot2));
  if (claimsProblem(claims)) throw new InvalidToken('bad_claims');
  const valid = claims as AccessClaims;
  if (seconds(options.now) >= valid.exp) throw new InvalidToken('expired');
  // A fresh object keeps unknown claims (and any "__proto__" key) away from callers.
  return {
    sub: valid.sub,
    tid: valid.tid,
    role: valid.role,
    ...(valid.cid === undefined ? {} : { cid: valid.cid }),
    iat: valid.iat,
    exp: valid.exp,
    iss: valid.iss,
    jti: valid.jti,
  };
}

function checkHeader(header: Record<string, unknown>): void {
  if (header.alg !== 'HS256') throw new InvalidToken('wrong_algorithm');
  // typ is optional in RFC 7519; when present it must say JWT. We understand no critical extensions.
  if ((header.typ !== undefined && header.typ !== 'JWT') || header.crit !== undefined) {
    throw new InvalidToken('malformed');
  }
}

function decodeJsonObject(part: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidToken('malformed');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidToken('malformed');
  return value as Record<string, unknown>;
}

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const epochSeconds = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function claimsProblem(c: Record<string, unknown>): string | undefined {
  if (!nonEmpty(c.sub)) return 'sub must be a user id';
  if (!nonEmpty(c.tid)) return 'tid must be a tenant id';
  if (!ROLES.includes(c.role as Role)) return `role must be one of ${ROLES.join(', ')}`;
  if (c.cid !== undefined && !nonEmpty(c.cid)) return 'cid must be a customer id when present';
  // Clients and guests only ever see one customer's data: a token without it would be unusable or, worse, unscoped.
  if ((c.role === 'client' || c.role === 'guest') && c.cid === undefined) return `a ${c.role} token needs cid`;
  if (!epochSeconds(c.iat) || !epochSeconds(c.exp) || c.exp <= c.iat) return 'iat and exp must be seconds, iat < exp';
  if (c.iss !== ISSUER) return `iss must be ${ISSUER}`;
  if (!nonEmpty(c.jti)) return 'jti must be a token id';
  return undefined;
}
