// The two gRPC services location serves, with the names the health service reports.
import type { GrpcService } from '@fieldline/platform';
import { location } from '@fieldline/proto';
import type { LocationDeps } from './deps.js';
import { deviceIngestHandlers } from './device-ingest.handlers.js';
import { locationHandlers } from './location.handlers.js';

const name = (service: string) => `${location.protobufPackage}.${service}`;

export function locationServices(deps: LocationDeps): GrpcService[] {
  return [
    {
      name: name('DeviceIngest'),
      definition: location.DeviceIngestService,
      implementation: deviceIngestHandlers(deps),
    },
    {
      name: name('LocationService'),
      definition: location.LocationServiceService,
      implementation: locationHandlers(deps),
    },
  ];
}
