// Tenant settings over gRPC: the defaults, a validated partial update with its event, versions and who may do what.

import { accountsEvents, type common } from '@fieldline/proto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { callerOf, failure, type Harness, req, signup, startHarness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('settings');
});
afterAll(async () => {
  await h?.stop();
});

const list = (...values: string[]): common.StringList => ({ values });

describe('settings', () => {
  it('start with the documented defaults and an unguessable form key', async () => {
    const { admin } = await signup(h.api);
    const other = await signup(h.api);

    const settings = await h.api.settings.getSettings({}, { caller: admin });

    expect(settings).toMatchObject({
      tenantId: admin.tenantId,
      dispatchEnabled: true,
      autoLoggingEnabled: true,
      minOnSiteSeconds: 120,
      taskNumberFormat: '{code}-TASK-{n}',
      maxUploadBytes: 25 * 1024 * 1024,
      invitationTtlHours: 72,
      timezone: 'UTC',
      currency: 'USD',
      jobCreationBlockedRoles: [],
      positionStaleSeconds: 300,
      formPrimaryColor: '#1f6feb',
      formLogoUrl: '',
      soldStatuses: ['done'],
      version: 1,
    });
    expect(settings.categories).toEqual([
      'Appointment',
      'Bug Fix',
      'Maintenance',
      'Phone Call',
      'Project',
      'Training',
      'Installation',
      'Inspection',
      'Repair',
      'Other',
    ]);
    expect(settings.allowedUploadTypes).toEqual(
      expect.arrayContaining(['image/jpeg', 'application/pdf', 'video/mp4', 'text/plain']),
    );
    expect(settings.allowedUploadTypes).toHaveLength(10);
    expect(settings.formKey.length).toBeGreaterThanOrEqual(24);
    expect(settings.formKey).not.toBe((await h.api.settings.getSettings({}, { caller: other.admin })).formKey);
  });

  it('change only the fields given, bump the version and publish settings_updated', async () => {
    const { admin } = await signup(h.api);

    const updated = await h.api.settings.updateSettings(
      req.updateSettings({
        dispatchEnabled: false,
        minOnSiteSeconds: 300,
        categories: list('Repair', 'Install'),
        timezone: 'Europe/Paris',
        currency: 'EUR',
        jobCreationBlockedRoles: list('client', 'guest'),
        formPrimaryColor: '#AABBCC',
        soldStatuses: list('done', 'accepted'),
        version: 1,
      }),
      { caller: admin },
    );

    expect(updated).toMatchObject({
      dispatchEnabled: false,
      autoLoggingEnabled: true,
      minOnSiteSeconds: 300,
      categories: ['Repair', 'Install'],
      timezone: 'Europe/Paris',
      currency: 'EUR',
      jobCreationBlockedRoles: ['client', 'guest'],
      formPrimaryColor: '#aabbcc',
      soldStatuses: ['done', 'accepted'],
      version: 2,
    });
    const event = await h.events.nextEvent(
      'settings_updated',
      accountsEvents.SettingsChanged,
      (p) => p.settings?.tenantId === admin.tenantId && p.settings.version === 2,
    );
    expect(event.payload.settings!.currency).toBe('EUR');
    expect(
      await failure(
        h.api.settings.updateSettings(req.updateSettings({ currency: 'GBP', version: 1 }), { caller: admin }),
      ),
    ).toMatchObject({ kind: 'conflict', code: 'STALE_VERSION' });
  });

  it('can be read by dispatchers and coworkers, changed by admins only, and not seen by clients', async () => {
    const { admin } = await signup(h.api);
    const customer = await h.api.customers.createCustomer(req.createCustomer({ code: 'SE', name: 'Set' }), {
      caller: admin,
    });
    const dispatcher = callerOf(
      await h.api.users.createUser(req.createUser({ name: 'D', role: 'dispatcher' }), { caller: admin }),
    );
    const client = callerOf(
      await h.api.users.createUser(req.createUser({ name: 'C', role: 'client', customerId: customer.id }), {
        caller: admin,
      }),
    );

    expect((await h.api.settings.getSettings({}, { caller: dispatcher })).tenantId).toBe(admin.tenantId);
    expect(
      (await failure(h.api.settings.updateSettings(req.updateSettings({ currency: 'EUR' }), { caller: dispatcher })))
        .kind,
    ).toBe('permission_denied');
    expect((await failure(h.api.settings.getSettings({}, { caller: client }))).kind).toBe('permission_denied');
  });

  it.each<[string, Partial<Parameters<typeof req.updateSettings>[0]>, string]>([
    ['minOnSiteSeconds above a day', { minOnSiteSeconds: 86_401 }, 'minOnSiteSeconds'],
    ['no categories', { categories: list() }, 'categories'],
    ['an empty category', { categories: list('Repair', ' ') }, 'categories[1]'],
    ['a category of 61 characters', { categories: list('x'.repeat(61)) }, 'categories[0]'],
    ['a category twice', { categories: list('Repair', 'repair') }, 'categories[1]'],
    ['a task number without {n}', { taskNumberFormat: '{code}-TASK' }, 'taskNumberFormat'],
    ['an unknown placeholder', { taskNumberFormat: '{code}-{n}-{month}' }, 'taskNumberFormat'],
    ['a malformed MIME type', { allowedUploadTypes: list('image/png', 'pdf') }, 'allowedUploadTypes[1]'],
    ['maxUploadBytes of zero', { maxUploadBytes: 0 }, 'maxUploadBytes'],
    ['maxUploadBytes above 1 GiB', { maxUploadBytes: 1024 ** 3 + 1 }, 'maxUploadBytes'],
    ['invitationTtlHours above 30 days', { invitationTtlHours: 721 }, 'invitationTtlHours'],
    ['an unknown time zone', { timezone: 'Mars/Olympus' }, 'timezone'],
    ['an offset instead of a zone', { timezone: '+02:00' }, 'timezone'],
    ['a lower-case currency', { currency: 'eur' }, 'currency'],
    ['a short colour', { formPrimaryColor: '#fff' }, 'formPrimaryColor'],
    ['a javascript: logo URL', { formLogoUrl: 'javascript:alert(1)' }, 'formLogoUrl'],
    ['admins blocked from creating jobs', { jobCreationBlockedRoles: list('admin') }, 'jobCreationBlockedRoles[0]'],
    ['an unknown sold status', { soldStatuses: list('done', 'paid') }, 'soldStatuses[1]'],
    ['positionStaleSeconds below 10', { positionStaleSeconds: 9 }, 'positionStaleSeconds'],
  ])('refuse %s, naming the field', async (_, patch, field) => {
    const { admin } = await signup(h.api);

    const res = await failure(h.api.settings.updateSettings(req.updateSettings(patch), { caller: admin }));

    expect(res).toMatchObject({ kind: 'invalid_argument', field });
  });
});
