// Builds tenants, customers and users of every role through the public API, as a real client would.
import { randomBytes } from 'node:crypto';
import type { Api, Json } from './http.js';

export const PASSWORD = 'e2e-password-1';
export const ROLES = ['admin', 'dispatcher', 'coworker', 'client', 'guest'] as const;
export type RoleName = (typeof ROLES)[number];

export type Session = { id: string; email: string; role: RoleName; token: string; refreshToken: string };
export type Tenant = { id: string; slug: string; admin: Session };
/** A tenant with one logged-in user of each role; the client and guest belong to `customerId`. */
export type StaffedTenant = Tenant & { customerId: string; users: Record<RoleName, Session> };

const unique = () => randomBytes(4).toString('hex');

function expectStatus(res: { status: number; text: string }, status: number, what: string): void {
  if (res.status !== status) throw new Error(`${what}: expected ${status}, got ${res.status} ${res.text}`);
}

export async function signupTenant(api: Api, label = 'Acme'): Promise<Tenant> {
  const email = `admin-${unique()}@${label.toLowerCase()}.test`;
  const res = await api.post('/v1/signup', {
    companyName: `${label} ${unique()}`,
    name: `${label} Admin`,
    email,
    password: PASSWORD,
  });
  expectStatus(res, 201, 'signup');
  const { tenant, user, accessToken, refreshToken } = res.body;
  return {
    id: tenant.id,
    slug: tenant.slug,
    admin: { id: user.id, email, role: 'admin', token: accessToken, refreshToken },
  };
}

export async function login(api: Api, slug: string, email: string, password = PASSWORD) {
  return api.post('/v1/auth/login', { tenant: slug, email, password });
}

export async function createCustomer(api: Api, token: string, fields: Record<string, unknown> = {}): Promise<Json> {
  const res = await api.post('/v1/customers', { code: `C${unique()}`, name: 'Customer Ltd', ...fields }, token);
  expectStatus(res, 201, 'create customer');
  return res.body;
}

/** Creates a user with a password via POST /v1/users and logs them in. */
export async function createUser(
  api: Api,
  tenant: Tenant,
  role: RoleName,
  extra: { customerId?: string; name?: string } = {},
): Promise<Session> {
  const email = `${role}-${unique()}@people.test`;
  const res = await api.post(
    '/v1/users',
    {
      name: extra.name ?? `${role} person`,
      role,
      email,
      password: PASSWORD,
      ...(extra.customerId ? { customerId: extra.customerId } : {}),
    },
    tenant.admin.token,
  );
  expectStatus(res, 201, `create ${role}`);
  const logged = await login(api, tenant.slug, email);
  expectStatus(logged, 200, `login ${role}`);
  return { id: res.body.id, email, role, token: logged.body.accessToken, refreshToken: logged.body.refreshToken };
}

/** A tenant with a customer and one user of each role (the co-worker assigned to that customer). */
export async function staffedTenant(api: Api, label = 'Acme'): Promise<StaffedTenant> {
  const tenant = await signupTenant(api, label);
  const customer = await createCustomer(api, tenant.admin.token);
  const [dispatcher, coworker, client, guest] = await Promise.all([
    createUser(api, tenant, 'dispatcher'),
    createUser(api, tenant, 'coworker'),
    createUser(api, tenant, 'client', { customerId: customer.id }),
    createUser(api, tenant, 'guest', { customerId: customer.id }),
  ]);
  const assigned = await api.put(
    `/v1/customers/${customer.id}/coworkers`,
    { userIds: [coworker.id] },
    tenant.admin.token,
  );
  expectStatus(assigned, 200, 'assign co-worker');
  return {
    ...tenant,
    customerId: customer.id,
    users: { admin: tenant.admin, dispatcher, coworker, client, guest },
  };
}
