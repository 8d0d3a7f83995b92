// What waits in the ingest queue: pings from one door for one device, or a tick letting a device's waiting pings go.
import type { Ping, PingRejection } from '../domain/ping.js';

export interface DeviceRef {
  tenantId: string;
  deviceId: string;
  workerId: string;
}

/** What a flush did with one piece of work, delivered once it is committed. */
export interface WorkResult {
  /** The device's highest seq such that every seq up to it is stored, rejected or given up on. */
  ackedSeq: number;
  rejected: PingRejection[];
  /** Pings seen for the first time (stored in the track). */
  accepted: number;
  duplicates: number;
}

/** Who gets the result: a stream session (acks) or a unary call (its response). */
export interface WorkOwner {
  done(work: Work, result: WorkResult): void;
  failed(work: Work, err: unknown): void;
}

export interface Work extends DeviceRef {
  kind: 'pings' | 'tick';
  /** Empty for a tick. */
  pings: Ping[];
  /** Traccar Client pings (ordered and deduplicated by device time). */
  seqLess: boolean;
  owner?: WorkOwner;
  /** Set when a flush has taken it: later pings of the same stream go into new work. */
  taken: boolean;
  /** Flushes that failed with it (it is retried a few times, then failed). */
  attempts: number;
}

export function deviceKey(ref: { tenantId: string; deviceId: string }): string {
  return `${ref.tenantId}\u0000${ref.deviceId}`;
}
