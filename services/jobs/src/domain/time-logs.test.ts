// Time log rules: manual entries and geofence visits.
import { describe, expect, it } from '@jest/globals';
import {
  manualTimeLog,
  type SiteVisitFacts,
  siteVisit,
  siteVisitOutcome,
  siteVisitStep,
  visitTimeLog,
} from './time-logs.js';

const now = new Date('2026-03-10T12:00:00Z');
const t = (iso: string) => new Date(iso);

function errorOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    return err as { kind: string; field?: string; message: string };
  }
  throw new Error('expected an error');
}

const log = (over: Partial<Parameters<typeof manualTimeLog>[0]>) =>
  manualTimeLog({ startedAt: t('2026-03-10T08:00:00Z'), endedAt: undefined, hours: undefined, note: '', ...over }, now);

describe('manual time logs', () => {
  it('takes a start and an end, and computes the hours', () => {
    expect(log({ endedAt: t('2026-03-10T09:30:00Z') })).toMatchObject({ hours: 1.5 });
  });

  it('takes a start and hours, and computes the end', () => {
    expect(log({ hours: 2.25 }).endedAt).toEqual(t('2026-03-10T10:15:00Z'));
  });

  it.each([
    [{ startedAt: undefined, hours: 1 }, 'startedAt'],
    [{}, 'endedAt'],
    [{ endedAt: t('2026-03-10T09:00:00Z'), hours: 1 }, 'hours'],
    [{ endedAt: t('2026-03-10T08:00:00Z') }, 'endedAt'],
    [{ endedAt: t('2026-03-10T07:00:00Z') }, 'endedAt'],
    [{ hours: 0 }, 'hours'],
    [{ hours: -1 }, 'hours'],
    [{ hours: 24.01 }, 'hours'],
    [{ hours: Number.NaN }, 'hours'],
    [{ startedAt: t('2026-03-09T08:00:00Z'), endedAt: t('2026-03-10T08:00:01Z') }, 'endedAt'],
    [{ startedAt: t('2026-03-10T12:02:00Z'), hours: 1 }, 'startedAt'],
    [{ hours: 4.1 }, 'hours'],
    [{ endedAt: t('2026-03-10T12:01:01Z') }, 'endedAt'],
    [{ hours: 1, note: 'x'.repeat(1001) }, 'note'],
  ])('refuses %j naming %s', (over, field) => {
    expect(errorOf(() => log(over))).toMatchObject({ kind: 'invalid_argument', field });
  });

  it('accepts exactly 24 hours, and an end up to a minute ahead of our clock', () => {
    expect(log({ startedAt: t('2026-03-09T12:00:00Z'), hours: 24 }).hours).toBe(24);
    expect(log({ endedAt: t('2026-03-10T12:00:59Z') }).endedAt).toEqual(t('2026-03-10T12:00:59Z'));
  });
});

describe('geofence visits', () => {
  it('checks the kind, the time and the event id', () => {
    expect(siteVisit({ kind: 'arrived', at: now, eventId: ' ev1 ' })).toEqual({
      kind: 'arrived',
      at: now,
      eventId: 'ev1',
    });
    expect(errorOf(() => siteVisit({ kind: 'entered', at: now, eventId: 'e' })).field).toBe('kind');
    expect(errorOf(() => siteVisit({ kind: 'arrived', at: undefined, eventId: 'e' })).field).toBe('at');
    expect(errorOf(() => siteVisit({ kind: 'arrived', at: now, eventId: '' })).field).toBe('eventId');
  });

  it('measures a visit from the arrival to the departure', () => {
    expect(visitTimeLog(t('2026-03-10T08:00:00Z'), t('2026-03-10T08:45:00Z'))).toMatchObject({ hours: 0.75 });
    expect(errorOf(() => visitTimeLog(t('2026-03-10T08:00:00Z'), t('2026-03-10T07:59:00Z'))).field).toBe('at');
  });
});

describe('what a site visit event does', () => {
  const facts = (over: Partial<SiteVisitFacts>): SiteVisitFacts => ({
    kind: 'arrived',
    autoLoggingEnabled: true,
    jobOpen: true,
    workerOnJob: true,
    visitOpen: false,
    ...over,
  });
  const every = [true, false].flatMap((jobOpen) =>
    [true, false].flatMap((workerOnJob) =>
      [true, false].flatMap((visitOpen) =>
        (['arrived', 'departed'] as const).map((kind) => facts({ kind, jobOpen, workerOnJob, visitOpen })),
      ),
    ),
  );

  it.each<[string, Partial<SiteVisitFacts>, ReturnType<typeof siteVisitStep>]>([
    ['an arrival on an open job of its worker opens a visit', {}, { do: 'open_visit' }],
    ['a second arrival is the same visit', { visitOpen: true }, { do: 'ignore', verdict: 'already_inside' }],
    ['an arrival on a closed job is ignored', { jobOpen: false }, { do: 'ignore', verdict: 'ignored_job_closed' }],
    [
      'an arrival of a worker not on the job is ignored',
      { workerOnJob: false },
      { do: 'ignore', verdict: 'ignored_not_assignee' },
    ],
    ['a departure closes the open visit', { kind: 'departed', visitOpen: true }, { do: 'close_visit', moveJob: true }],
    [
      'a departure from a job closed meanwhile still logs the visit, leaving the job alone',
      { kind: 'departed', visitOpen: true, jobOpen: false },
      { do: 'close_visit', moveJob: false },
    ],
    [
      'a departure of a worker taken off the job meanwhile still logs the visit',
      { kind: 'departed', visitOpen: true, workerOnJob: false },
      { do: 'close_visit', moveJob: false },
    ],
    ['a departure without arrival changes nothing', { kind: 'departed' }, { do: 'ignore', verdict: 'no_open_visit' }],
    [
      'a departure without arrival from a closed job is ignored as such',
      { kind: 'departed', jobOpen: false },
      { do: 'ignore', verdict: 'ignored_job_closed' },
    ],
  ])('%s', (_name, over, step) => {
    expect(siteVisitStep(facts(over))).toEqual(step);
  });

  it('does nothing at all while auto-logging is off', () => {
    for (const f of every) {
      expect(siteVisitStep({ ...f, autoLoggingEnabled: false })).toEqual({ do: 'ignore', verdict: 'disabled' });
    }
  });

  it('never opens a visit on a closed job or for a worker not on it', () => {
    for (const f of every.filter((x) => !x.jobOpen || !x.workerOnJob)) {
      expect(siteVisitStep(f).do).not.toBe('open_visit');
    }
  });

  it('answers applied for what changed something and duplicate for what was already known', () => {
    expect(siteVisitOutcome('arrived')).toBe('applied');
    expect(siteVisitOutcome('departed')).toBe('applied');
    expect(siteVisitOutcome('already_inside')).toBe('duplicate');
    expect(siteVisitOutcome('redelivered')).toBe('duplicate');
    expect(siteVisitOutcome('ignored_not_assignee')).toBe('ignored_not_assignee');
  });
});
