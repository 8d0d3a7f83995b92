// Unit tests of settings: defaults, partial updates that keep what is not given, and validation naming the field.
import { describe, expect, it } from '@jest/globals';
import { defaultSettings, type SettingsPatch, updateSettings } from './settings.js';

const now = new Date('2030-01-01T00:00:00Z');
const later = new Date('2030-01-02T00:00:00Z');
const defaults = defaultSettings('t_1', { invitationTtlHours: 48, formKey: 'fk', now });
const fieldOf = (patch: SettingsPatch) => {
  try {
    updateSettings(defaults, patch, later);
  } catch (err) {
    return (err as { field?: string }).field;
  }
  return undefined;
};

describe('defaultSettings', () => {
  it('takes the invitation lifetime from the service configuration', () => {
    expect(defaults).toMatchObject({ invitationTtlHours: 48, formKey: 'fk', version: 1, maxUploadBytes: 26_214_400 });
    expect(defaults.categories).toHaveLength(10);
  });
});

describe('updateSettings', () => {
  it('changes only what is given, and bumps the version once', () => {
    const { next, changed, changedFields } = updateSettings(
      defaults,
      { currency: 'EUR', categories: [' Repair '] },
      later,
    );

    expect(changed).toBe(true);
    expect(changedFields.sort()).toEqual(['categories', 'currency']);
    expect(next).toMatchObject({
      currency: 'EUR',
      categories: ['Repair'],
      timezone: 'UTC',
      version: 2,
      updatedAt: later,
    });
  });

  it('reports no change when the values are the same', () => {
    expect(updateSettings(defaults, { currency: 'USD', dispatchEnabled: true }, later)).toMatchObject({
      changed: false,
      next: { version: 1 },
    });
  });

  it('accepts the bounds and IANA zones', () => {
    expect(() =>
      updateSettings(
        defaults,
        {
          minOnSiteSeconds: 0,
          maxUploadBytes: 1024 ** 3,
          invitationTtlHours: 720,
          positionStaleSeconds: 10,
          timezone: 'America/Argentina/Buenos_Aires',
          taskNumberFormat: '{yyyy}/{code}/{n}',
          formLogoUrl: 'https://example.com/logo.png',
          soldStatuses: [],
        },
        later,
      ),
    ).not.toThrow();
  });

  it.each<[SettingsPatch, string]>([
    [{ minOnSiteSeconds: -1 }, 'minOnSiteSeconds'],
    [{ minOnSiteSeconds: 1.5 }, 'minOnSiteSeconds'],
    [{ categories: Array.from({ length: 201 }, (_, i) => `c${i}`) }, 'categories'],
    [{ taskNumberFormat: '{n}}' }, 'taskNumberFormat'],
    [{ allowedUploadTypes: ['image/png', 'IMAGE/PNG'] }, 'allowedUploadTypes[1]'],
    [{ allowedUploadTypes: ['image/png; charset=x'] }, 'allowedUploadTypes[0]'],
    [{ timezone: 'Europe/Atlantis' }, 'timezone'],
    [{ currency: 'EURO' }, 'currency'],
    [{ formPrimaryColor: 'blue' }, 'formPrimaryColor'],
    [{ formLogoUrl: 'ftp://example.com/logo.png' }, 'formLogoUrl'],
    [{ jobCreationBlockedRoles: ['guest', 'guest'] }, 'jobCreationBlockedRoles[1]'],
    [{ soldStatuses: ['Done'] }, 'soldStatuses[0]'],
    [{ positionStaleSeconds: 86_401 }, 'positionStaleSeconds'],
    [{ version: 7 }, 'version'],
  ])('refuses %j naming %s', (patch, field) => {
    expect(fieldOf(patch)).toBe(field);
  });
});
