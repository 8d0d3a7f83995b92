// A job as the domain sees it (no proto, no SQL), with its wire values for status, priority and source.

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
export type JobStatus = (typeof JOB_STATUSES)[number];

export const PRIORITIES = ['low', 'normal', 'high'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const PRIORITY_RANK: Record<Priority, number> = { low: 1, normal: 2, high: 3 };

/** Where a job came from. dashboard/portal/api through CreateJob, form/voip through public intake. */
export const JOB_SOURCES = ['dashboard', 'portal', 'api', 'form', 'voip'] as const;
export type JobSource = (typeof JOB_SOURCES)[number];

export const DELAY_CAUSES = ['past_due', 'late_start'] as const;
export type DelayCause = (typeof DELAY_CAUSES)[number];

/** Statuses after which a job needs no more work (and cannot be late or conflict with a schedule). */
export const CLOSED_STATUSES: readonly JobStatus[] = ['done', 'cancelled'];

export function isOpen(status: JobStatus): boolean {
  return !CLOSED_STATUSES.includes(status);
}

export interface Money {
  /** Integer minor units (cents). */
  amount: number;
  currency: string;
}

export interface JobSite {
  siteId: string;
  address: string;
  lat?: number;
  lng?: number;
  radiusM: number;
}

export interface JobContact {
  name: string;
  email: string;
  phone: string;
}

export type CustomFieldValue = string | number | boolean;

export interface Job {
  id: string;
  tenantId: string;
  /** The per-tenant sequence number behind `number`. */
  seq: number;
  number: string;
  title: string;
  description: string;
  category: string;
  priority: Priority;
  status: JobStatus;
  customerId?: string;
  typeId?: string;
  site?: JobSite;
  startAt: Date;
  dueAt?: Date;
  scheduledStart?: Date;
  scheduledEnd?: Date;
  completedAt?: Date;
  percentComplete: number;
  estimatedHours: number;
  billableHours: number;
  billable: boolean;
  billed: boolean;
  quantity: number;
  price?: Money;
  mileage: number;
  expenses?: Money;
  contact: JobContact;
  assigneeIds: string[];
  notifyIds: string[];
  participantIds: string[];
  /** Who asked for the job: fixed at creation (the creator, or the client for portal and form requests). */
  requesterId?: string;
  regardingUserId?: string;
  tags: string[];
  relatedJobIds: string[];
  customFields: Record<string, CustomFieldValue>;
  notifyClientOnChange: boolean;
  notifyClientOnComplete: boolean;
  delayCauses: DelayCause[];
  scheduleConflict: boolean;
  source: JobSource;
  arrivedAt?: Date;
  departedAt?: Date;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  version: number;
}

/** The fields a client or guest never sees (prices, internal bookkeeping). */
export const RESTRICTED_FIELDS = [
  'price',
  'expenses',
  'billableHours',
  'billable',
  'billed',
  'quantity',
  'mileage',
  'estimatedHours',
  'customFields',
  'scheduleConflict',
  'notifyIds',
] as const satisfies readonly (keyof Job)[];
