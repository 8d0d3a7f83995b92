// Typed promise client of the location service's LocationService, plus its grpc.health.v1 check, over one address.
import { createGrpcClient, type PromiseClient } from '@fieldline/platform';
import { location } from '@fieldline/proto';
import { createHealthCheck } from './grpc-health.js';

export type LocationClients = {
  location: PromiseClient<location.LocationServiceClient>;
  health(deadlineMs: number): Promise<string>;
  close(): void;
};

export function createLocationClients(address: string, deadlineMs: number): LocationClients {
  const health = createHealthCheck(address);
  const client = createGrpcClient(location.LocationServiceClient, address, { deadlineMs });
  return {
    location: client,
    health: (ms) => health.check(ms),
    close: () => {
      client.close();
      health.close();
    },
  };
}
