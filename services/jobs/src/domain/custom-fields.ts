// Custom fields of job types: the schema an admin defines (checked when saved) and a job's values checked
// against it. Every refusal names the field: `fields[2].options` for a schema, `customFields.<key>` for a value.
import { InvalidArgument } from '@fieldline/platform';
import type { CustomFieldValue } from './job.js';

export const CUSTOM_FIELD_TYPES = ['text', 'number', 'date', 'enum', 'boolean'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

export interface CustomFieldDef {
  key: string;
  label: string;
  type: CustomFieldType;
  required: boolean;
  /** enum only: the allowed values. */
  options: string[];
  /** number only. */
  min?: number;
  max?: number;
  /** text only. */
  maxLength?: number;
}

export const MAX_FIELDS = 50;
const MAX_OPTIONS = 100;
const MAX_TEXT_DEFAULT = 1000;
const MAX_TEXT_LIMIT = 10_000;
const KEY = /^[a-zA-Z][a-zA-Z0-9_]{0,39}$/;
const CONTROL = /\p{Cc}/u;

/** The raw definition as a client sends it (every part possibly missing or wrong). */
export interface CustomFieldDefInput {
  key?: string;
  label?: string;
  type?: string;
  required?: boolean;
  options?: string[];
  min?: number;
  max?: number;
  maxLength?: number;
}

/** Checks a job type's field list; `path` is the API name of the list (`fields`). */
export function validateFieldDefs(defs: readonly CustomFieldDefInput[], path = 'fields'): CustomFieldDef[] {
  if (defs.length > MAX_FIELDS) throw new InvalidArgument(path, `${path} can have at most ${MAX_FIELDS} fields`);
  const seen = new Set<string>();
  return defs.map((d, i) => {
    const at = (part: string) => `${path}[${i}].${part}`;
    const key = (d.key ?? '').trim();
    if (!KEY.test(key)) {
      throw new InvalidArgument(at('key'), 'a field key starts with a letter and has up to 40 letters, digits or _');
    }
    if (seen.has(key.toLowerCase())) throw new InvalidArgument(at('key'), `the key ${key} is used twice`);
    seen.add(key.toLowerCase());
    const label = (d.label ?? '').trim() || key;
    if ([...label].length > 100 || CONTROL.test(label)) {
      throw new InvalidArgument(at('label'), 'a label has at most 100 characters and no control characters');
    }
    const type = d.type as CustomFieldType;
    if (!CUSTOM_FIELD_TYPES.includes(type)) {
      throw new InvalidArgument(at('type'), `type must be one of ${CUSTOM_FIELD_TYPES.join(', ')}`);
    }
    const def: CustomFieldDef = { key, label, type, required: d.required ?? false, options: [] };
    const options = d.options ?? [];
    if (type === 'enum') {
      if (options.length === 0 || options.length > MAX_OPTIONS) {
        throw new InvalidArgument(at('options'), `an enum field has 1 to ${MAX_OPTIONS} options`);
      }
      const trimmed = options.map((o) => o.trim());
      trimmed.forEach((o, j) => {
        if (o === '' || [...o].length > 100 || CONTROL.test(o)) {
          throw new InvalidArgument(`${at('options')}[${j}]`, 'an option has 1 to 100 characters');
        }
        if (trimmed.indexOf(o) !== j)
          throw new InvalidArgument(`${at('options')}[${j}]`, `option "${o}" is listed twice`);
      });
      def.options = trimmed;
    } else if (options.length > 0) {
      throw new InvalidArgument(at('options'), 'only enum fields have options');
    }
    if (d.min !== undefined || d.max !== undefined) {
      if (type !== 'number')
        throw new InvalidArgument(at(d.min !== undefined ? 'min' : 'max'), 'only number fields have min and max');
      for (const [name, v] of [
        ['min', d.min],
        ['max', d.max],
      ] as const) {
        if (v !== undefined && !Number.isFinite(v))
          throw new InvalidArgument(at(name), `${name} must be a finite number`);
      }
      if (d.min !== undefined && d.max !== undefined && d.min > d.max) {
        throw new InvalidArgument(at('max'), 'max must not be below min');
      }
      def.min = d.min;
      def.max = d.max;
    }
    if (d.maxLength !== undefined) {
      if (type !== 'text') throw new InvalidArgument(at('maxLength'), 'only text fields have maxLength');
      if (!Number.isInteger(d.maxLength) || d.maxLength < 1 || d.maxLength > MAX_TEXT_LIMIT) {
        throw new InvalidArgument(at('maxLength'), `maxLength is from 1 to ${MAX_TEXT_LIMIT}`);
      }
      def.maxLength = d.maxLength;
    }
    return def;
  });
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function isDate(value: string): boolean {
  const m = DATE.exec(value);
  if (m) {
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    return (
      d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3])
    );
  }
  return DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

/**
 * A job's custom field values checked against its type's fields: unknown keys, missing required ones, wrong
 * types and out-of-range values are refused as `customFields.<key>`. A null value means "not given".
 */
export function validateCustomFields(
  defs: readonly CustomFieldDef[],
  values: Readonly<Record<string, unknown>>,
): Record<string, CustomFieldValue> {
  const byKey = new Map(defs.map((d) => [d.key, d]));
  for (const key of Object.keys(values)) {
    if (!byKey.has(key)) throw new InvalidArgument(`customFields.${key}`, `${key} is not a field of this job type`);
  }
  const out: Record<string, CustomFieldValue> = {};
  for (const def of defs) {
    const field = `customFields.${def.key}`;
    const value = values[def.key];
    if (value === undefined || value === null || value === '') {
      if (def.required) throw new InvalidArgument(field, `${def.label} is required`);
      continue;
    }
    out[def.key] = checkValue(def, field, value);
  }
  return out;
}

function checkValue(def: CustomFieldDef, field: string, value: unknown): CustomFieldValue {
  switch (def.type) {
    case 'text': {
      if (typeof value !== 'string') throw new InvalidArgument(field, `${def.label} must be text`);
      const max = def.maxLength ?? MAX_TEXT_DEFAULT;
      if ([...value].length > max) throw new InvalidArgument(field, `${def.label} can have at most ${max} characters`);
      if (value.includes('\u0000')) throw new InvalidArgument(field, `${def.label} cannot contain NUL characters`);
      return value;
    }
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new InvalidArgument(field, `${def.label} must be a number`);
      }
      if (def.min !== undefined && value < def.min)
        throw new InvalidArgument(field, `${def.label} must be at least ${def.min}`);
      if (def.max !== undefined && value > def.max)
        throw new InvalidArgument(field, `${def.label} must be at most ${def.max}`);
      return value;
    }
    case 'date':
      if (typeof value !== 'string' || !isDate(value)) {
        throw new InvalidArgument(field, `${def.label} must be a date (YYYY-MM-DD or RFC 3339)`);
      }
      return value;
    case 'enum':
      if (typeof value !== 'string' || !def.options.includes(value)) {
        throw new InvalidArgument(field, `${def.label} must be one of ${def.options.join(', ')}`);
      }
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') throw new InvalidArgument(field, `${def.label} must be true or false`);
      return value;
  }
}
