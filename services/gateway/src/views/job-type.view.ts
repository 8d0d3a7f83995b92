// A job type with its custom field schema as the API shows it.
import type { jobs } from '@fieldline/proto';
import { Type } from '@sinclair/typebox';
import { iso, Nullable, Timestamp } from './common.js';

export const CUSTOM_FIELD_TYPES = ['text', 'number', 'date', 'enum', 'boolean'] as const;
export const CustomFieldType = Type.Union(
  CUSTOM_FIELD_TYPES.map((t) => Type.Literal(t)),
  { description: CUSTOM_FIELD_TYPES.join(' | ') },
);

export const CustomFieldView = Type.Object({
  key: Type.String({ description: "the key in a job's customFields" }),
  label: Type.String(),
  type: CustomFieldType,
  required: Type.Boolean(),
  options: Type.Array(Type.String(), { description: 'the allowed values of an enum field' }),
  min: Nullable(Type.Number({ description: 'number fields: smallest value' })),
  max: Nullable(Type.Number({ description: 'number fields: largest value' })),
  maxLength: Nullable(Type.Integer({ description: 'text fields: most characters' })),
});

export const JobTypeView = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Type.String(),
    fields: Type.Array(CustomFieldView),
    active: Type.Boolean(),
    version: Type.Integer(),
    createdAt: Nullable(Timestamp()),
  },
  { $id: 'JobType' },
);

export function toJobTypeView(t: jobs.JobType | undefined) {
  if (!t) throw new Error('jobs answered without a job type');
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    fields: t.fields.map((f) => ({
      key: f.key,
      label: f.label,
      type: f.type,
      required: f.required,
      options: f.options,
      min: f.min ?? null,
      max: f.max ?? null,
      maxLength: f.maxLength ?? null,
    })),
    active: t.active,
    version: t.version,
    createdAt: iso(t.createdAt),
  };
}
