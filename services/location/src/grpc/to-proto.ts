// Engine values as the wire wants them (positions with their staleness, nearby workers, shifts, track segments).
import type { location } from '@fieldline/proto';
import type { NearbyWorker, WorkerPosition } from '../domain/engine.js';
import type { StoredTrackPoint } from '../store/track-points.store.js';

export function positionToProto(p: WorkerPosition, now: number, staleSeconds: number): location.WorkerPosition {
  return {
    workerId: p.workerId,
    deviceId: p.deviceId,
    lat: p.lat,
    lng: p.lng,
    accuracyM: p.accuracyM,
    speedMps: p.speedMps,
    headingDeg: p.headingDeg,
    batteryPct: p.batteryPct,
    deviceTime: new Date(p.deviceTime),
    receivedAt: new Date(p.receivedAt),
    stale: now - p.deviceTime > staleSeconds * 1000,
  };
}

export function nearbyToProto(n: NearbyWorker, now: number, staleSeconds: number): location.NearbyWorker {
  return {
    workerId: n.workerId,
    distanceM: n.distanceM,
    position: positionToProto(n.position, now, staleSeconds),
    status: n.status,
    skills: n.skills,
  };
}

export function shiftToProto(
  workerId: string,
  shift: { onShift: boolean; skills: string[]; updatedAt?: Date } | undefined,
): location.Shift {
  return {
    workerId,
    onShift: shift?.onShift ?? false,
    skills: shift?.skills ?? [],
    updatedAt: shift?.updatedAt,
  };
}

export function trackPointToProto(p: StoredTrackPoint): location.TrackPoint {
  return { lat: p.lat, lng: p.lng, deviceTime: new Date(p.deviceTime), accuracyM: p.accuracyM, speedMps: p.speedMps };
}
