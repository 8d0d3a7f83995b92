// Users over gRPC: creation rules, listing with filters and cursors, who may change what, the last admin, versions.

import { accountsEvents } from '@fieldline/proto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { callerOf, failure, type Harness, req, signup, startHarness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('users');
});
afterAll(async () => {
  await h?.stop();
});

describe('creating users', () => {
  it('lets an admin create a field worker with neither e-mail nor password, and publishes user_created', async () => {
    const { admin } = await signup(h.api);

    const worker = await h.api.users.createUser(
      req.createUser({ name: ' Walt Worker ', role: 'coworker', phone: '+1 555 0100' }),
      {
        caller: admin,
      },
    );

    expect(worker).toMatchObject({
      name: 'Walt Worker',
      role: 'coworker',
      email: '',
      customerId: '',
      active: true,
      version: 1,
    });
    const event = await h.events.nextEvent('user_created', accountsEvents.UserChanged, (p) => p.user?.id === worker.id);
    expect(event.envelope.tenantId).toBe(admin.tenantId);
  });

  it('requires a customer of the tenant for clients and guests, and refuses one for staff', async () => {
    const { admin } = await signup(h.api);
    const other = await signup(h.api);
    const customer = await h.api.customers.createCustomer(req.createCustomer({ code: 'AC', name: 'Acme' }), {
      caller: admin,
    });
    const foreign = await h.api.customers.createCustomer(req.createCustomer({ code: 'FO', name: 'Foreign' }), {
      caller: other.admin,
    });

    const client = await h.api.users.createUser(
      req.createUser({ name: 'Cleo', role: 'client', customerId: customer.id }),
      {
        caller: admin,
      },
    );

    expect(client.customerId).toBe(customer.id);
    expect(
      await failure(h.api.users.createUser(req.createUser({ name: 'Gus', role: 'guest' }), { caller: admin })),
    ).toMatchObject({
      kind: 'invalid_argument',
      field: 'customerId',
    });
    expect(
      await failure(
        h.api.users.createUser(req.createUser({ name: 'Dan', role: 'dispatcher', customerId: customer.id }), {
          caller: admin,
        }),
      ),
    ).toMatchObject({ kind: 'invalid_argument', field: 'customerId' });
    expect(
      await failure(
        h.api.users.createUser(req.createUser({ name: 'Cat', role: 'client', customerId: foreign.id }), {
          caller: admin,
        }),
      ),
    ).toMatchObject({ kind: 'invalid_argument', field: 'customerId' });
  });

  it('keeps e-mail addresses unique per tenant, whatever their case, but not across tenants', async () => {
    const a = await signup(h.api);
    const b = await signup(h.api);
    await h.api.users.createUser(req.createUser({ name: 'Sam', role: 'dispatcher', email: 'sam@example.com' }), {
      caller: a.admin,
    });

    const taken = await failure(
      h.api.users.createUser(req.createUser({ name: 'Sam 2', role: 'dispatcher', email: 'SAM@example.com' }), {
        caller: a.admin,
      }),
    );
    const elsewhere = await h.api.users.createUser(
      req.createUser({ name: 'Sam', role: 'dispatcher', email: 'sam@example.com' }),
      {
        caller: b.admin,
      },
    );

    expect(taken).toMatchObject({ kind: 'conflict', code: 'EMAIL_TAKEN', field: 'email' });
    expect(elsewhere.email).toBe('sam@example.com');
  });

  it('is for admins only', async () => {
    const { admin } = await signup(h.api);
    const dispatcher = await h.api.users.createUser(req.createUser({ name: 'Dee', role: 'dispatcher' }), {
      caller: admin,
    });

    const res = await failure(
      h.api.users.createUser(req.createUser({ name: 'X', role: 'coworker' }), { caller: callerOf(dispatcher) }),
    );

    expect(res.kind).toBe('permission_denied');
  });
});

describe('listing users', () => {
  it('filters by role, active, customer and text, and pages with an opaque cursor', async () => {
    const { admin } = await signup(h.api);
    const customer = await h.api.customers.createCustomer(req.createCustomer({ code: 'LI', name: 'Listed' }), {
      caller: admin,
    });
    const names = ['Alice Field', 'Bob Field', 'Carol Field', 'Dave Field'];
    const workers = [];
    for (const name of names) {
      workers.push(await h.api.users.createUser(req.createUser({ name, role: 'coworker' }), { caller: admin }));
    }
    await h.api.users.createUser(req.createUser({ name: 'Cleo Client', role: 'client', customerId: customer.id }), {
      caller: admin,
    });
    await h.api.users.deactivateUser({ id: workers[3].id }, { caller: admin });

    const coworkers = await h.api.users.listUsers(req.listUsers({ role: 'coworker' }), { caller: admin });
    const active = await h.api.users.listUsers(req.listUsers({ role: 'coworker', active: 'true' }), { caller: admin });
    const ofCustomer = await h.api.users.listUsers(req.listUsers({ customerId: customer.id }), { caller: admin });
    const search = await h.api.users.listUsers(req.listUsers({ q: 'carol' }), { caller: admin });
    const page1 = await h.api.users.listUsers(req.listUsers({ page: { limit: 2, cursor: '' } }), { caller: admin });
    const page2 = await h.api.users.listUsers(req.listUsers({ page: { limit: 2, cursor: page1.page!.nextCursor } }), {
      caller: admin,
    });
    const page3 = await h.api.users.listUsers(req.listUsers({ page: { limit: 2, cursor: page2.page!.nextCursor } }), {
      caller: admin,
    });

    expect(coworkers.users.map((u) => u.name)).toEqual(names);
    expect(active.users.map((u) => u.name)).toEqual(names.slice(0, 3));
    expect(ofCustomer.users.map((u) => u.name)).toEqual(['Cleo Client']);
    expect(search.users.map((u) => u.name)).toEqual(['Carol Field']);
    // Admin + 4 workers + 1 client = 6 users: three full pages, the last with no next cursor.
    expect([page1, page2, page3].map((p) => p.users.length)).toEqual([2, 2, 2]);
    expect(new Set([...page1.users, ...page2.users, ...page3.users].map((u) => u.id)).size).toBe(6);
    expect(page3.page!.nextCursor).toBe('');
  });

  it('is for staff', async () => {
    const { admin } = await signup(h.api);
    const worker = await h.api.users.createUser(req.createUser({ name: 'W', role: 'coworker' }), { caller: admin });

    expect((await failure(h.api.users.listUsers(req.listUsers(), { caller: callerOf(worker) }))).kind).toBe(
      'permission_denied',
    );
  });
});

describe('updating users', () => {
  it('lets a user change their own name, phone and password, and nothing else', async () => {
    const { admin, tenant } = await signup(h.api);
    const dee = await h.api.users.createUser(
      req.createUser({ name: 'Dee', role: 'dispatcher', email: 'dee@example.com', password: 'first password' }),
      { caller: admin },
    );
    const self = callerOf(dee);

    const updated = await h.api.users.updateUser(
      req.updateUser({ id: dee.id, name: 'Dee Dee', phone: '555-0101', password: 'second password' }),
      { caller: self },
    );
    const promote = await failure(
      h.api.users.updateUser(req.updateUser({ id: dee.id, role: 'admin' }), { caller: self }),
    );
    const other = await failure(
      h.api.users.updateUser(req.updateUser({ id: admin.userId, name: 'Hacked' }), { caller: self }),
    );

    expect(updated).toMatchObject({ name: 'Dee Dee', phone: '555-0101', version: 2 });
    expect(promote.kind).toBe('permission_denied');
    expect(other.kind).toBe('permission_denied');
    await h.api.identity.login({ tenantSlug: tenant!.slug, email: 'dee@example.com', password: 'second password' });
    expect(
      (
        await failure(
          h.api.identity.login({ tenantSlug: tenant!.slug, email: 'dee@example.com', password: 'first password' }),
        )
      ).code,
    ).toBe('INVALID_CREDENTIALS');
    await h.events.nextEvent(
      'user_updated',
      accountsEvents.UserChanged,
      (p) => p.user?.id === dee.id && p.user.name === 'Dee Dee',
    );
  });

  it('lets an admin change role and customer together, and drops the customer when a client becomes staff', async () => {
    const { admin } = await signup(h.api);
    const customer = await h.api.customers.createCustomer(req.createCustomer({ code: 'RC', name: 'Role Co' }), {
      caller: admin,
    });
    const worker = await h.api.users.createUser(req.createUser({ name: 'Wil', role: 'coworker' }), { caller: admin });

    const client = await h.api.users.updateUser(
      req.updateUser({ id: worker.id, role: 'client', customerId: customer.id }),
      {
        caller: admin,
      },
    );
    const staff = await h.api.users.updateUser(req.updateUser({ id: worker.id, role: 'dispatcher' }), {
      caller: admin,
    });

    expect(client).toMatchObject({ role: 'client', customerId: customer.id });
    expect(staff).toMatchObject({ role: 'dispatcher', customerId: '' });
  });

  it('refuses a stale version', async () => {
    const { admin } = await signup(h.api);
    const user = await h.api.users.createUser(req.createUser({ name: 'Vera', role: 'coworker' }), { caller: admin });
    await h.api.users.updateUser(req.updateUser({ id: user.id, name: 'Vera 2', version: 1 }), { caller: admin });

    const res = await failure(
      h.api.users.updateUser(req.updateUser({ id: user.id, name: 'Vera 3', version: 1 }), { caller: admin }),
    );

    expect(res).toMatchObject({ kind: 'conflict', code: 'STALE_VERSION' });
  });
});

describe('the last active admin', () => {
  it('cannot be deactivated or demoted, until another admin exists', async () => {
    const { admin } = await signup(h.api);

    const deactivate = await failure(h.api.users.deactivateUser({ id: admin.userId }, { caller: admin }));
    const demote = await failure(
      h.api.users.updateUser(req.updateUser({ id: admin.userId, role: 'dispatcher' }), { caller: admin }),
    );
    const second = await h.api.users.createUser(req.createUser({ name: 'Second', role: 'admin' }), { caller: admin });
    const demoted = await h.api.users.updateUser(req.updateUser({ id: admin.userId, role: 'dispatcher' }), {
      caller: admin,
    });

    expect(deactivate).toMatchObject({ kind: 'failed_precondition', code: 'LAST_ADMIN' });
    expect(demote).toMatchObject({ kind: 'failed_precondition', code: 'LAST_ADMIN' });
    expect(demoted.role).toBe('dispatcher');
    expect(await failure(h.api.users.deactivateUser({ id: second.id }, { caller: callerOf(second) }))).toMatchObject({
      code: 'LAST_ADMIN',
    });
  });

  it('survives two admins deactivating each other at the same time: one of them stays', async () => {
    const { admin } = await signup(h.api);
    const second = callerOf(
      await h.api.users.createUser(req.createUser({ name: 'Second', role: 'admin' }), { caller: admin }),
    );

    const results = await Promise.allSettled([
      h.api.users.deactivateUser({ id: second.userId }, { caller: admin }),
      h.api.users.deactivateUser({ id: admin.userId }, { caller: second }),
    ]);

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const admins = await h.api.users.listUsers(req.listUsers({ role: 'admin', active: 'true' }), {
      caller: results[0].status === 'fulfilled' ? admin : second,
    });
    expect(admins.users).toHaveLength(1);
  });

  it('publishes user_deactivated and user_activated', async () => {
    const { admin } = await signup(h.api);
    const user = await h.api.users.createUser(req.createUser({ name: 'Olga', role: 'coworker' }), { caller: admin });

    await h.api.users.deactivateUser({ id: user.id }, { caller: admin });
    await h.api.users.activateUser({ id: user.id }, { caller: admin });

    const off = await h.events.nextEvent('user_deactivated', accountsEvents.UserChanged, (p) => p.user?.id === user.id);
    const on = await h.events.nextEvent('user_activated', accountsEvents.UserChanged, (p) => p.user?.id === user.id);
    expect(off.payload.user!.active).toBe(false);
    expect(on.payload.user!.active).toBe(true);
  });
});
