// Workers' positions, nearby workers, shifts and tracks as the API shows them. The location service says
// "unknown" with −1 (speed, heading, battery) or 0 (accuracy); the API says null.
import type { location } from '@fieldline/proto';
import { Type } from '@sinclair/typebox';
import { iso, Nullable, Timestamp } from './common.js';

const minusOneAsNull = (n: number): number | null => (n < 0 ? null : n);
const zeroAsNull = (n: number): number | null => (n > 0 ? n : null);

export const WorkerPositionView = Type.Object(
  {
    workerId: Type.String(),
    lat: Type.Number(),
    lng: Type.Number(),
    accuracyM: Nullable(Type.Number({ description: 'horizontal accuracy, metres; null when unknown' })),
    speedMps: Nullable(Type.Number({ description: 'metres per second; null when unknown' })),
    headingDeg: Nullable(Type.Number({ description: '0..360, clockwise from north; null when unknown' })),
    batteryPct: Nullable(Type.Number({ description: '0..100; null when unknown' })),
    deviceTime: Nullable(Timestamp('when the phone took the fix')),
    receivedAt: Nullable(Timestamp('when the platform received it')),
    stale: Type.Boolean({ description: "older than the tenant's positionStaleSeconds: not available for dispatch" }),
  },
  { $id: 'WorkerPosition' },
);

export function toWorkerPositionView(p: location.WorkerPosition | undefined) {
  if (!p) throw new Error('location answered without a position');
  return {
    workerId: p.workerId,
    lat: p.lat,
    lng: p.lng,
    accuracyM: zeroAsNull(p.accuracyM),
    speedMps: minusOneAsNull(p.speedMps),
    headingDeg: minusOneAsNull(p.headingDeg),
    batteryPct: minusOneAsNull(p.batteryPct),
    deviceTime: iso(p.deviceTime),
    receivedAt: iso(p.receivedAt),
    stale: p.stale,
  };
}

export const WORKER_STATUSES = ['available', 'busy', 'off_shift', 'stale'] as const;

export const NearbyWorkerView = Type.Object({
  workerId: Type.String(),
  distanceM: Type.Number({ description: 'great-circle distance from the point or site, metres' }),
  position: Type.Ref('WorkerPosition'),
  status: Type.Union(
    WORKER_STATUSES.map((s) => Type.Literal(s)),
    { description: 'available (on shift, no job in progress, fresh position) | busy | off_shift | stale' },
  ),
  skills: Type.Array(Type.String()),
});

export function toNearbyWorkerView(n: location.NearbyWorker) {
  return {
    workerId: n.workerId,
    distanceM: Math.round(n.distanceM * 10) / 10,
    position: toWorkerPositionView(n.position),
    status: n.status as (typeof WORKER_STATUSES)[number],
    skills: n.skills,
  };
}

export const ShiftView = Type.Object(
  {
    workerId: Type.String(),
    onShift: Type.Boolean(),
    skills: Type.Array(Type.String(), { description: 'lower case, sorted' }),
    updatedAt: Nullable(Timestamp('null when the shift was never set')),
  },
  { $id: 'Shift' },
);

export function toShiftView(s: location.Shift) {
  return { workerId: s.workerId, onShift: s.onShift, skills: s.skills, updatedAt: iso(s.updatedAt) };
}

const LngLat = Type.Array(Type.Number(), { minItems: 2, maxItems: 2, description: '[lng, lat] (GeoJSON order)' });

export const TrackView = Type.Object(
  {
    type: Type.Literal('Feature'),
    geometry: Type.Object({
      type: Type.Literal('MultiLineString'),
      coordinates: Type.Array(Type.Array(LngLat), {
        description:
          'one line per segment (a new segment starts after an offline gap); a lone fix between two gaps is a ' +
          'line of that point twice',
      }),
    }),
    properties: Type.Object({
      workerId: Type.String(),
      from: Timestamp('start of the window asked for'),
      to: Timestamp('end of the window asked for'),
      points: Type.Integer({ description: 'how many fixes the track holds' }),
      coordTimes: Type.Array(Type.Array(Timestamp()), {
        description: 'the device time of each coordinate, in the same nesting as geometry.coordinates',
      }),
    }),
  },
  { $id: 'Track', description: 'A GeoJSON Feature (RFC 7946)' },
);

/** GetTrack's segments as one GeoJSON Feature with a MultiLineString (coordinates [lng, lat]). */
export function toTrackView(track: location.GetTrackResponse, window: { from: string; to: string }) {
  const lines: number[][][] = [];
  const times: string[][] = [];
  let points = 0;
  for (const segment of track.segments) {
    if (segment.points.length === 0) continue;
    points += segment.points.length;
    // A LineString needs two positions (RFC 7946 §3.1.4): a lone fix is drawn as a line of zero length.
    const pts = segment.points.length === 1 ? [segment.points[0], segment.points[0]] : segment.points;
    lines.push(pts.map((p) => [p.lng, p.lat]));
    times.push(pts.map((p) => iso(p.deviceTime) ?? ''));
  }
  return {
    type: 'Feature' as const,
    geometry: { type: 'MultiLineString' as const, coordinates: lines },
    properties: { workerId: track.workerId, from: window.from, to: window.to, points, coordTimes: times },
  };
}
