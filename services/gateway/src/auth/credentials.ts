// Which credential a request carries: a user's JWT, a device token (fld_) or an API key (flk_).
import type { FastifyRequest } from 'fastify';
import { unauthenticated } from '../http/http-error.js';

export type Credential = { kind: 'jwt' | 'device_token' | 'api_key'; value: string };

// Far above any token we issue; refuses absurd headers before any work is done on them.
const MAX_CREDENTIAL_LENGTH = 4096;

/** The credential in `Authorization: Bearer …` or `X-API-Key`, undefined when there is none. */
export function credentialOf(request: FastifyRequest): Credential | undefined {
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
  return undefined;
}

function classify(value: string): Credential {
  if (value.length > MAX_CREDENTIAL_LENGTH) throw unauthenticated('the credential is too long');
  if (value.startsWith('fld_')) return { kind: 'device_token', value };
  if (value.startsWith('flk_')) return { kind: 'api_key', value };
  return { kind: 'jwt', value };
}
