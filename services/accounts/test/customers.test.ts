// Customers over gRPC: create and update with sites and contacts, coworker assignment, and what each role sees.

import { accountsEvents } from '@fieldline/proto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { callerOf, failure, type Harness, req, signup, startHarness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('customers');
});
afterAll(async () => {
  await h?.stop();
});

const site = (name: string, lat = 48.85, lng = 2.35) => ({ id: '', name, address: `${name} street 1`, lat, lng });
const contact = (name: string) => ({
  id: '',
  name,
  email: `${name.toLowerCase()}@example.com`,
  phone: '555 0100',
  title: 'Boss',
});

describe('customers', () => {
  it('are created with an upper-case code, a default SLA, sites and contacts, and publish customer_created', async () => {
    const { admin } = await signup(h.api);

    const customer = await h.api.customers.createCustomer(
      req.createCustomer({ code: 'acme-1', name: 'Acme', sites: [site('Depot')], contacts: [contact('Carl')] }),
      { caller: admin },
    );

    expect(customer).toMatchObject({ code: 'ACME-1', name: 'Acme', slaHours: 24, active: true, version: 1 });
    expect(customer.sites).toEqual([
      { id: expect.stringMatching(/^site_/), name: 'Depot', address: 'Depot street 1', lat: 48.85, lng: 2.35 },
    ]);
    expect(customer.contacts[0]).toMatchObject({ id: expect.stringMatching(/^con_/), email: 'carl@example.com' });
    const event = await h.events.nextEvent(
      'customer_created',
      accountsEvents.CustomerChanged,
      (p) => p.customer?.id === customer.id,
    );
    expect(event.payload.customer!.code).toBe('ACME-1');
  });

  it('keep codes unique per tenant', async () => {
    const { admin } = await signup(h.api);
    await h.api.customers.createCustomer(req.createCustomer({ code: 'DUP', name: 'One' }), { caller: admin });

    const res = await failure(
      h.api.customers.createCustomer(req.createCustomer({ code: 'dup', name: 'Two' }), { caller: admin }),
    );

    expect(res).toMatchObject({ kind: 'conflict', code: 'CUSTOMER_CODE_TAKEN', field: 'code' });
  });

  it('are updated field by field; given sites replace the old ones, keeping the ids passed back', async () => {
    const { admin } = await signup(h.api);
    const created = await h.api.customers.createCustomer(
      req.createCustomer({ code: 'UP', name: 'Up', sites: [site('Keep'), site('Drop')], contacts: [contact('Ann')] }),
      { caller: admin },
    );
    const kept = created.sites[0];

    const updated = await h.api.customers.updateCustomer(
      req.updateCustomer({
        id: created.id,
        slaHours: 8,
        sites: { sites: [{ ...kept, name: 'Kept' }, site('New', -33.9, 151.2)] },
        version: 1,
      }),
      { caller: admin },
    );

    expect(updated).toMatchObject({ name: 'Up', slaHours: 8, version: 2 });
    expect(updated.sites.map((s) => [s.id === kept.id, s.name])).toEqual([
      [true, 'Kept'],
      [false, 'New'],
    ]);
    expect(updated.contacts).toEqual(created.contacts);
    expect(
      await failure(
        h.api.customers.updateCustomer(req.updateCustomer({ id: created.id, name: 'Late', version: 1 }), {
          caller: admin,
        }),
      ),
    ).toMatchObject({ code: 'STALE_VERSION' });
    expect(
      await failure(
        h.api.customers.updateCustomer(
          req.updateCustomer({ id: created.id, sites: { sites: [{ ...site('X'), id: 'site_not_ours' }] } }),
          { caller: admin },
        ),
      ),
    ).toMatchObject({ kind: 'invalid_argument', field: 'sites[0].id' });
    await h.events.nextEvent('customer_updated', accountsEvents.CustomerChanged, (p) => p.customer?.id === created.id);
  });
});

describe('coworker assignment and visibility', () => {
  it('admins assign active coworkers only; each role sees what it should, and the rest is not found', async () => {
    const { admin } = await signup(h.api);
    const assigned = await h.api.customers.createCustomer(req.createCustomer({ code: 'AS', name: 'Assigned' }), {
      caller: admin,
    });
    const other = await h.api.customers.createCustomer(req.createCustomer({ code: 'OT', name: 'Other' }), {
      caller: admin,
    });
    const worker = await h.api.users.createUser(req.createUser({ name: 'Wendy', role: 'coworker' }), { caller: admin });
    const dispatcher = await h.api.users.createUser(req.createUser({ name: 'Dirk', role: 'dispatcher' }), {
      caller: admin,
    });
    const client = await h.api.users.createUser(req.createUser({ name: 'Cid', role: 'client', customerId: other.id }), {
      caller: admin,
    });
    const guest = await h.api.users.createUser(req.createUser({ name: 'Gil', role: 'guest', customerId: other.id }), {
      caller: admin,
    });

    const set = await h.api.customers.setCustomerCoworkers(
      { id: assigned.id, userIds: [worker.id, worker.id] },
      { caller: admin },
    );

    expect(set.coworkerIds).toEqual([worker.id]);
    await h.events.nextEvent(
      'customer_coworkers_changed',
      accountsEvents.CustomerChanged,
      (p) => p.customer?.id === assigned.id,
    );
    const listedBy = async (caller: ReturnType<typeof callerOf>) =>
      (await h.api.customers.listCustomers(req.listCustomers(), { caller })).customers.map((c) => c.code);
    expect(await listedBy(admin)).toEqual(['AS', 'OT']);
    expect(await listedBy(callerOf(dispatcher))).toEqual(['AS', 'OT']);
    expect(await listedBy(callerOf(worker))).toEqual(['AS']);
    expect(await listedBy(callerOf(client))).toEqual(['OT']);
    expect(await listedBy(callerOf(guest))).toEqual(['OT']);
    expect((await h.api.customers.getCustomer({ id: assigned.id }, { caller: callerOf(worker) })).code).toBe('AS');
    expect(await failure(h.api.customers.getCustomer({ id: other.id }, { caller: callerOf(worker) }))).toMatchObject({
      kind: 'not_found',
      code: 'CUSTOMER_NOT_FOUND',
    });
    expect(await failure(h.api.customers.getCustomer({ id: assigned.id }, { caller: callerOf(client) }))).toMatchObject(
      {
        kind: 'not_found',
      },
    );
  });

  it('refuses users who are not active coworkers of the tenant, and non-admins', async () => {
    const { admin } = await signup(h.api);
    const elsewhere = await signup(h.api);
    const customer = await h.api.customers.createCustomer(req.createCustomer({ code: 'RF', name: 'Refuse' }), {
      caller: admin,
    });
    const dispatcher = await h.api.users.createUser(req.createUser({ name: 'Dot', role: 'dispatcher' }), {
      caller: admin,
    });
    const retired = await h.api.users.createUser(req.createUser({ name: 'Ret', role: 'coworker' }), { caller: admin });
    await h.api.users.deactivateUser({ id: retired.id }, { caller: admin });
    const foreign = await h.api.users.createUser(req.createUser({ name: 'For', role: 'coworker' }), {
      caller: elsewhere.admin,
    });

    for (const userId of [dispatcher.id, retired.id, foreign.id, 'usr_unknown']) {
      expect(
        await failure(h.api.customers.setCustomerCoworkers({ id: customer.id, userIds: [userId] }, { caller: admin })),
      ).toMatchObject({
        kind: 'invalid_argument',
        field: 'userIds',
      });
    }
    expect(
      (
        await failure(
          h.api.customers.setCustomerCoworkers({ id: customer.id, userIds: [] }, { caller: callerOf(dispatcher) }),
        )
      ).kind,
    ).toBe('permission_denied');
  });

  it('lets coworkers and clients read but not create or change customers', async () => {
    const { admin } = await signup(h.api);
    const customer = await h.api.customers.createCustomer(req.createCustomer({ code: 'RO', name: 'Read Only' }), {
      caller: admin,
    });
    const client = callerOf(
      await h.api.users.createUser(req.createUser({ name: 'Cy', role: 'client', customerId: customer.id }), {
        caller: admin,
      }),
    );

    expect((await h.api.customers.getCustomer({ id: customer.id }, { caller: client })).name).toBe('Read Only');
    expect(
      (
        await failure(
          h.api.customers.createCustomer(req.createCustomer({ code: 'NO', name: 'No' }), { caller: client }),
        )
      ).kind,
    ).toBe('permission_denied');
    expect(
      (
        await failure(
          h.api.customers.updateCustomer(req.updateCustomer({ id: customer.id, name: 'Mine now' }), { caller: client }),
        )
      ).kind,
    ).toBe('permission_denied');
  });

  it('finds customers by code or name and pages through them', async () => {
    const { admin } = await signup(h.api);
    for (const [code, name] of [
      ['NA', 'North Alpha'],
      ['NB', 'North Beta'],
      ['SO', 'South'],
    ]) {
      await h.api.customers.createCustomer(req.createCustomer({ code, name }), { caller: admin });
    }

    const north = await h.api.customers.listCustomers(req.listCustomers({ q: 'north' }), { caller: admin });
    const first = await h.api.customers.listCustomers(req.listCustomers({ page: { limit: 2, cursor: '' } }), {
      caller: admin,
    });
    const rest = await h.api.customers.listCustomers(
      req.listCustomers({ page: { limit: 2, cursor: first.page!.nextCursor } }),
      {
        caller: admin,
      },
    );

    expect(north.customers.map((c) => c.code)).toEqual(['NA', 'NB']);
    expect([...first.customers, ...rest.customers].map((c) => c.code)).toEqual(['NA', 'NB', 'SO']);
    expect(rest.page!.nextCursor).toBe('');
  });
});
