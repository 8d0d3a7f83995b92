// API keys: an integration acting in a tenant with the admin or dispatcher role.
import { InvalidArgument } from '@fieldline/platform';
import { requiredText } from './fields.js';
import type { Role } from './roles.js';

export type ApiKeyRole = Extract<Role, 'admin' | 'dispatcher'>;
const API_KEY_ROLES: readonly ApiKeyRole[] = ['admin', 'dispatcher'];

export interface ApiKey {
  id: string;
  tenantId: string;
  name: string;
  role: ApiKeyRole;
  prefix: string;
  createdBy: string;
  revoked: boolean;
  createdAt: Date;
  lastUsedAt?: Date;
}

export function newApiKey(input: { name?: string; role?: string }): { name: string; role: ApiKeyRole } {
  const r = (input.role ?? '').trim() || 'admin';
  if (!API_KEY_ROLES.includes(r as ApiKeyRole)) {
    throw new InvalidArgument('role', `an API key's role must be one of ${API_KEY_ROLES.join(', ')}`);
  }
  return { name: requiredText('name', input.name), role: r as ApiKeyRole };
}
