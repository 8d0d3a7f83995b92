// The editable fields of a job as request bodies (create and PATCH) and their translation to the jobs service's
// JobInput: only the fields sent, and an explicit null in a PATCH as a cleared field.
import type { jobs } from '@fieldline/proto';
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { ValidationFailed } from '../http/http-error.js';
import { Email, Id, Nullable, Timestamp } from '../views/common.js';
import { JobPriority } from '../views/job.view.js';

// Bounds the jobs service applies too (services/jobs/src/domain/job-input.ts LIMITS): checked here first so a
// plainly bad value never costs a call, and so the OpenAPI document states them.
const MAX_HOURS = 100_000;
const MAX_MEASURE = 1e9;
const MAX_AMOUNT = 1e13;

const IdList = (max: number, description?: string) =>
  Type.Array(Id(), { maxItems: max, uniqueItems: true, description });

const MoneyInput = Type.Object(
  {
    amount: Type.Integer({ minimum: 0, maximum: MAX_AMOUNT, description: 'integer minor units (cents)' }),
    currency: Type.Optional(
      Type.String({ pattern: '^[A-Z]{3}$', maxLength: 3, description: "ISO 4217; the tenant's currency if omitted" }),
    ),
  },
  { additionalProperties: false },
);

const SiteInput = Type.Object(
  {
    siteId: Type.Optional(Id("one of the customer's sites; fills address and coordinates not given")),
    address: Type.Optional(Type.String({ maxLength: 500 })),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    radiusM: Type.Optional(Type.Number({ minimum: 0, maximum: 100_000, description: 'geofence radius, metres' })),
  },
  { additionalProperties: false },
);

const ContactInput = Type.Object(
  {
    name: Type.Optional(Type.String({ maxLength: 200 })),
    email: Type.Optional(Email),
    phone: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: false },
);

const CustomFieldValue = Type.Union([Type.String({ maxLength: 10_000 }), Type.Number(), Type.Boolean(), Type.Null()], {
  errorMessage: 'must be text, a number, true, false or null',
});
const CustomFields = Type.Record(Type.String({ pattern: '^[a-zA-Z][a-zA-Z0-9_]{0,39}$' }), CustomFieldValue, {
  maxProperties: 100,
  additionalProperties: false,
  description: "values for the job type's custom fields (checked against its schema by the jobs service)",
});

/** Every field a client may set on a job, each optional; `nullable` marks the ones a PATCH may clear. */
function fields(nullable: boolean) {
  const clearable = <T extends TSchema>(schema: T) => (nullable ? Nullable(schema) : schema);
  return {
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 10_000 })),
    category: Type.Optional(clearable(Type.String({ maxLength: 60, description: "one of the tenant's categories" }))),
    priority: Type.Optional(JobPriority),
    customerId: Type.Optional(clearable(Id())),
    typeId: Type.Optional(clearable(Id('the job type whose custom fields apply'))),
    regardingUserId: Type.Optional(clearable(Id('the user the job is about'))),
    site: Type.Optional(clearable(SiteInput)),
    startAt: Type.Optional(Timestamp('defaults to now')),
    dueAt: Type.Optional(clearable(Timestamp("defaults to startAt + the customer's SLA hours"))),
    scheduledStart: Type.Optional(clearable(Timestamp())),
    scheduledEnd: Type.Optional(clearable(Timestamp())),
    percentComplete: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    estimatedHours: Type.Optional(Type.Number({ minimum: 0, maximum: MAX_HOURS })),
    billableHours: Type.Optional(Type.Number({ minimum: 0, maximum: MAX_HOURS })),
    billable: Type.Optional(Type.Boolean()),
    billed: Type.Optional(Type.Boolean()),
    quantity: Type.Optional(Type.Number({ minimum: 0, maximum: MAX_MEASURE })),
    price: Type.Optional(clearable(MoneyInput)),
    mileage: Type.Optional(Type.Number({ minimum: 0, maximum: MAX_MEASURE })),
    expenses: Type.Optional(clearable(MoneyInput)),
    contact: Type.Optional(clearable(ContactInput)),
    assigneeIds: Type.Optional(IdList(20)),
    notifyIds: Type.Optional(IdList(100, 'people to inform of changes')),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 50 })),
    relatedJobIds: Type.Optional(IdList(50)),
    customFields: Type.Optional(CustomFields),
    notifyClientOnChange: Type.Optional(Type.Boolean()),
    notifyClientOnComplete: Type.Optional(Type.Boolean()),
  };
}

const { title: _optionalTitle, ...createFields } = fields(false);
export const CreateJobBody = Type.Object(
  { title: Type.String({ minLength: 1, maxLength: 200 }), ...createFields },
  { additionalProperties: false },
);

export const UpdateJobBody = Type.Object(
  {
    ...fields(true),
    version: Type.Integer({ minimum: 0, maximum: 2147483647, description: 'the version you read; stale → 409' }),
  },
  { additionalProperties: false, description: 'only the fields sent change; null clears a field that may be empty' },
);

export type CreateJobBody = Static<typeof CreateJobBody>;
export type UpdateJobBody = Static<typeof UpdateJobBody>;

// Fields a job has but no PATCH sets: each has its own route or is the service's to keep.
const READ_ONLY: Record<string, string> = {
  id: 'cannot be changed',
  number: 'is given by the tenant sequence',
  status: 'changes through POST /v1/jobs/{id}/transition, /accept, /reject or /complete',
  participantIds: 'grows through POST /v1/jobs/{id}/participants',
  requesterId: 'never changes',
  createdBy: 'cannot be changed',
  createdAt: 'cannot be changed',
  updatedAt: 'cannot be changed',
  completedAt: 'is set by POST /v1/jobs/{id}/complete',
  delayed: 'is set by the delay check',
  delayCauses: 'are set by the delay check',
  scheduleConflict: 'is set by POST /v1/jobs/{id}/assign',
  source: 'cannot be changed',
};

/** preValidation hook of job bodies: a read-only field is refused with where it does change, not as unknown. */
export async function refuseReadOnlyFields(request: FastifyRequest): Promise<void> {
  const body = request.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return;
  const field = Object.keys(body).find((k) => Object.hasOwn(READ_ONLY, k));
  if (field) throw new ValidationFailed(`${field} ${READ_ONLY[field]}`, field);
}

const at = (value: string | null | undefined) => (typeof value === 'string' ? new Date(value) : undefined);
const list = (values: string[] | undefined) => (values === undefined ? undefined : { values });

type AnyJobBody = Partial<CreateJobBody> | Omit<UpdateJobBody, 'version'>;

function site(s: Static<typeof SiteInput>): jobs.JobSite {
  // One coordinate without the other would be read as 0: a point in the Gulf of Guinea.
  if ((s.lat === undefined) !== (s.lng === undefined)) {
    const missing = s.lat === undefined ? 'site.lat' : 'site.lng';
    throw new ValidationFailed(
      `${missing} is required with ${missing === 'site.lat' ? 'site.lng' : 'site.lat'}`,
      missing,
    );
  }
  return {
    siteId: s.siteId ?? '',
    address: s.address ?? '',
    lat: s.lat ?? 0,
    lng: s.lng ?? 0,
    radiusM: s.radiusM ?? 0,
    hasCoordinates: s.lat !== undefined && s.lng !== undefined,
  };
}

const money = (m: Static<typeof MoneyInput>): jobs.Money => ({ amount: m.amount, currency: m.currency ?? '' });

/** The body as the service's JobInput: absent stays absent, null becomes a cleared field (camelCase name). */
export function toJobInput(body: AnyJobBody): jobs.JobInput {
  const b = body as Record<string, unknown> & Partial<CreateJobBody>;
  const cleared = Object.keys(b).filter((k) => b[k] === null);
  const value = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);
  const s = value(b.site);
  const price = value(b.price);
  const expenses = value(b.expenses);
  const contact = value(b.contact);
  return {
    title: b.title,
    description: b.description,
    category: value(b.category),
    priority: b.priority,
    customerId: value(b.customerId),
    typeId: value(b.typeId),
    regardingUserId: value(b.regardingUserId),
    site: s ? site(s) : undefined,
    startAt: at(b.startAt),
    dueAt: at(b.dueAt),
    scheduledStart: at(b.scheduledStart),
    scheduledEnd: at(b.scheduledEnd),
    percentComplete: b.percentComplete,
    estimatedHours: b.estimatedHours,
    billableHours: b.billableHours,
    billable: b.billable,
    billed: b.billed,
    quantity: b.quantity,
    price: price ? money(price) : undefined,
    mileage: b.mileage,
    expenses: expenses ? money(expenses) : undefined,
    contact: contact ? { name: contact.name ?? '', email: contact.email ?? '', phone: contact.phone ?? '' } : undefined,
    assigneeIds: list(b.assigneeIds),
    notifyIds: list(b.notifyIds),
    tags: list(b.tags),
    relatedJobIds: list(b.relatedJobIds),
    customFields: b.customFields,
    notifyClientOnChange: b.notifyClientOnChange,
    notifyClientOnComplete: b.notifyClientOnComplete,
    clearedFields: cleared,
  };
}
