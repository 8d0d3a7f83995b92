// Tenant settings: the defaults a new tenant starts with and the validation of every change, naming the field.
import { InvalidArgument } from '@fieldline/platform';
import { StaleVersion } from './errors.js';
import { expectedVersion, intInRange } from './fields.js';
import { ROLES, type Role } from './roles.js';

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

export interface Settings {
  tenantId: string;
  dispatchEnabled: boolean;
  autoLoggingEnabled: boolean;
  minOnSiteSeconds: number;
  categories: string[];
  taskNumberFormat: string;
  allowedUploadTypes: string[];
  maxUploadBytes: number;
  invitationTtlHours: number;
  timezone: string;
  currency: string;
  jobCreationBlockedRoles: Role[];
  positionStaleSeconds: number;
  /** The unguessable key of the tenant's public request form. */
  formKey: string;
  formPrimaryColor: string;
  formLogoUrl: string;
  soldStatuses: JobStatus[];
  version: number;
  updatedAt: Date;
}

/** What a client may change: everything but identity, the form key and bookkeeping. */
export type SettingsPatch = Partial<
  Omit<Settings, 'tenantId' | 'formKey' | 'version' | 'updatedAt' | 'jobCreationBlockedRoles' | 'soldStatuses'> & {
    jobCreationBlockedRoles: string[];
    soldStatuses: string[];
  }
> & { version?: number };

export const DEFAULT_CATEGORIES = [
  'Appointment',
  'Bug Fix',
  'Maintenance',
  'Phone Call',
  'Project',
  'Training',
  'Installation',
  'Inspection',
  'Repair',
  'Other',
];

export const DEFAULT_UPLOAD_TYPES = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/heic',
  'application/pdf',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'video/mp4',
  'text/plain',
];

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

export function defaultSettings(
  tenantId: string,
  opts: { invitationTtlHours: number; formKey: string; now: Date },
): Settings {
  return {
    tenantId,
    dispatchEnabled: true,
    autoLoggingEnabled: true,
    minOnSiteSeconds: 120,
    categories: [...DEFAULT_CATEGORIES],
    taskNumberFormat: '{code}-TASK-{n}',
    allowedUploadTypes: [...DEFAULT_UPLOAD_TYPES],
    maxUploadBytes: 25 * MIB,
    invitationTtlHours: opts.invitationTtlHours,
    timezone: 'UTC',
    currency: 'USD',
    jobCreationBlockedRoles: [],
    positionStaleSeconds: 300,
    formKey: opts.formKey,
    formPrimaryColor: '#1f6feb',
    formLogoUrl: '',
    soldStatuses: ['done'],
    version: 1,
    updatedAt: opts.now,
  };
}

/** The settings after `patch`, every given field validated; unchanged settings keep their version. */
export function updateSettings(
  current: Settings,
  patch: SettingsPatch,
  now: Date,
): { next: Settings; changed: boolean; changedFields: string[] } {
  const version = expectedVersion(patch.version);
  if (version !== undefined && version !== current.version) throw new StaleVersion('settings', current.version);
  const next: Settings = { ...current };
  if (patch.dispatchEnabled !== undefined) next.dispatchEnabled = patch.dispatchEnabled;
  if (patch.autoLoggingEnabled !== undefined) next.autoLoggingEnabled = patch.autoLoggingEnabled;
  if (patch.minOnSiteSeconds !== undefined) {
    next.minOnSiteSeconds = intInRange('minOnSiteSeconds', patch.minOnSiteSeconds, 0, 86_400);
  }
  if (patch.categories !== undefined) next.categories = categories(patch.categories);
  if (patch.taskNumberFormat !== undefined) next.taskNumberFormat = taskNumberFormat(patch.taskNumberFormat);
  if (patch.allowedUploadTypes !== undefined) next.allowedUploadTypes = mimeTypes(patch.allowedUploadTypes);
  if (patch.maxUploadBytes !== undefined) {
    next.maxUploadBytes = intInRange('maxUploadBytes', patch.maxUploadBytes, 1, GIB);
  }
  if (patch.invitationTtlHours !== undefined) {
    next.invitationTtlHours = intInRange('invitationTtlHours', patch.invitationTtlHours, 1, 720);
  }
  if (patch.timezone !== undefined) next.timezone = timezone(patch.timezone);
  if (patch.currency !== undefined) next.currency = currency(patch.currency);
  if (patch.jobCreationBlockedRoles !== undefined) {
    next.jobCreationBlockedRoles = blockedRoles(patch.jobCreationBlockedRoles);
  }
  if (patch.positionStaleSeconds !== undefined) {
    next.positionStaleSeconds = intInRange('positionStaleSeconds', patch.positionStaleSeconds, 10, 86_400);
  }
  if (patch.formPrimaryColor !== undefined) next.formPrimaryColor = colour(patch.formPrimaryColor);
  if (patch.formLogoUrl !== undefined) next.formLogoUrl = logoUrl(patch.formLogoUrl);
  if (patch.soldStatuses !== undefined) next.soldStatuses = soldStatuses(patch.soldStatuses);

  const changedFields = (Object.keys(next) as (keyof Settings)[]).filter(
    (k) => JSON.stringify(next[k]) !== JSON.stringify(current[k]),
  );
  if (changedFields.length > 0) {
    next.version = current.version + 1;
    next.updatedAt = now;
  }
  return { next, changed: changedFields.length > 0, changedFields };
}

function list(field: string, values: string[], max: number): string[] {
  if (values.length > max) throw new InvalidArgument(field, `${field} can have at most ${max} entries`);
  return values.map((v) => v.trim());
}

function unique(field: string, values: string[], key = (v: string) => v): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(key(v))) throw new InvalidArgument(`${field}[${i}]`, `${field} has "${v}" twice`);
    seen.add(key(v));
  });
}

function categories(values: string[]): string[] {
  const out = list('categories', values, 200);
  if (out.length === 0) throw new InvalidArgument('categories', 'categories needs at least one category');
  out.forEach((c, i) => {
    if (c === '' || [...c].length > 60 || /\p{Cc}/u.test(c)) {
      throw new InvalidArgument(`categories[${i}]`, 'a category has 1 to 60 characters');
    }
  });
  // "Repair" and "repair" would be two entries in a menu that look the same.
  unique('categories', out, (c) => c.toLowerCase());
  return out;
}

const PLACEHOLDERS = ['{code}', '{n}', '{yyyy}'];

function taskNumberFormat(value: string): string {
  const format = value.trim();
  if (format === '' || format.length > 60) {
    throw new InvalidArgument('taskNumberFormat', 'taskNumberFormat has 1 to 60 characters');
  }
  if (!format.includes('{n}')) {
    throw new InvalidArgument('taskNumberFormat', 'taskNumberFormat must contain {n}, the job number');
  }
  const rest = PLACEHOLDERS.reduce((s, p) => s.replaceAll(p, ''), format);
  if (/[{}]/.test(rest)) {
    throw new InvalidArgument(
      'taskNumberFormat',
      `taskNumberFormat may only use the placeholders ${PLACEHOLDERS.join(' ')}`,
    );
  }
  if (/\p{Cc}/u.test(format)) throw new InvalidArgument('taskNumberFormat', 'taskNumberFormat has control characters');
  return format;
}

// type/subtype with RFC 6838 restricted-name characters; parameters are not part of an allow-list entry.
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

function mimeTypes(values: string[]): string[] {
  const out = list('allowedUploadTypes', values, 100).map((v) => v.toLowerCase());
  out.forEach((t, i) => {
    if (!MIME.test(t))
      throw new InvalidArgument(`allowedUploadTypes[${i}]`, `"${t}" is not a MIME type (type/subtype)`);
  });
  unique('allowedUploadTypes', out);
  return out;
}

function timezone(value: string): string {
  const tz = value.trim();
  // Only IANA names ("Europe/Paris", "UTC"): DateTimeFormat alone would also take offsets in newer engines.
  let ok = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(tz) && tz.length <= 64;
  if (ok) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
    } catch {
      ok = false;
    }
  }
  if (!ok) throw new InvalidArgument('timezone', `"${value}" is not an IANA time zone such as Europe/Paris`);
  return tz;
}

function currency(value: string): string {
  if (!/^[A-Z]{3}$/.test(value)) throw new InvalidArgument('currency', 'currency is an ISO 4217 code such as USD');
  return value;
}

function colour(value: string): string {
  if (!/^#[0-9a-fA-F]{6}$/.test(value)) throw new InvalidArgument('formPrimaryColor', 'formPrimaryColor is #rrggbb');
  return value.toLowerCase();
}

function logoUrl(value: string): string {
  const url = value.trim();
  if (url === '') return '';
  const ok = url.length <= 2048 && URL.canParse(url) && /^https?:$/.test(new URL(url).protocol);
  if (!ok) throw new InvalidArgument('formLogoUrl', 'formLogoUrl is an http(s) URL or empty');
  return url;
}

function blockedRoles(values: string[]): Role[] {
  const out = list('jobCreationBlockedRoles', values, ROLES.length);
  out.forEach((r, i) => {
    if (!ROLES.includes(r as Role) || r === 'admin') {
      throw new InvalidArgument(
        `jobCreationBlockedRoles[${i}]`,
        'jobCreationBlockedRoles lists roles other than admin (admins can always create jobs)',
      );
    }
  });
  unique('jobCreationBlockedRoles', out);
  return out as Role[];
}

function soldStatuses(values: string[]): JobStatus[] {
  const out = list('soldStatuses', values, JOB_STATUSES.length);
  out.forEach((s, i) => {
    if (!(JOB_STATUSES as readonly string[]).includes(s)) {
      throw new InvalidArgument(`soldStatuses[${i}]`, `soldStatuses takes job statuses: ${JOB_STATUSES.join(', ')}`);
    }
  });
  unique('soldStatuses', out);
  return out as JobStatus[];
}
