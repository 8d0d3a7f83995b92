// Who is calling: set by the gateway in gRPC metadata, read back by every service.
import { Metadata } from '@grpc/grpc-js';
import { Unauthenticated } from './errors.js';

export type Role = 'admin' | 'dispatcher' | 'coworker' | 'client' | 'guest';
export const ROLES: readonly Role[] = ['admin', 'dispatcher', 'coworker', 'client', 'guest'];
export type PrincipalKind = 'user' | 'device' | 'api_key';

export interface Caller {
  kind: PrincipalKind;
  tenantId: string;
  /** The user behind the credential (the worker for a device, the creator for an API key). */
  userId: string;
  role: Role;
  /** Set for clients and guests: the customer they belong to. */
  customerId?: string;
  deviceId?: string;
  apiKeyId?: string;
}

const KEYS = {
  kind: 'x-fl-principal',
  tenantId: 'x-fl-tenant-id',
  userId: 'x-fl-user-id',
  role: 'x-fl-role',
  customerId: 'x-fl-customer-id',
  deviceId: 'x-fl-device-id',
  apiKeyId: 'x-fl-api-key-id',
} as const;

export function callerToMetadata(caller: Caller, md = new Metadata()): Metadata {
  for (const [field, key] of Object.entries(KEYS)) {
    const value = caller[field as keyof Caller];
    if (value) md.set(key, value);
  }
  return md;
}

/** The caller in the metadata, or undefined when the call carries none (a public call). */
export function callerFromMetadata(md: Metadata): Caller | undefined {
  const get = (key: string) => md.get(key)[0]?.toString() || undefined;
  const tenantId = get(KEYS.tenantId);
  const userId = get(KEYS.userId);
  const role = get(KEYS.role) as Role | undefined;
  const kind = (get(KEYS.kind) ?? 'user') as PrincipalKind;
  if (!tenantId || !userId || !role || !ROLES.includes(role)) return undefined;
  return {
    kind,
    tenantId,
    userId,
    role,
    customerId: get(KEYS.customerId),
    deviceId: get(KEYS.deviceId),
    apiKeyId: get(KEYS.apiKeyId),
  };
}

export function requireCaller(md: Metadata): Caller {
  const caller = callerFromMetadata(md);
  if (!caller) throw new Unauthenticated('this call needs a caller (tenant, user, role) in its metadata');
  return caller;
}
