// The directory other services read: snapshots of users, customers and settings of one tenant, form keys, phones.

import { Metadata } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { failure, type Harness, req, signup, startHarness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('directory');
});
afterAll(async () => {
  await h?.stop();
});

const tenantOnly = (tenantId: string) => {
  const md = new Metadata();
  md.set('x-fl-tenant-id', tenantId);
  return md;
};

describe('directory', () => {
  it("returns the tenant's users, customers and settings by id, for a forwarded caller or a service naming the tenant", async () => {
    const { admin } = await signup(h.api);
    const worker = await h.api.users.createUser(req.createUser({ name: 'Wes Worker', role: 'coworker' }), {
      caller: admin,
    });
    const customer = await h.api.customers.createCustomer(req.createCustomer({ code: 'DIR', name: 'Dir Co' }), {
      caller: admin,
    });

    const asCaller = await h.api.directory.lookupDirectory(
      { userIds: [worker.id, 'usr_unknown'], customerIds: [customer.id], includeSettings: true },
      { caller: admin },
    );
    const asService = await h.api.directory.lookupDirectory(
      { userIds: [worker.id], customerIds: [], includeSettings: false },
      { metadata: tenantOnly(admin.tenantId) },
    );

    expect(asCaller.users.map((u) => u.id)).toEqual([worker.id]);
    expect(asCaller.customers[0]).toMatchObject({ id: customer.id, code: 'DIR', slaHours: 24 });
    expect(asCaller.settings).toMatchObject({ tenantId: admin.tenantId, minOnSiteSeconds: 120 });
    expect(asService.users[0]).toMatchObject({ id: worker.id, role: 'coworker', active: true });
    expect(asService.settings).toBeUndefined();
  });

  it("never answers with another tenant's records", async () => {
    const a = await signup(h.api);
    const b = await signup(h.api);
    const bCustomer = await h.api.customers.createCustomer(req.createCustomer({ code: 'BEE', name: 'B Co' }), {
      caller: b.admin,
    });

    const res = await h.api.directory.lookupDirectory(
      { userIds: [b.admin.userId], customerIds: [bCustomer.id], includeSettings: false },
      { caller: a.admin },
    );

    expect(res.users).toEqual([]);
    expect(res.customers).toEqual([]);
  });

  it('refuses a call with neither caller nor tenant, and a deactivated caller', async () => {
    const { admin } = await signup(h.api);
    const dispatcher = await h.api.users.createUser(
      req.createUser({ name: 'Dee', role: 'dispatcher', email: 'dee@example.com', password: 'correct horse' }),
      { caller: admin },
    );
    await h.api.users.deactivateUser({ id: dispatcher.id }, { caller: admin });

    const anonymous = await failure(
      h.api.directory.lookupDirectory({ userIds: [], customerIds: [], includeSettings: true }),
    );
    const deactivated = await failure(
      h.api.directory.lookupDirectory(
        { userIds: [], customerIds: [], includeSettings: true },
        { caller: { kind: 'user', tenantId: admin.tenantId, userId: dispatcher.id, role: 'dispatcher' } },
      ),
    );

    expect(anonymous.kind).toBe('unauthenticated');
    expect(deactivated).toMatchObject({ kind: 'unauthenticated', code: 'CREDENTIAL_REVOKED' });
  });

  it('names the field of a bad id list', async () => {
    const { admin } = await signup(h.api);

    const res = await failure(
      h.api.directory.lookupDirectory(
        { userIds: ['ok', ''], customerIds: [], includeSettings: false },
        { caller: admin },
      ),
    );

    expect(res).toMatchObject({ kind: 'invalid_argument', field: 'userIds[1]' });
  });

  it('resolves a public form key to its tenant and settings, and nothing else', async () => {
    const { admin, tenant } = await signup(h.api, 'Form Co');
    const settings = await h.api.settings.getSettings({}, { caller: admin });

    const found = await h.api.directory.resolveFormKey({ formKey: settings.formKey });
    const missing = await failure(h.api.directory.resolveFormKey({ formKey: 'no-such-form-key' }));

    expect(found.tenant).toMatchObject({ id: tenant!.id, name: 'Form Co' });
    expect(found.settings?.formKey).toBe(settings.formKey);
    expect(missing).toMatchObject({ kind: 'not_found', code: 'FORM_NOT_FOUND' });
  });

  it("finds a customer by its own or a contact's phone, whatever the formatting, within the tenant", async () => {
    const { admin } = await signup(h.api);
    const other = await signup(h.api);
    const byOwn = await h.api.customers.createCustomer(
      req.createCustomer({ code: 'TEL', name: 'Tel Co', phone: '+49 30 1234567' }),
      { caller: admin },
    );
    const byContact = await h.api.customers.createCustomer(
      req.createCustomer({
        code: 'CON',
        name: 'Con Co',
        contacts: [{ id: '', name: 'Ann', email: 'ann@example.com', phone: '(555) 987-6543', title: '' }],
      }),
      { caller: admin },
    );

    const own = await h.api.directory.findCustomerByPhone({ phone: '0049301234567' }, { caller: admin });
    const contact = await h.api.directory.findCustomerByPhone({ phone: '+1 555 987 6543' }, { caller: admin });
    const elsewhere = await failure(
      h.api.directory.findCustomerByPhone({ phone: '+49 30 1234567' }, { caller: other.admin }),
    );
    const bad = await failure(h.api.directory.findCustomerByPhone({ phone: 'call me' }, { caller: admin }));

    expect(own.id).toBe(byOwn.id);
    expect(contact.id).toBe(byContact.id);
    expect(elsewhere).toMatchObject({ kind: 'not_found', code: 'CUSTOMER_NOT_FOUND' });
    expect(bad).toMatchObject({ kind: 'invalid_argument', field: 'phone' });
  });
});
