// The four gRPC services jobs serves, with the names the health service reports.
import type { GrpcService } from '@fieldline/platform';
import { jobs } from '@fieldline/proto';
import type { JobsDeps } from './deps.js';
import { jobActivityHandlers } from './job-activity.handlers.js';
import { jobTypesHandlers } from './job-types.handlers.js';
import { jobsHandlers } from './jobs.handlers.js';
import { publicIntakeHandlers } from './public-intake.handlers.js';

const name = (service: string) => `${jobs.protobufPackage}.${service}`;

export function jobsServices(deps: JobsDeps): GrpcService[] {
  return [
    { name: name('JobsService'), definition: jobs.JobsServiceService, implementation: jobsHandlers(deps) },
    { name: name('JobTypesService'), definition: jobs.JobTypesServiceService, implementation: jobTypesHandlers(deps) },
    {
      name: name('JobActivityService'),
      definition: jobs.JobActivityServiceService,
      implementation: jobActivityHandlers(deps),
    },
    {
      name: name('PublicIntakeService'),
      definition: jobs.PublicIntakeServiceService,
      implementation: publicIntakeHandlers(deps),
    },
  ];
}
