// The jobs service's coded errors: one class per refusal a client can act on, mapped to gRPC by libs/platform.
import {
  Conflict,
  DomainError,
  FailedPrecondition,
  NotFound,
  PermissionDenied,
  Unauthenticated,
} from '@fieldline/platform';
import type { JobStatus } from './job.js';

export class InvalidTransition extends FailedPrecondition {
  constructor(
    readonly from: JobStatus,
    readonly to: JobStatus,
  ) {
    super('JOB_INVALID_TRANSITION', `a job cannot go from ${from} to ${to}`, 'status');
  }
}

export class StaleVersion extends Conflict {
  constructor(current: number, what = 'job') {
    super('STALE_VERSION', `the ${what} was changed meanwhile (now version ${current}); reload and retry`, 'version');
  }
}

export class ScheduleConflictError extends Conflict {
  constructor(message: string) {
    super('SCHEDULE_CONFLICT', message, 'workerIds');
  }
}

export class NoEligibleWorker extends FailedPrecondition {
  constructor(why: string) {
    super('NO_ELIGIBLE_WORKER', `no eligible worker: ${why}`);
  }
}

export class UserDeactivated extends Unauthenticated {
  constructor() {
    super('this user has been deactivated', 'USER_DEACTIVATED');
  }
}

export class JobCreationBlocked extends PermissionDenied {
  constructor(role: string) {
    super(`this tenant does not let a ${role} create jobs`, 'JOB_CREATION_BLOCKED');
  }
}

/** The accounts directory could not be reached for something not in the local copy yet. */
export class DirectoryUnavailable extends DomainError {
  constructor() {
    super('unavailable', 'DIRECTORY_UNAVAILABLE', 'the accounts directory is not reachable; retry shortly');
  }
}

export const notFound = {
  job: () => new NotFound('JOB_NOT_FOUND', 'no such job'),
  jobType: () => new NotFound('JOB_TYPE_NOT_FOUND', 'no such job type'),
  customer: () => new NotFound('CUSTOMER_NOT_FOUND', 'no such customer'),
  user: () => new NotFound('USER_NOT_FOUND', 'no such user'),
  proposal: () => new NotFound('PROPOSAL_NOT_FOUND', 'no such proposal on this job'),
  worker: () => new NotFound('WORKER_NOT_FOUND', 'no such worker'),
};
