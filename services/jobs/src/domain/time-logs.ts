// Time log rules: manual entries (start + end or start + hours, at most 24 h, not in the future) and the
// automatic ones from geofence site visits. A time log never changes the job's billable hours by itself:
// billable hours are what the customer is charged, set by the dispatcher, and logged time only informs it.
import { InvalidArgument } from '@fieldline/platform';

export const MAX_HOURS = 24;
/** Clocks drift: a log ending up to a minute ahead of ours is taken as "now". */
export const FUTURE_TOLERANCE_MS = 60_000;
export const MAX_TIME_LOG_NOTE = 1000;
const HOUR_MS = 3_600_000;

export type TimeLogSource = 'manual' | 'geofence';
export type SiteVisitKind = 'arrived' | 'departed';
export const SITE_VISIT_KINDS: readonly SiteVisitKind[] = ['arrived', 'departed'];

export interface ManualTimeLogInput {
  startedAt: Date | undefined;
  endedAt: Date | undefined;
  hours: number | undefined;
  note: string;
}

export interface TimeSpan {
  startedAt: Date;
  endedAt: Date;
  hours: number;
}

export function manualTimeLog(input: ManualTimeLogInput, now: Date): TimeSpan & { note: string } {
  const startedAt = validDate('startedAt', input.startedAt);
  const note = input.note.trim();
  if ([...note].length > MAX_TIME_LOG_NOTE) {
    throw new InvalidArgument('note', `note can have at most ${MAX_TIME_LOG_NOTE} characters`);
  }
  if (input.endedAt && input.hours !== undefined) {
    throw new InvalidArgument('hours', 'give endedAt or hours, not both');
  }
  const latest = now.getTime() + FUTURE_TOLERANCE_MS;
  if (startedAt.getTime() > latest) throw new InvalidArgument('startedAt', 'startedAt cannot be in the future');

  if (input.hours !== undefined) {
    const hours = input.hours;
    if (!Number.isFinite(hours) || hours <= 0 || hours > MAX_HOURS) {
      throw new InvalidArgument('hours', `hours must be more than 0 and at most ${MAX_HOURS}`);
    }
    const endedAt = new Date(startedAt.getTime() + Math.round(hours * HOUR_MS));
    if (endedAt.getTime() > latest) throw new InvalidArgument('hours', 'the logged time cannot end in the future');
    return { startedAt, endedAt, hours, note };
  }
  if (!input.endedAt) throw new InvalidArgument('endedAt', 'endedAt or hours is required');
  const endedAt = validDate('endedAt', input.endedAt);
  if (endedAt.getTime() <= startedAt.getTime()) throw new InvalidArgument('endedAt', 'endedAt must be after startedAt');
  if (endedAt.getTime() > latest) throw new InvalidArgument('endedAt', 'endedAt cannot be in the future');
  const hours = hoursBetween(startedAt, endedAt);
  if (hours > MAX_HOURS) throw new InvalidArgument('endedAt', `a time log covers at most ${MAX_HOURS} hours`);
  return { startedAt, endedAt, hours, note };
}

export interface SiteVisitInput {
  kind: string;
  at: Date | undefined;
  eventId: string;
}

export interface SiteVisit {
  kind: SiteVisitKind;
  at: Date;
  eventId: string;
}

/**
 * A geofence event as reported by the location service. Device times are taken as they are (no "future"
 * check): the phone's clock is the only witness of the visit, and refusing it would lose real work.
 */
export function siteVisit(input: SiteVisitInput): SiteVisit {
  if (!SITE_VISIT_KINDS.includes(input.kind as SiteVisitKind)) {
    throw new InvalidArgument('kind', `kind must be one of ${SITE_VISIT_KINDS.join(', ')}`);
  }
  const eventId = input.eventId.trim();
  if (eventId === '') throw new InvalidArgument('eventId', 'eventId is required');
  if (eventId.length > 200) throw new InvalidArgument('eventId', 'eventId can have at most 200 characters');
  return { kind: input.kind as SiteVisitKind, at: validDate('at', input.at), eventId };
}

/**
 * What a site visit event did, as recorded against its event id: `arrived` / `departed` changed something,
 * the others left everything as it was.
 */
export type SiteVisitVerdict =
  | 'arrived'
  | 'departed'
  | 'already_inside'
  | 'no_open_visit'
  | 'ignored_job_closed'
  | 'ignored_not_assignee'
  | 'disabled';

/** What a site visit report answers (RecordSiteVisitResponse.outcome): the verdict, or `duplicate` for a redelivery. */
export type SiteVisitOutcome =
  | 'applied'
  | 'duplicate'
  | 'no_open_visit'
  | 'ignored_job_closed'
  | 'ignored_not_assignee'
  | 'disabled';

export function siteVisitOutcome(verdict: SiteVisitVerdict | 'redelivered'): SiteVisitOutcome {
  switch (verdict) {
    case 'arrived':
    case 'departed':
      return 'applied';
    // A second arrival while the visit is open is the same visit: nothing new, like a redelivery.
    case 'already_inside':
    case 'redelivered':
      return 'duplicate';
    default:
      return verdict;
  }
}

export interface SiteVisitFacts {
  kind: SiteVisitKind;
  autoLoggingEnabled: boolean;
  jobOpen: boolean;
  workerOnJob: boolean;
  /** The worker has an open visit of this job (arrived, not yet departed). */
  visitOpen: boolean;
}

/** What a new (not redelivered) site visit event does; each `ignore` names the verdict to record. */
export type SiteVisitStep =
  | { do: 'open_visit' }
  /** Close the open visit and log its time; `moveJob` when the job is still open and the worker on it. */
  | { do: 'close_visit'; moveJob: boolean }
  | { do: 'ignore'; verdict: Exclude<SiteVisitVerdict, 'arrived' | 'departed'> };

/**
 * The site visit rule. With auto-logging off nothing happens. An arrival counts only on an open job the
 * worker is on. A departure closes the visit its arrival opened whatever happened since: the time was spent
 * while the job was open (a job completed on site is left right after), and a worker taken off the job while
 * there still gets it; only the job is then left as it is.
 */
export function siteVisitStep(f: SiteVisitFacts): SiteVisitStep {
  if (!f.autoLoggingEnabled) return { do: 'ignore', verdict: 'disabled' };
  if (f.kind === 'departed' && f.visitOpen) return { do: 'close_visit', moveJob: f.jobOpen && f.workerOnJob };
  if (!f.jobOpen) return { do: 'ignore', verdict: 'ignored_job_closed' };
  if (!f.workerOnJob) return { do: 'ignore', verdict: 'ignored_not_assignee' };
  if (f.kind === 'departed') return { do: 'ignore', verdict: 'no_open_visit' };
  if (f.visitOpen) return { do: 'ignore', verdict: 'already_inside' };
  return { do: 'open_visit' };
}

/** The automatic time log of a visit: from the arrival to the departure, both device times. */
export function visitTimeLog(arrivedAt: Date, departedAt: Date): TimeSpan {
  if (departedAt.getTime() <= arrivedAt.getTime()) {
    throw new InvalidArgument(
      'at',
      `the departure (${departedAt.toISOString()}) is not after the arrival (${arrivedAt.toISOString()})`,
    );
  }
  return { startedAt: arrivedAt, endedAt: departedAt, hours: hoursBetween(arrivedAt, departedAt) };
}

export function hoursBetween(from: Date, to: Date): number {
  return (to.getTime() - from.getTime()) / HOUR_MS;
}

function validDate(field: string, value: Date | undefined): Date {
  if (!value) throw new InvalidArgument(field, `${field} is required`);
  if (Number.isNaN(value.getTime())) throw new InvalidArgument(field, `${field} is not a valid time`);
  return value;
}

export interface TimeLog extends TimeSpan {
  id: string;
  tenantId: string;
  jobId: string;
  workerId: string;
  source: TimeLogSource;
  note: string;
  visitId?: string;
  createdBy: string;
  createdAt: Date;
}
