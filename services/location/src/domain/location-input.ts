// Checks on what callers send to the location service's queries and shift changes; refusals name the field.
import { InvalidArgument } from '@fieldline/platform';
import { checkLatLng } from './geo.js';

/** Nearest-worker searches reach this far at most. */
export const MAX_NEAREST_RADIUS_M = 500_000;
export const MAX_NEAREST_RESULTS = 100;
export const DEFAULT_NEAREST_RESULTS = 10;
/** A track query spans at most this long. */
export const MAX_TRACK_SPAN_MS = 7 * 24 * 3600_000;
export const MAX_SKILLS = 50;
export const MAX_SKILL_LENGTH = 60;
const MAX_ID_LENGTH = 100;

const ID = /^[A-Za-z0-9_.:-]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
const CONTROL = /[\u0000-\u001f\u007f]/;

export function idValue(field: string, value: string | undefined): string {
  const v = (value ?? '').trim();
  if (v === '') throw new InvalidArgument(field, `${field} is required`);
  if (v.length > MAX_ID_LENGTH || !ID.test(v)) throw new InvalidArgument(field, `${field} is not a valid id`);
  return v;
}

/** Skills compare case-insensitively, so they are kept trimmed and in lower case. */
export function skillValue(field: string, value: string): string {
  const v = value.trim().toLowerCase();
  if (v === '') throw new InvalidArgument(field, 'a skill cannot be empty');
  if (v.length > MAX_SKILL_LENGTH)
    throw new InvalidArgument(field, `a skill has at most ${MAX_SKILL_LENGTH} characters`);
  if (CONTROL.test(v)) throw new InvalidArgument(field, 'a skill cannot contain control characters');
  return v;
}

/** A worker's skills: at most MAX_SKILLS, each checked, duplicates folded, sorted. */
export function skillsValue(values: readonly string[]): string[] {
  if (values.length > MAX_SKILLS) throw new InvalidArgument('skills', `at most ${MAX_SKILLS} skills`);
  return [...new Set(values.map((s, i) => skillValue(`skills[${i}]`, s)))].sort();
}

export type NearestTarget =
  | { kind: 'point'; lat: number; lng: number }
  | { kind: 'site'; customerId: string; siteId: string };

export interface NearestInput {
  target: NearestTarget;
  radiusM: number;
  limit: number;
  skill?: string;
  availableOnly: boolean;
}

/** A nearest-worker search: a point (lat and lng) or a customer site (customerId and siteId), not both. */
export function nearestInput(req: {
  lat?: number;
  lng?: number;
  customerId?: string;
  siteId?: string;
  radiusM: number;
  limit: number;
  skill?: string;
  availableOnly?: boolean;
}): NearestInput {
  const hasPoint = req.lat !== undefined || req.lng !== undefined;
  const hasSite = Boolean(req.customerId) || Boolean(req.siteId);
  if (hasPoint && hasSite) {
    throw new InvalidArgument(
      'lat',
      'give either a point (lat, lng) or a customer site (customerId, siteId), not both',
    );
  }
  let target: NearestTarget;
  if (hasSite) {
    target = { kind: 'site', customerId: idValue('customerId', req.customerId), siteId: idValue('siteId', req.siteId) };
  } else {
    if (req.lat === undefined) throw new InvalidArgument('lat', 'lat is required (or a customer site)');
    if (req.lng === undefined) throw new InvalidArgument('lng', 'lng is required (or a customer site)');
    const problem = checkLatLng(req.lat, req.lng);
    if (problem) throw new InvalidArgument(problem.field, problem.reason);
    target = { kind: 'point', lat: req.lat, lng: req.lng };
  }
  if (!(Number.isFinite(req.radiusM) && req.radiusM > 0 && req.radiusM <= MAX_NEAREST_RADIUS_M)) {
    throw new InvalidArgument('radiusM', `radiusM must be more than 0 and at most ${MAX_NEAREST_RADIUS_M} metres`);
  }
  const limit = req.limit === 0 ? DEFAULT_NEAREST_RESULTS : req.limit;
  if (!(Number.isInteger(limit) && limit >= 1 && limit <= MAX_NEAREST_RESULTS)) {
    throw new InvalidArgument('limit', `limit must be 1..${MAX_NEAREST_RESULTS} (0 for ${DEFAULT_NEAREST_RESULTS})`);
  }
  const skill = req.skill ? skillValue('skill', req.skill) : undefined;
  return { target, radiusM: req.radiusM, limit, ...(skill && { skill }), availableOnly: req.availableOnly === true };
}

/** A track window: both ends given, `to` after `from`, at most MAX_TRACK_SPAN_MS apart. */
export function trackWindow(from: Date | undefined, to: Date | undefined): { from: Date; to: Date } {
  if (!from || Number.isNaN(from.getTime())) throw new InvalidArgument('from', 'from is required');
  if (!to || Number.isNaN(to.getTime())) throw new InvalidArgument('to', 'to is required');
  if (to.getTime() <= from.getTime()) throw new InvalidArgument('to', 'to must be after from');
  if (to.getTime() - from.getTime() > MAX_TRACK_SPAN_MS) {
    throw new InvalidArgument('to', 'a track spans at most 7 days (to − from)');
  }
  return { from, to };
}
