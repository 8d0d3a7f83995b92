// The proto JobInput as the domain's raw input: optional fields stay undefined when not sent, StringLists
// become arrays only when present (so "not given" and "empty" differ in a PATCH).
import type { jobs } from '@fieldline/proto';
import type { JobInputFields } from '../domain/job-input.js';

export function jobInputFromProto(i: jobs.JobInput | undefined): JobInputFields {
  if (!i) return {};
  return {
    title: i.title,
    description: i.description,
    category: i.category,
    priority: i.priority,
    customerId: i.customerId,
    site: i.site
      ? {
          siteId: i.site.siteId,
          address: i.site.address,
          lat: i.site.lat,
          lng: i.site.lng,
          radiusM: i.site.radiusM,
          hasCoordinates: i.site.hasCoordinates,
        }
      : undefined,
    startAt: i.startAt,
    dueAt: i.dueAt,
    scheduledStart: i.scheduledStart,
    scheduledEnd: i.scheduledEnd,
    percentComplete: i.percentComplete,
    estimatedHours: i.estimatedHours,
    billableHours: i.billableHours,
    billable: i.billable,
    billed: i.billed,
    quantity: i.quantity,
    price: i.price ? { amount: i.price.amount, currency: i.price.currency } : undefined,
    mileage: i.mileage,
    expenses: i.expenses ? { amount: i.expenses.amount, currency: i.expenses.currency } : undefined,
    contact: i.contact ? { ...i.contact } : undefined,
    assigneeIds: i.assigneeIds?.values,
    notifyIds: i.notifyIds?.values,
    tags: i.tags?.values,
    relatedJobIds: i.relatedJobIds?.values,
    customFields: i.customFields,
    typeId: i.typeId,
    notifyClientOnChange: i.notifyClientOnChange,
    notifyClientOnComplete: i.notifyClientOnComplete,
    regardingUserId: i.regardingUserId,
    clearedFields: i.clearedFields,
  };
}
