// Pings and rejections between the wire (ts-proto) and the engine: the one translation every door uses.
import type { location } from '@fieldline/proto';
import type { Ping, PingRejection } from '../domain/ping.js';

/** A wire ping as the engine takes it; a missing device time becomes NaN so validation names the field. */
export function pingFromProto(p: location.Ping): Ping {
  return {
    seq: p.seq,
    deviceTime: p.deviceTime ? p.deviceTime.getTime() : Number.NaN,
    lat: p.lat,
    lng: p.lng,
    accuracyM: p.accuracyM,
    speedMps: p.speedMps,
    headingDeg: p.headingDeg,
    batteryPct: p.batteryPct,
    ...(p.altitudeM !== undefined && { altitudeM: p.altitudeM }),
    charging: p.charging,
    mock: p.mock,
  };
}

export function rejectionToProto(r: PingRejection): location.PingRejection {
  return { seq: r.seq, reason: r.reason, field: r.field };
}
