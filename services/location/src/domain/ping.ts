// A GPS ping as the phone measured it, and the one validation every door applies before the engine sees it.
import { checkLatLng } from './geo.js';

/** Times are epoch milliseconds of the phone's clock; −1 (or absent) means the phone did not say. */
export interface Ping {
  /** Per-device sequence number, increasing by one per recorded ping; absent for Traccar Client. */
  seq?: number;
  deviceTime: number;
  lat: number;
  lng: number;
  /** Horizontal accuracy, metres; 0 = unknown. */
  accuracyM?: number;
  speedMps?: number;
  headingDeg?: number;
  batteryPct?: number;
  altitudeM?: number;
  charging?: boolean;
  /** The OS reported a simulated location. */
  mock?: boolean;
}

export interface PingRejection {
  /** The ping's seq (0 when it has none). */
  seq: number;
  /** camelCase field at fault: lat, lng, deviceTime, accuracyM, ... */
  field: string;
  reason: string;
}

/** A phone clock may run a little ahead of ours; more than this is a broken clock. */
export const MAX_FUTURE_MS = 5 * 60_000;
/** 2000-01-01T00:00:00Z: older device times are a clock that was never set. */
export const MIN_DEVICE_TIME_MS = Date.UTC(2000, 0, 1);

/**
 * The rejection for a bad ping, or undefined when it is fine. In seq streams the seq must be a positive
 * integer (a ping without one cannot be ordered); a rejected ping with a valid seq still counts as seen.
 */
export function validatePing(ping: Ping, now: number, options: { seqLess?: boolean } = {}): PingRejection | undefined {
  const seq = typeof ping.seq === 'number' && Number.isSafeInteger(ping.seq) && ping.seq > 0 ? ping.seq : 0;
  const reject = (field: string, reason: string): PingRejection => ({ seq, field, reason });
  if (!options.seqLess && seq === 0) return reject('seq', 'seq must be a positive integer');
  const t = ping.deviceTime;
  if (typeof t !== 'number' || !Number.isFinite(t)) return reject('deviceTime', 'deviceTime is required');
  if (t < MIN_DEVICE_TIME_MS) return reject('deviceTime', 'device time before 2000 (clock not set)');
  if (t > now + MAX_FUTURE_MS) return reject('deviceTime', 'device time too far in the future');
  const position = checkLatLng(ping.lat, ping.lng);
  if (position) return reject(position.field, position.reason);
  if (ping.accuracyM !== undefined && !(Number.isFinite(ping.accuracyM) && ping.accuracyM >= 0)) {
    return reject('accuracyM', 'accuracyM must be ≥ 0');
  }
  if (!unknownOrIn(ping.speedMps, 0, Number.MAX_VALUE)) return reject('speedMps', 'speedMps must be −1 or ≥ 0');
  if (!unknownOrIn(ping.headingDeg, 0, 360)) return reject('headingDeg', 'headingDeg must be −1 or 0..360');
  if (!unknownOrIn(ping.batteryPct, 0, 100)) return reject('batteryPct', 'batteryPct must be −1 or 0..100');
  if (ping.altitudeM !== undefined && !Number.isFinite(ping.altitudeM)) {
    return reject('altitudeM', 'altitudeM must be a finite number');
  }
  return undefined;
}

function unknownOrIn(value: number | undefined, min: number, max: number): boolean {
  if (value === undefined || value === -1) return true;
  return typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max;
}
