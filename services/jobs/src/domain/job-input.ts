// A job's fields as a client sends them, checked one by one (bounds, formats, ranges), then assembled into a
// new job or applied to an existing one with the cross-field rules (due after start, window order, defaults).
// Every refusal names the field with the public API's camelCase name.
import { InvalidArgument, PermissionDenied } from '@fieldline/platform';
import type { DirCustomer, DirSettings, Role } from './directory.js';
import {
  type CustomFieldValue,
  type Job,
  type JobContact,
  type JobSite,
  type JobSource,
  type Money,
  PRIORITIES,
  type Priority,
} from './job.js';

export const LIMITS = {
  title: 200,
  description: 10_000,
  address: 500,
  contactName: 200,
  tags: 50,
  tag: 40,
  assignees: 20,
  notify: 100,
  related: 50,
  hours: 100_000,
  amount: 1e13,
  measure: 1e9,
  radiusM: 100_000,
  id: 100,
};

/** The raw input, as decoded from the wire: anything may be missing or wrong. */
export interface JobInputFields {
  title?: string;
  description?: string;
  category?: string;
  priority?: string;
  customerId?: string;
  site?: { siteId?: string; address?: string; lat?: number; lng?: number; radiusM?: number; hasCoordinates?: boolean };
  startAt?: Date;
  dueAt?: Date;
  scheduledStart?: Date;
  scheduledEnd?: Date;
  percentComplete?: number;
  estimatedHours?: number;
  billableHours?: number;
  billable?: boolean;
  billed?: boolean;
  quantity?: number;
  price?: { amount: number; currency: string };
  mileage?: number;
  expenses?: { amount: number; currency: string };
  contact?: { name?: string; email?: string; phone?: string };
  assigneeIds?: string[];
  notifyIds?: string[];
  tags?: string[];
  relatedJobIds?: string[];
  customFields?: Record<string, unknown>;
  typeId?: string;
  notifyClientOnChange?: boolean;
  notifyClientOnComplete?: boolean;
  regardingUserId?: string;
  /** Fields explicitly set to null in a PATCH. */
  clearedFields?: string[];
}

export interface SiteInput {
  siteId: string;
  address: string;
  lat?: number;
  lng?: number;
  radiusM: number;
}

/** The input checked field by field: only what was given; `null` means "clear it". */
export interface JobPatch {
  title?: string;
  description?: string;
  category?: string | null;
  priority?: Priority;
  customerId?: string | null;
  typeId?: string | null;
  site?: SiteInput | null;
  startAt?: Date;
  dueAt?: Date | null;
  scheduledStart?: Date | null;
  scheduledEnd?: Date | null;
  percentComplete?: number;
  estimatedHours?: number;
  billableHours?: number;
  billable?: boolean;
  billed?: boolean;
  quantity?: number;
  price?: Money | null;
  mileage?: number;
  expenses?: Money | null;
  contact?: JobContact | null;
  assigneeIds?: string[];
  notifyIds?: string[];
  tags?: string[];
  relatedJobIds?: string[];
  customFields?: Record<string, unknown>;
  notifyClientOnChange?: boolean;
  notifyClientOnComplete?: boolean;
  regardingUserId?: string | null;
}

export type PatchField = keyof JobPatch;

/** Fields a PATCH may set to null. */
export const CLEARABLE: readonly PatchField[] = [
  'category',
  'customerId',
  'typeId',
  'site',
  'dueAt',
  'scheduledStart',
  'scheduledEnd',
  'price',
  'expenses',
  'contact',
  'regardingUserId',
];

/** What a coworker working on a job (assignee, participant) may change: the work, not the dispatch. */
export const COWORKER_FIELDS: readonly PatchField[] = [
  'description',
  'percentComplete',
  'estimatedHours',
  'billableHours',
  'mileage',
  'expenses',
  'tags',
  'customFields',
  'contact',
  'site',
];

/** What a client or guest may give when asking for a job (the portal form's fields). */
export const CUSTOMER_REQUEST_FIELDS: readonly PatchField[] = [
  'title',
  'description',
  'category',
  'priority',
  'customerId',
  'site',
  'startAt',
  'dueAt',
  'contact',
  'tags',
  'notifyClientOnChange',
  'notifyClientOnComplete',
];

/** Only dispatch decides who works on a job. */
export const DISPATCH_FIELDS: readonly PatchField[] = ['assigneeIds', 'scheduledStart', 'scheduledEnd'];

/** Refuses the first field of `patch` that `role` may not set, naming it. */
export function checkFieldsAllowed(patch: JobPatch, allowed: readonly PatchField[], who: string): void {
  for (const key of Object.keys(patch) as PatchField[]) {
    if (!allowed.includes(key)) throw new PermissionDenied(`${who} cannot set ${key}`, 'FIELD_NOT_ALLOWED');
  }
}

export function fieldsAllowedOnCreate(role: Role): readonly PatchField[] | undefined {
  if (role === 'client' || role === 'guest') return CUSTOMER_REQUEST_FIELDS;
  return undefined;
}

const CONTROL = /\p{Cc}/u;
// Descriptions keep line breaks and tabs; other control characters corrupt logs and exports.
const CONTROL_EXCEPT_WHITESPACE = /(?![\t\n\r])\p{Cc}/u;
const EMAIL = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/;
const PHONE = /^[0-9+()./\s#*xX-]*$/;
const CURRENCY = /^[A-Z]{3}$/;
// Earliest and latest instants a job date may have: catches swapped units and garbage.
const MIN_TIME = Date.UTC(1970, 0, 2);
const MAX_TIME = Date.UTC(2200, 0, 1);

export function text(
  field: string,
  value: string,
  max: number,
  opts: { required?: boolean; multiline?: boolean } = {},
) {
  const t = value.trim();
  if (opts.required && t === '') throw new InvalidArgument(field, `${field} is required`);
  if ([...t].length > max) throw new InvalidArgument(field, `${field} can have at most ${max} characters`);
  if ((opts.multiline ? CONTROL_EXCEPT_WHITESPACE : CONTROL).test(t)) {
    throw new InvalidArgument(field, `${field} cannot contain control characters`);
  }
  return t;
}

export function idValue(field: string, value: string): string {
  const t = value.trim();
  if (t === '') throw new InvalidArgument(field, `${field} is required`);
  if (t.length > LIMITS.id || CONTROL.test(t) || /\s/.test(t))
    throw new InvalidArgument(field, `${field} is not a valid id`);
  return t;
}

export function idList(field: string, values: readonly string[], max: number): string[] {
  if (values.length > max) throw new InvalidArgument(field, `${field} can have at most ${max} entries`);
  return [...new Set(values.map((v, i) => idValue(`${field}[${i}]`, v)))];
}

export function instant(field: string, value: Date): Date {
  const t = value instanceof Date ? value.getTime() : Number.NaN;
  if (!Number.isFinite(t) || t < MIN_TIME || t > MAX_TIME) {
    throw new InvalidArgument(field, `${field} is not a valid time (RFC 3339, between 1970 and 2200)`);
  }
  return value;
}

function nonNegative(field: string, value: number, max: number): number {
  if (!Number.isFinite(value) || value < 0 || value > max) {
    throw new InvalidArgument(field, `${field} must be a number from 0 to ${max}`);
  }
  return value;
}

function money(field: string, value: { amount: number; currency: string }): Money {
  if (!Number.isInteger(value.amount) || value.amount < 0 || value.amount > LIMITS.amount) {
    throw new InvalidArgument(`${field}.amount`, `${field}.amount is a whole number of minor units (cents), 0 or more`);
  }
  const currency = (value.currency ?? '').trim();
  if (currency !== '' && !CURRENCY.test(currency)) {
    throw new InvalidArgument(`${field}.currency`, `${field}.currency is an ISO 4217 code such as USD`);
  }
  return { amount: value.amount, currency };
}

function site(value: NonNullable<JobInputFields['site']>): SiteInput {
  const out: SiteInput = {
    siteId: value.siteId ? idValue('site.siteId', value.siteId) : '',
    address: text('site.address', value.address ?? '', LIMITS.address),
    radiusM: nonNegative('site.radiusM', value.radiusM ?? 0, LIMITS.radiusM),
  };
  const hasCoordinates = value.hasCoordinates || (value.lat ?? 0) !== 0 || (value.lng ?? 0) !== 0;
  if (hasCoordinates) {
    const lat = value.lat ?? Number.NaN;
    const lng = value.lng ?? Number.NaN;
    if (!Number.isFinite(lat) || lat < -90 || lat > 90)
      throw new InvalidArgument('site.lat', 'site.lat is from -90 to 90');
    if (!Number.isFinite(lng) || lng < -180 || lng > 180) {
      throw new InvalidArgument('site.lng', 'site.lng is from -180 to 180');
    }
    out.lat = lat;
    out.lng = lng;
  }
  return out;
}

function contact(value: NonNullable<JobInputFields['contact']>): JobContact {
  const email = (value.email ?? '').trim();
  if (email !== '' && (email.length > 254 || !EMAIL.test(email) || CONTROL.test(email))) {
    throw new InvalidArgument('contact.email', 'contact.email is not a valid e-mail address');
  }
  const phone = (value.phone ?? '').trim();
  if (phone !== '' && (phone.length > 40 || !PHONE.test(phone) || !/[0-9]/.test(phone))) {
    throw new InvalidArgument('contact.phone', 'contact.phone is not a phone number');
  }
  return { name: text('contact.name', value.name ?? '', LIMITS.contactName), email: email.toLowerCase(), phone };
}

function tags(values: readonly string[]): string[] {
  if (values.length > LIMITS.tags) throw new InvalidArgument('tags', `tags can have at most ${LIMITS.tags} entries`);
  const seen = new Set<string>();
  const out: string[] = [];
  values.forEach((v, i) => {
    const tag = text(`tags[${i}]`, v, LIMITS.tag, { required: true });
    // "Urgent" and "urgent" would be two filters that look the same.
    if (!seen.has(tag.toLowerCase())) out.push(tag);
    seen.add(tag.toLowerCase());
  });
  return out;
}

function customFieldValues(values: Record<string, unknown>): Record<string, unknown> {
  if (values === null || typeof values !== 'object' || Array.isArray(values)) {
    throw new InvalidArgument('customFields', 'customFields is an object of field values');
  }
  for (const [key, v] of Object.entries(values)) {
    if (v !== null && !['string', 'number', 'boolean'].includes(typeof v)) {
      throw new InvalidArgument(`customFields.${key}`, `customFields.${key} must be text, a number or true/false`);
    }
  }
  return values;
}

/** Checks every given field on its own; cross-field rules come in newJob/patchJob. */
export function parseJobInput(raw: JobInputFields): JobPatch {
  const p: JobPatch = {};
  if (raw.title !== undefined) p.title = text('title', raw.title, LIMITS.title, { required: true });
  if (raw.description !== undefined) {
    p.description = text('description', raw.description, LIMITS.description, { multiline: true });
  }
  if (raw.category !== undefined) p.category = text('category', raw.category, 60) || null;
  if (raw.priority !== undefined) {
    const pr = raw.priority.trim().toLowerCase();
    if (!PRIORITIES.includes(pr as Priority)) {
      throw new InvalidArgument('priority', `priority must be one of ${PRIORITIES.join(', ')}`);
    }
    p.priority = pr as Priority;
  }
  if (raw.customerId !== undefined)
    p.customerId = raw.customerId.trim() === '' ? null : idValue('customerId', raw.customerId);
  if (raw.typeId !== undefined) p.typeId = raw.typeId.trim() === '' ? null : idValue('typeId', raw.typeId);
  if (raw.site !== undefined) p.site = site(raw.site);
  if (raw.startAt !== undefined) p.startAt = instant('startAt', raw.startAt);
  if (raw.dueAt !== undefined) p.dueAt = instant('dueAt', raw.dueAt);
  if (raw.scheduledStart !== undefined) p.scheduledStart = instant('scheduledStart', raw.scheduledStart);
  if (raw.scheduledEnd !== undefined) p.scheduledEnd = instant('scheduledEnd', raw.scheduledEnd);
  if (raw.percentComplete !== undefined) {
    if (!Number.isInteger(raw.percentComplete) || raw.percentComplete < 0 || raw.percentComplete > 100) {
      throw new InvalidArgument('percentComplete', 'percentComplete is a whole number from 0 to 100');
    }
    p.percentComplete = raw.percentComplete;
  }
  if (raw.estimatedHours !== undefined)
    p.estimatedHours = nonNegative('estimatedHours', raw.estimatedHours, LIMITS.hours);
  if (raw.billableHours !== undefined) p.billableHours = nonNegative('billableHours', raw.billableHours, LIMITS.hours);
  if (raw.billable !== undefined) p.billable = raw.billable;
  if (raw.billed !== undefined) p.billed = raw.billed;
  if (raw.quantity !== undefined) p.quantity = nonNegative('quantity', raw.quantity, LIMITS.measure);
  if (raw.price !== undefined) p.price = money('price', raw.price);
  if (raw.mileage !== undefined) p.mileage = nonNegative('mileage', raw.mileage, LIMITS.measure);
  if (raw.expenses !== undefined) p.expenses = money('expenses', raw.expenses);
  if (raw.contact !== undefined) p.contact = contact(raw.contact);
  if (raw.assigneeIds !== undefined) p.assigneeIds = idList('assigneeIds', raw.assigneeIds, LIMITS.assignees);
  if (raw.notifyIds !== undefined) p.notifyIds = idList('notifyIds', raw.notifyIds, LIMITS.notify);
  if (raw.tags !== undefined) p.tags = tags(raw.tags);
  if (raw.relatedJobIds !== undefined) p.relatedJobIds = idList('relatedJobIds', raw.relatedJobIds, LIMITS.related);
  if (raw.customFields !== undefined) p.customFields = customFieldValues(raw.customFields);
  if (raw.notifyClientOnChange !== undefined) p.notifyClientOnChange = raw.notifyClientOnChange;
  if (raw.notifyClientOnComplete !== undefined) p.notifyClientOnComplete = raw.notifyClientOnComplete;
  if (raw.regardingUserId !== undefined) {
    p.regardingUserId = raw.regardingUserId.trim() === '' ? null : idValue('regardingUserId', raw.regardingUserId);
  }
  (raw.clearedFields ?? []).forEach((name, i) => {
    const f = name as PatchField;
    if (!CLEARABLE.includes(f)) {
      throw new InvalidArgument(
        `clearedFields[${i}]`,
        `${name} cannot be cleared (clearable: ${CLEARABLE.join(', ')})`,
      );
    }
    if (p[f] !== undefined && p[f] !== null) {
      throw new InvalidArgument(`clearedFields[${i}]`, `${name} is both given and cleared`);
    }
    (p as Record<string, unknown>)[f] = null;
  });
  return p;
}

/** What the command looked up for the rules below (settings, the customer, the job type's fields). */
export interface JobRefs {
  settings: Pick<DirSettings, 'categories' | 'currency'>;
  /** The job's customer after the change, when it has one. */
  customer?: Pick<DirCustomer, 'id' | 'slaHours' | 'sites'>;
  /** Checks custom field values against the job's type; absent when the job has no type. */
  validateCustomFields?: (values: Readonly<Record<string, unknown>>) => Record<string, CustomFieldValue>;
}

function category(value: string | null | undefined, categories: readonly string[]): string {
  if (!value) return '';
  // Matched case-insensitively, stored as the tenant spells it.
  const found = categories.find((c) => c.toLowerCase() === value.toLowerCase());
  if (!found)
    throw new InvalidArgument('category', `category must be one of the tenant's categories: ${categories.join(', ')}`);
  return found;
}

function withCurrency(m: Money | null | undefined, currency: string): Money | undefined {
  if (!m) return undefined;
  return { amount: m.amount, currency: m.currency || currency };
}

function resolveSite(s: SiteInput | null | undefined, customer: JobRefs['customer']): JobSite | undefined {
  if (!s) return undefined;
  if (s.siteId === '') return { ...s };
  const known = customer?.sites.find((x) => x.id === s.siteId);
  if (!known) throw new InvalidArgument('site.siteId', "site.siteId is not one of the customer's sites");
  // The customer's site fills what the client did not give.
  return {
    siteId: s.siteId,
    address: s.address || known.address,
    lat: s.lat ?? known.lat,
    lng: s.lng ?? known.lng,
    radiusM: s.radiusM,
  };
}

/** The rules across fields every saved job keeps. */
export function checkJobInvariants(job: Job): void {
  if (job.dueAt && job.dueAt.getTime() < job.startAt.getTime()) {
    throw new InvalidArgument('dueAt', 'dueAt cannot be before startAt');
  }
  const hasStart = job.scheduledStart !== undefined;
  const hasEnd = job.scheduledEnd !== undefined;
  if (hasStart !== hasEnd) {
    throw new InvalidArgument(
      hasStart ? 'scheduledEnd' : 'scheduledStart',
      'a scheduled window needs both scheduledStart and scheduledEnd',
    );
  }
  if (job.scheduledStart && job.scheduledEnd && job.scheduledEnd.getTime() <= job.scheduledStart.getTime()) {
    throw new InvalidArgument('scheduledEnd', 'scheduledEnd must be after scheduledStart');
  }
  if (job.site?.siteId && !job.customerId) throw new InvalidArgument('site.siteId', 'a site id needs a customer');
}

export interface NewJobFacts {
  id: string;
  tenantId: string;
  seq: number;
  number: string;
  now: Date;
  createdBy: string;
  requesterId?: string;
  source: JobSource;
}

const HOUR_MS = 3_600_000;

/** A new job from a checked input: defaults (start now, due start + SLA, normal priority) and invariants. */
export function newJob(p: JobPatch, refs: JobRefs, facts: NewJobFacts): Job {
  if (p.title === undefined) throw new InvalidArgument('title', 'title is required');
  const startAt = p.startAt ?? facts.now;
  const dueAt =
    p.dueAt ??
    (refs.customer && refs.customer.slaHours > 0
      ? new Date(startAt.getTime() + refs.customer.slaHours * HOUR_MS)
      : undefined);
  const assigneeIds = p.assigneeIds ?? [];
  const job: Job = {
    id: facts.id,
    tenantId: facts.tenantId,
    seq: facts.seq,
    number: facts.number,
    title: p.title,
    description: p.description ?? '',
    category: category(p.category, refs.settings.categories),
    priority: p.priority ?? 'normal',
    status: assigneeIds.length > 0 ? 'assigned' : 'not_started',
    customerId: p.customerId ?? undefined,
    typeId: p.typeId ?? undefined,
    site: resolveSite(p.site, refs.customer),
    startAt,
    dueAt,
    scheduledStart: p.scheduledStart ?? undefined,
    scheduledEnd: p.scheduledEnd ?? undefined,
    completedAt: undefined,
    percentComplete: p.percentComplete ?? 0,
    estimatedHours: p.estimatedHours ?? 0,
    billableHours: p.billableHours ?? 0,
    billable: p.billable ?? false,
    billed: p.billed ?? false,
    quantity: p.quantity ?? 0,
    price: withCurrency(p.price, refs.settings.currency),
    mileage: p.mileage ?? 0,
    expenses: withCurrency(p.expenses, refs.settings.currency),
    contact: p.contact ?? { name: '', email: '', phone: '' },
    assigneeIds,
    notifyIds: p.notifyIds ?? [],
    participantIds: [],
    requesterId: facts.requesterId,
    regardingUserId: p.regardingUserId ?? undefined,
    tags: p.tags ?? [],
    relatedJobIds: p.relatedJobIds ?? [],
    customFields: refs.validateCustomFields ? refs.validateCustomFields(p.customFields ?? {}) : noFieldsWithoutType(p),
    notifyClientOnChange: p.notifyClientOnChange ?? false,
    notifyClientOnComplete: p.notifyClientOnComplete ?? false,
    delayCauses: [],
    scheduleConflict: false,
    source: facts.source,
    arrivedAt: undefined,
    departedAt: undefined,
    createdBy: facts.createdBy,
    createdAt: facts.now,
    updatedAt: facts.now,
    version: 1,
  };
  checkJobInvariants(job);
  return job;
}

function noFieldsWithoutType(p: JobPatch): Record<string, CustomFieldValue> {
  const given = Object.entries(p.customFields ?? {}).filter(([, v]) => v !== null && v !== '');
  if (given.length > 0) {
    throw new InvalidArgument(
      `customFields.${given[0][0]}`,
      'custom fields need a job type (typeId) that defines them',
    );
  }
  return {};
}

export interface Change {
  field: string;
  from: unknown;
  to: unknown;
}

/** Field by field, what differs between two versions of a job (for history). Bookkeeping is left out. */
export function diffJobs(before: Job, after: Job): Change[] {
  const skip = new Set(['version', 'updatedAt', 'seq']);
  const out: Change[] = [];
  for (const key of Object.keys(after) as (keyof Job)[]) {
    if (skip.has(key)) continue;
    const a = JSON.stringify(before[key] ?? null);
    const b = JSON.stringify(after[key] ?? null);
    if (a !== b) out.push({ field: key, from: before[key] ?? null, to: after[key] ?? null });
  }
  return out;
}

/**
 * The job after a checked PATCH (not yet versioned: the command bumps version and updatedAt when something
 * changed). Assignees are not set here: they go through assignment (status and conflicts).
 */
export function patchJob(current: Job, p: JobPatch, refs: JobRefs): Job {
  const next: Job = { ...current };
  const set = <K extends keyof Job>(key: K, value: Job[K]) => {
    next[key] = value;
  };
  if (p.title !== undefined) set('title', p.title);
  if (p.description !== undefined) set('description', p.description);
  if (p.category !== undefined) set('category', category(p.category, refs.settings.categories));
  if (p.priority !== undefined) set('priority', p.priority);
  if (p.customerId !== undefined) set('customerId', p.customerId ?? undefined);
  if (p.typeId !== undefined) set('typeId', p.typeId ?? undefined);
  if (p.site !== undefined) set('site', resolveSite(p.site, refs.customer));
  if (p.startAt !== undefined) set('startAt', p.startAt);
  if (p.dueAt !== undefined) set('dueAt', p.dueAt ?? undefined);
  if (p.scheduledStart !== undefined) set('scheduledStart', p.scheduledStart ?? undefined);
  if (p.scheduledEnd !== undefined) set('scheduledEnd', p.scheduledEnd ?? undefined);
  if (p.percentComplete !== undefined) set('percentComplete', p.percentComplete);
  if (p.estimatedHours !== undefined) set('estimatedHours', p.estimatedHours);
  if (p.billableHours !== undefined) set('billableHours', p.billableHours);
  if (p.billable !== undefined) set('billable', p.billable);
  if (p.billed !== undefined) set('billed', p.billed);
  if (p.quantity !== undefined) set('quantity', p.quantity);
  if (p.price !== undefined) set('price', withCurrency(p.price, refs.settings.currency));
  if (p.mileage !== undefined) set('mileage', p.mileage);
  if (p.expenses !== undefined) set('expenses', withCurrency(p.expenses, refs.settings.currency));
  if (p.contact !== undefined) set('contact', p.contact ?? { name: '', email: '', phone: '' });
  if (p.notifyIds !== undefined) set('notifyIds', p.notifyIds);
  if (p.tags !== undefined) set('tags', p.tags);
  if (p.relatedJobIds !== undefined) set('relatedJobIds', p.relatedJobIds);
  if (p.notifyClientOnChange !== undefined) set('notifyClientOnChange', p.notifyClientOnChange);
  if (p.notifyClientOnComplete !== undefined) set('notifyClientOnComplete', p.notifyClientOnComplete);
  if (p.regardingUserId !== undefined) set('regardingUserId', p.regardingUserId ?? undefined);
  // A changed type re-checks the values kept; values given are checked against the (new) type.
  if (p.customFields !== undefined || p.typeId !== undefined) {
    const values = p.customFields ?? (p.typeId === null ? {} : current.customFields);
    set(
      'customFields',
      refs.validateCustomFields ? refs.validateCustomFields(values) : noFieldsWithoutType({ customFields: values }),
    );
  }
  checkJobInvariants(next);
  return next;
}
