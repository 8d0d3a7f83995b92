// A job row ⇄ the domain Job: nullable columns become optional fields, money and site columns regroup.
import type { Selectable } from 'kysely';
import type { CustomFieldValue, DelayCause, Job, JobSource, JobStatus, Priority } from '../domain/job.js';
import { PRIORITY_RANK } from '../domain/job.js';
import type { JobsTable } from './schema.js';

export type JobRow = Selectable<JobsTable>;
/** The columns a save writes (generated ones left out). */
export type JobValues = Omit<JobRow, 'due_sort' | 'search' | 'custom_fields'> & { custom_fields: string };

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

export function rowToJob(r: JobRow): Job {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    seq: Number(r.seq),
    number: r.number,
    title: r.title,
    description: r.description,
    category: r.category,
    priority: r.priority as Priority,
    status: r.status as JobStatus,
    customerId: opt(r.customer_id),
    typeId: opt(r.type_id),
    site:
      r.site_address !== '' || r.site_id !== '' || r.site_lat !== null
        ? {
            siteId: r.site_id,
            address: r.site_address,
            lat: opt(r.site_lat),
            lng: opt(r.site_lng),
            radiusM: r.site_radius_m,
          }
        : undefined,
    startAt: r.start_at,
    dueAt: opt(r.due_at),
    scheduledStart: opt(r.scheduled_start),
    scheduledEnd: opt(r.scheduled_end),
    completedAt: opt(r.completed_at),
    percentComplete: r.percent_complete,
    estimatedHours: r.estimated_hours,
    billableHours: r.billable_hours,
    billable: r.billable,
    billed: r.billed,
    quantity: r.quantity,
    price: r.price_amount === null ? undefined : { amount: Number(r.price_amount), currency: r.price_currency ?? '' },
    mileage: r.mileage,
    expenses:
      r.expenses_amount === null
        ? undefined
        : { amount: Number(r.expenses_amount), currency: r.expenses_currency ?? '' },
    contact: { name: r.contact_name, email: r.contact_email, phone: r.contact_phone },
    assigneeIds: r.assignee_ids,
    notifyIds: r.notify_ids,
    participantIds: r.participant_ids,
    requesterId: opt(r.requester_id),
    regardingUserId: opt(r.regarding_user_id),
    tags: r.tags,
    relatedJobIds: r.related_job_ids,
    customFields: (r.custom_fields ?? {}) as Record<string, CustomFieldValue>,
    notifyClientOnChange: r.notify_client_on_change,
    notifyClientOnComplete: r.notify_client_on_complete,
    delayCauses: r.delay_causes as DelayCause[],
    scheduleConflict: r.schedule_conflict,
    source: r.source as JobSource,
    arrivedAt: opt(r.arrived_at),
    departedAt: opt(r.departed_at),
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: r.version,
  };
}

export function jobToValues(j: Job, idempotencyKey: string | null = null): JobValues {
  return {
    id: j.id,
    tenant_id: j.tenantId,
    seq: j.seq,
    number: j.number,
    title: j.title,
    description: j.description,
    category: j.category,
    priority: j.priority,
    priority_rank: PRIORITY_RANK[j.priority],
    status: j.status,
    customer_id: j.customerId ?? null,
    type_id: j.typeId ?? null,
    site_id: j.site?.siteId ?? '',
    site_address: j.site?.address ?? '',
    site_lat: j.site?.lat ?? null,
    site_lng: j.site?.lng ?? null,
    site_radius_m: j.site?.radiusM ?? 0,
    start_at: j.startAt,
    due_at: j.dueAt ?? null,
    scheduled_start: j.scheduledStart ?? null,
    scheduled_end: j.scheduledEnd ?? null,
    completed_at: j.completedAt ?? null,
    percent_complete: j.percentComplete,
    estimated_hours: j.estimatedHours,
    billable_hours: j.billableHours,
    billable: j.billable,
    billed: j.billed,
    quantity: j.quantity,
    price_amount: j.price?.amount ?? null,
    price_currency: j.price?.currency ?? null,
    mileage: j.mileage,
    expenses_amount: j.expenses?.amount ?? null,
    expenses_currency: j.expenses?.currency ?? null,
    contact_name: j.contact.name,
    contact_email: j.contact.email,
    contact_phone: j.contact.phone,
    assignee_ids: j.assigneeIds,
    notify_ids: j.notifyIds,
    participant_ids: j.participantIds,
    requester_id: j.requesterId ?? null,
    regarding_user_id: j.regardingUserId ?? null,
    tags: j.tags,
    related_job_ids: j.relatedJobIds,
    custom_fields: JSON.stringify(j.customFields),
    notify_client_on_change: j.notifyClientOnChange,
    notify_client_on_complete: j.notifyClientOnComplete,
    delay_causes: j.delayCauses,
    schedule_conflict: j.scheduleConflict,
    source: j.source,
    arrived_at: j.arrivedAt ?? null,
    departed_at: j.departedAt ?? null,
    idempotency_key: idempotencyKey,
    created_by: j.createdBy,
    created_at: j.createdAt,
    updated_at: j.updatedAt,
    version: j.version,
  };
}
