// Which credential a request carries: a user's JWT, a device token (fld_) or an API key (flk_).
import type { FastifyRequest } from 'fastify';
import { unauthenticated } from '../http/http-error.js';

export type Credential = { kind: 'jwt' | 'device_token' | 'api_key'; value: string };

// Far above any token we issue; refuses absurd headers before any work is done on them.
const MAX_CREDENTIAL_LENGTH = 4096;

/**
 * The credential in `Authorization: Bearer …` or `X-API-Key` (or, where the route allows it, an access token in
 * `?access_token=`), undefined when there is none.
 */
export function credentialOf(request: FastifyRequest, opts: { query?: boolean } = {}): Credential | undefined {
  const authorization = request.headers.authorization;
  const apiKeyHeader = request.headers['x-api-key'];
  if (authorization !== undefined) {
    const match = /^Bearer +(\S+) *$/i.exec(authorization);
    if (!match) throw unauthenticated('the Authorization header must be "Bearer <token>"');
    return classify(match[1]);
  }
  if (apiKeyHeader !== undefined) {
    const value = Array.isArray(apiKeyHeader) ? apiKeyHeader[0] : apiKeyHeader;
    if (!value.startsWith('flk_')) throw unauthenticated('X-API-Key must hold an API key (flk_…)');
    return classify(value.trim());
  }
  if (opts.query) {
    const token = (request.query as Record<string, unknown> | undefined)?.access_token;
    if (token === undefined) return undefined;
    if (typeof token !== 'string' || token === '') throw unauthenticated('access_token must be one access token');
    const credential = classify(token);
    // URLs end up in logs and browser histories: a long-lived device token or API key must never travel in one.
    if (credential.kind !== 'jwt') throw unauthenticated('only an access token may be given as access_token');
    return credential;
  }
  return undefined;
}

function classify(value: string): Credential {
  if (value.length > MAX_CREDENTIAL_LENGTH) throw unauthenticated('the credential is too long');
  if (value.startsWith('fld_')) return { kind: 'device_token', value };
  if (value.startsWith('flk_')) return { kind: 'api_key', value };
  return { kind: 'jwt', value };
}
