// The location engine's coded refusals, mapped to gRPC once by libs/platform.
import { FailedPrecondition } from '@fieldline/platform';

export class DispatchDisabled extends FailedPrecondition {
  constructor() {
    super('DISPATCH_DISABLED', 'dispatch is turned off in this tenant’s settings');
  }
}
