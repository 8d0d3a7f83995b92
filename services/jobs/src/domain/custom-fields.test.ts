import { describe, expect, it } from '@jest/globals';
import { type CustomFieldDef, validateCustomFields, validateFieldDefs } from './custom-fields.js';

const defs: CustomFieldDef[] = validateFieldDefs([
  { key: 'serial', label: 'Serial', type: 'text', required: true, maxLength: 8 },
  { key: 'floors', type: 'number', min: 1, max: 40 },
  { key: 'installedOn', type: 'date' },
  { key: 'brand', type: 'enum', options: ['Bosch', 'Vaillant'] },
  { key: 'underWarranty', type: 'boolean' },
]);

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as { field?: string }).field;
  }
  return undefined;
}

describe('custom field values', () => {
  it('accepts values of the right types within bounds', () => {
    const values = validateCustomFields(defs, {
      serial: 'AB-12',
      floors: 3,
      installedOn: '2024-02-29',
      brand: 'Bosch',
      underWarranty: false,
    });

    expect(values).toEqual({
      serial: 'AB-12',
      floors: 3,
      installedOn: '2024-02-29',
      brand: 'Bosch',
      underWarranty: false,
    });
  });

  it('leaves out optional values given as null', () => {
    expect(validateCustomFields(defs, { serial: 'X', floors: null })).toEqual({ serial: 'X' });
  });

  it.each([
    ['a missing required field', {}, 'customFields.serial'],
    ['text too long', { serial: '123456789' }, 'customFields.serial'],
    ['a number as text', { serial: 'X', floors: '3' }, 'customFields.floors'],
    ['a number below min', { serial: 'X', floors: 0 }, 'customFields.floors'],
    ['a number above max', { serial: 'X', floors: 41 }, 'customFields.floors'],
    ['an impossible date', { serial: 'X', installedOn: '2023-02-29' }, 'customFields.installedOn'],
    ['a date in another format', { serial: 'X', installedOn: '29/02/2024' }, 'customFields.installedOn'],
    ['an unknown option', { serial: 'X', brand: 'Acme' }, 'customFields.brand'],
    ['a boolean as text', { serial: 'X', underWarranty: 'yes' }, 'customFields.underWarranty'],
    ['an unknown key', { serial: 'X', colour: 'red' }, 'customFields.colour'],
  ])('refuses %s, naming the field', (_what, values, field) => {
    expect(fieldOf(() => validateCustomFields(defs, values))).toBe(field);
  });

  it('takes RFC 3339 date-times for date fields', () => {
    expect(validateCustomFields(defs, { serial: 'X', installedOn: '2024-05-01T10:00:00Z' }).installedOn).toBe(
      '2024-05-01T10:00:00Z',
    );
  });
});

describe('custom field schema', () => {
  it.each([
    ['a bad key', [{ key: '1st', type: 'text' }], 'fields[0].key'],
    [
      'a duplicate key',
      [
        { key: 'a', type: 'text' },
        { key: 'A', type: 'text' },
      ],
      'fields[1].key',
    ],
    ['an unknown type', [{ key: 'a', type: 'color' }], 'fields[0].type'],
    ['an enum without options', [{ key: 'a', type: 'enum' }], 'fields[0].options'],
    ['options on text', [{ key: 'a', type: 'text', options: ['x'] }], 'fields[0].options'],
    ['min above max', [{ key: 'a', type: 'number', min: 5, max: 1 }], 'fields[0].max'],
    ['min on text', [{ key: 'a', type: 'text', min: 1 }], 'fields[0].min'],
    ['maxLength on a number', [{ key: 'a', type: 'number', maxLength: 3 }], 'fields[0].maxLength'],
    ['a duplicate option', [{ key: 'a', type: 'enum', options: ['x', 'x'] }], 'fields[0].options[1]'],
  ])('refuses %s', (_what, input, field) => {
    expect(fieldOf(() => validateFieldDefs(input))).toBe(field);
  });

  it('labels a field with its key when no label is given', () => {
    expect(validateFieldDefs([{ key: 'serial', type: 'text' }])[0]).toMatchObject({ label: 'serial', required: false });
  });
});
