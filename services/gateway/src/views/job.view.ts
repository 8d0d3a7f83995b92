// A job as the API shows it, and how it is made from the jobs service's message (the caller's view: clients
// and guests get the internal fields as null).
import type { jobs } from '@fieldline/proto';
import { Type } from '@sinclair/typebox';
import { iso, Nullable, orNull, Timestamp } from './common.js';

export const JOB_STATUSES = [
  'not_started',
  'assigned',
  'accepted',
  'rejected',
  'in_progress',
  'waiting_on_customer',
  'done',
  'cancelled',
] as const;
export const JOB_PRIORITIES = ['low', 'normal', 'high'] as const;

export const JobStatus = Type.Union(
  JOB_STATUSES.map((s) => Type.Literal(s)),
  { description: JOB_STATUSES.join(' | ') },
);
export const JobPriority = Type.Union(
  JOB_PRIORITIES.map((p) => Type.Literal(p)),
  { description: JOB_PRIORITIES.join(' | ') },
);

const hidden = (description: string) => `${description}; null when hidden from you (clients and guests)`;

export const MoneyView = Type.Object({
  amount: Type.Integer({ description: 'integer minor units (cents)' }),
  currency: Type.String({ description: 'ISO 4217' }),
});

export const JobSiteView = Type.Object({
  siteId: Nullable(Type.String({ description: "one of the customer's sites" })),
  address: Type.String(),
  lat: Nullable(Type.Number()),
  lng: Nullable(Type.Number()),
  radiusM: Type.Number({ description: 'geofence radius around the site, metres' }),
});

export const JobView = Type.Object(
  {
    id: Type.String(),
    number: Type.String({ description: 'e.g. ACME-TASK-42' }),
    title: Type.String(),
    description: Type.String(),
    category: Nullable(Type.String()),
    priority: JobPriority,
    status: JobStatus,
    customerId: Nullable(Type.String()),
    site: Nullable(JobSiteView),
    startAt: Nullable(Timestamp()),
    dueAt: Nullable(Timestamp()),
    scheduledStart: Nullable(Timestamp()),
    scheduledEnd: Nullable(Timestamp()),
    completedAt: Nullable(Timestamp()),
    percentComplete: Type.Integer({ minimum: 0, maximum: 100 }),
    estimatedHours: Nullable(Type.Number({ description: hidden('hours') })),
    billableHours: Nullable(Type.Number({ description: hidden('hours') })),
    billable: Nullable(Type.Boolean({ description: hidden('billable flag') })),
    billed: Nullable(Type.Boolean({ description: hidden('billed flag') })),
    quantity: Nullable(Type.Number({ description: hidden('quantity') })),
    price: Nullable(MoneyView),
    mileage: Nullable(Type.Number({ description: hidden('mileage') })),
    expenses: Nullable(MoneyView),
    contact: Type.Object({
      name: Nullable(Type.String()),
      email: Nullable(Type.String()),
      phone: Nullable(Type.String()),
    }),
    assigneeIds: Type.Array(Type.String()),
    notifyIds: Type.Array(Type.String(), { description: 'people informed of changes' }),
    participantIds: Type.Array(Type.String()),
    requesterId: Nullable(Type.String({ description: 'who asked for the job; never changes' })),
    regardingUserId: Nullable(Type.String({ description: 'the user the job is about, besides its customer' })),
    tags: Type.Array(Type.String()),
    relatedJobIds: Type.Array(Type.String()),
    customFields: Nullable(
      Type.Record(Type.String(), Type.Unknown(), { description: hidden("values of the job type's custom fields") }),
    ),
    typeId: Nullable(Type.String()),
    notifyClientOnChange: Type.Boolean(),
    notifyClientOnComplete: Type.Boolean(),
    delayed: Type.Boolean(),
    delayCauses: Type.Array(Type.String(), { description: 'past_due, late_start' }),
    scheduleConflict: Type.Boolean({ description: 'assigned into an overlapping window with force' }),
    source: Type.String({ description: 'dashboard | portal | form | api | voip' }),
    createdBy: Nullable(Type.String()),
    createdAt: Nullable(Timestamp()),
    updatedAt: Nullable(Timestamp()),
    version: Type.Integer({ description: 'send back in PATCH; a stale one is refused (409)' }),
  },
  { $id: 'Job' },
);

const money = (m: jobs.Money | undefined) => (m ? { amount: m.amount, currency: m.currency } : null);

export function toJobView(j: jobs.Job | undefined) {
  if (!j) throw new Error('jobs answered without a job');
  // Restricted: the service zeroed these; null tells the client "not yours to see", not "zero".
  const internal = <T>(value: T): T | null => (j.restrictedView ? null : value);
  return {
    id: j.id,
    number: j.number,
    title: j.title,
    description: j.description,
    category: orNull(j.category),
    priority: j.priority,
    status: j.status,
    customerId: orNull(j.customerId),
    site: j.site
      ? {
          siteId: orNull(j.site.siteId),
          address: j.site.address,
          lat: j.site.hasCoordinates ? j.site.lat : null,
          lng: j.site.hasCoordinates ? j.site.lng : null,
          radiusM: j.site.radiusM,
        }
      : null,
    startAt: iso(j.startAt),
    dueAt: iso(j.dueAt),
    scheduledStart: iso(j.scheduledStart),
    scheduledEnd: iso(j.scheduledEnd),
    completedAt: iso(j.completedAt),
    percentComplete: j.percentComplete,
    estimatedHours: internal(j.estimatedHours),
    billableHours: internal(j.billableHours),
    billable: internal(j.billable),
    billed: internal(j.billed),
    quantity: internal(j.quantity),
    price: money(j.price),
    mileage: internal(j.mileage),
    expenses: money(j.expenses),
    contact: { name: orNull(j.contact?.name), email: orNull(j.contact?.email), phone: orNull(j.contact?.phone) },
    assigneeIds: j.assigneeIds,
    notifyIds: j.notifyIds,
    participantIds: j.participantIds,
    requesterId: orNull(j.requesterId),
    regardingUserId: orNull(j.regardingUserId),
    tags: j.tags,
    relatedJobIds: j.relatedJobIds,
    customFields: internal(j.customFields ?? {}),
    typeId: orNull(j.typeId),
    notifyClientOnChange: j.notifyClientOnChange,
    notifyClientOnComplete: j.notifyClientOnComplete,
    delayed: j.delayCauses.length > 0,
    delayCauses: j.delayCauses,
    scheduleConflict: j.scheduleConflict,
    source: j.source,
    createdBy: orNull(j.createdBy),
    createdAt: iso(j.createdAt),
    updatedAt: iso(j.updatedAt),
    version: j.version,
  };
}
