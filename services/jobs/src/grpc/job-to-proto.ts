// A domain Job as the proto Job, in the view the caller is entitled to (clients and guests: restricted).
import type { Caller } from '@fieldline/platform';
import type { jobs } from '@fieldline/proto';
import type { Job } from '../domain/job.js';
import { seesRestrictedView } from '../domain/job-visibility.js';

/** The full job, as events carry it (consumers are other services, not people). */
export function fullJobToProto(j: Job): jobs.Job {
  return {
    id: j.id,
    tenantId: j.tenantId,
    number: j.number,
    title: j.title,
    description: j.description,
    category: j.category,
    priority: j.priority,
    status: j.status,
    customerId: j.customerId ?? '',
    site: j.site
      ? {
          siteId: j.site.siteId,
          address: j.site.address,
          lat: j.site.lat ?? 0,
          lng: j.site.lng ?? 0,
          radiusM: j.site.radiusM,
          hasCoordinates: j.site.lat !== undefined && j.site.lng !== undefined,
        }
      : undefined,
    startAt: j.startAt,
    dueAt: j.dueAt,
    scheduledStart: j.scheduledStart,
    scheduledEnd: j.scheduledEnd,
    completedAt: j.completedAt,
    percentComplete: j.percentComplete,
    estimatedHours: j.estimatedHours,
    billableHours: j.billableHours,
    billable: j.billable,
    billed: j.billed,
    quantity: j.quantity,
    price: j.price ? { ...j.price } : undefined,
    mileage: j.mileage,
    expenses: j.expenses ? { ...j.expenses } : undefined,
    contact: { ...j.contact },
    assigneeIds: [...j.assigneeIds],
    notifyIds: [...j.notifyIds],
    participantIds: [...j.participantIds],
    requesterId: j.requesterId ?? '',
    tags: [...j.tags],
    relatedJobIds: [...j.relatedJobIds],
    customFields: { ...j.customFields },
    typeId: j.typeId ?? '',
    notifyClientOnChange: j.notifyClientOnChange,
    notifyClientOnComplete: j.notifyClientOnComplete,
    delayCauses: [...j.delayCauses],
    scheduleConflict: j.scheduleConflict,
    source: j.source,
    regardingUserId: j.regardingUserId ?? '',
    createdBy: j.createdBy,
    createdAt: j.createdAt,
    updatedAt: j.updatedAt,
    version: j.version,
    restrictedView: false,
  };
}

/** The job as `caller` may see it: clients and guests get no prices, hours, billing or internal fields. */
export function toProtoJob(j: Job, caller: Pick<Caller, 'role'>): jobs.Job {
  const full = fullJobToProto(j);
  if (!seesRestrictedView(caller)) return full;
  return {
    ...full,
    price: undefined,
    expenses: undefined,
    estimatedHours: 0,
    billableHours: 0,
    billable: false,
    billed: false,
    quantity: 0,
    mileage: 0,
    customFields: undefined,
    scheduleConflict: false,
    notifyIds: [],
    restrictedView: true,
  };
}
