// Job types: an admin-defined kind of job with its custom field schema.
import { InvalidArgument } from '@fieldline/platform';
import { type CustomFieldDef, type CustomFieldDefInput, validateFieldDefs } from './custom-fields.js';

export interface JobType {
  id: string;
  tenantId: string;
  name: string;
  description: string;
  fields: CustomFieldDef[];
  active: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface JobTypeInput {
  name?: string;
  description?: string;
  fields?: CustomFieldDefInput[];
  active?: boolean;
}

const CONTROL = /\p{Cc}/u;

function name(value: string): string {
  const n = value.trim();
  if (n === '' || [...n].length > 100 || CONTROL.test(n)) {
    throw new InvalidArgument('name', 'name has 1 to 100 characters and no control characters');
  }
  return n;
}

function description(value: string): string {
  const d = value.trim();
  if ([...d].length > 1000) throw new InvalidArgument('description', 'description can have at most 1000 characters');
  return d;
}

export function newJobType(input: JobTypeInput, facts: { id: string; tenantId: string; now: Date }): JobType {
  return {
    id: facts.id,
    tenantId: facts.tenantId,
    name: name(input.name ?? ''),
    description: description(input.description ?? ''),
    fields: validateFieldDefs(input.fields ?? []),
    active: true,
    version: 1,
    createdAt: facts.now,
    updatedAt: facts.now,
  };
}

/** The type after the change; version bumped only when something changed. */
export function updateJobType(current: JobType, input: JobTypeInput, now: Date): { next: JobType; changed: boolean } {
  const next: JobType = { ...current };
  if (input.name !== undefined) next.name = name(input.name);
  if (input.description !== undefined) next.description = description(input.description);
  if (input.fields !== undefined) next.fields = validateFieldDefs(input.fields);
  if (input.active !== undefined) next.active = input.active;
  const changed = JSON.stringify({ ...next, updatedAt: 0 }) !== JSON.stringify({ ...current, updatedAt: 0 });
  if (changed) {
    next.version = current.version + 1;
    next.updatedAt = now;
  }
  return { next, changed };
}
