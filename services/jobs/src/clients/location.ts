// What jobs needs from the location service: the nearest available eligible workers to a point, for
// auto-assign's second rule (used when FIELDLINE_LOCATION_ADDR is set).
import { type Caller, createGrpcClient } from '@fieldline/platform';
import { location } from '@fieldline/proto';

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
  /** Forwarded in metadata: the location service scopes the search by the caller's tenant. */
  caller?: Caller;
}

export interface LocationClient {
  /** Workers sorted by distance, nearest first. */
  nearestWorkers(query: NearestWorkersQuery): Promise<NearbyWorker[]>;
  close(): void;
}

/** The LocationService client at `address` (host:port). */
export function createLocationClient(address: string): LocationClient {
  const client = createGrpcClient(location.LocationServiceClient, address, { deadlineMs: 3_000 });
  return {
    async nearestWorkers(q) {
      const res = await client.findNearest(
        {
          lat: q.lat,
          lng: q.lng,
          customerId: '',
          siteId: '',
          radiusM: q.radiusM,
          limit: q.limit,
          skill: '',
          availableOnly: q.availableOnly,
        },
        { caller: q.caller },
      );
      return res.workers.map((w) => ({ workerId: w.workerId, distanceM: w.distanceM }));
    },
    close: () => client.close(),
  };
}
