// What jobs needs from the location service (not built yet): the nearest available eligible workers.
// Auto-assign uses it when FIELDLINE_LOCATION_ADDR is set; the gRPC client comes with the location proto.
import type { Caller } from '@fieldline/platform';

export interface NearbyWorker {
  workerId: string;
  distanceM: number;
}

export interface NearestWorkersQuery {
  tenantId: string;
  lat: number;
  lng: number;
  radiusM: number;
  limit: number;
  /** Only workers on shift and not busy. */
  availableOnly: boolean;
  /** Forwarded in metadata, like every service-to-service call. */
  caller?: Caller;
}

export interface LocationClient {
  /** Workers sorted by distance, nearest first. */
  nearestWorkers(query: NearestWorkersQuery): Promise<NearbyWorker[]>;
  close(): void;
}

/**
 * The client for `address`. The location service and its proto do not exist yet, so there is nothing to
 * dial: undefined tells the caller to skip the rule (and app.ts logs that it does).
 */
export function createLocationClient(_address: string): LocationClient | undefined {
  return undefined;
}
