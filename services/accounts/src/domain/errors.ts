// The accounts service's coded errors: one class per refusal a client can act on, mapped to gRPC by libs/platform.
import { Conflict, FailedPrecondition, NotFound, Unauthenticated } from '@fieldline/platform';

// One message whatever was wrong (tenant, email or password), so a login never tells which part exists.
export class InvalidCredentials extends Unauthenticated {
  constructor() {
    super('the tenant, e-mail or password is not right', 'INVALID_CREDENTIALS');
  }
}

export class UserDeactivated extends Unauthenticated {
  constructor() {
    super('this user has been deactivated', 'USER_DEACTIVATED');
  }
}

/** The credential behind a call (user, device, API key) no longer exists or no longer works. */
export class CredentialRevoked extends Unauthenticated {
  constructor(what: string) {
    super(`this ${what} is no longer valid`, 'CREDENTIAL_REVOKED');
  }
}

export class InvalidRefreshToken extends Unauthenticated {
  constructor() {
    super('this refresh token is not valid', 'INVALID_REFRESH_TOKEN');
  }
}

export class RefreshTokenReused extends Unauthenticated {
  constructor() {
    super('this refresh token was already used or revoked; its whole session has been revoked', 'REFRESH_TOKEN_REUSED');
  }
}

export class RefreshTokenExpired extends Unauthenticated {
  constructor() {
    super('this refresh token has expired; log in again', 'REFRESH_TOKEN_EXPIRED');
  }
}

export class StaleVersion extends Conflict {
  constructor(what: string, current: number) {
    super('STALE_VERSION', `the ${what} was changed meanwhile (now version ${current}); reload and retry`, 'version');
  }
}

export class LastAdmin extends FailedPrecondition {
  constructor() {
    super('LAST_ADMIN', 'the last active admin of a tenant cannot be deactivated or lose the admin role');
  }
}

export class EmailTaken extends Conflict {
  constructor() {
    super('EMAIL_TAKEN', 'a user of this tenant already has this e-mail address', 'email');
  }
}

export class InvitationPending extends Conflict {
  constructor() {
    super(
      'INVITATION_PENDING',
      'a pending invitation already exists for this e-mail address; resend it instead',
      'email',
    );
  }
}

export class InvitationExpired extends FailedPrecondition {
  constructor() {
    super('INVITATION_EXPIRED', 'this invitation has expired; ask for a new one');
  }
}

export class InvitationAlreadyRegistered extends FailedPrecondition {
  constructor() {
    super('INVITATION_REGISTERED', 'this invitation was already accepted');
  }
}

export class CustomerCodeTaken extends Conflict {
  constructor(code: string) {
    super('CUSTOMER_CODE_TAKEN', `another customer of this tenant already has the code ${code}`, 'code');
  }
}

export class DeviceIdTaken extends Conflict {
  constructor() {
    super('DEVICE_ID_TAKEN', 'this device unique id is already registered', 'uniqueId');
  }
}

export const notFound = {
  tenant: () => new NotFound('TENANT_NOT_FOUND', 'no such tenant'),
  user: () => new NotFound('USER_NOT_FOUND', 'no such user'),
  customer: () => new NotFound('CUSTOMER_NOT_FOUND', 'no such customer'),
  invitation: () => new NotFound('INVITATION_NOT_FOUND', 'no such invitation, or it was already used'),
  device: () => new NotFound('DEVICE_NOT_FOUND', 'no such device'),
  apiKey: () => new NotFound('API_KEY_NOT_FOUND', 'no such API key'),
};

/** A device token, device unique id or API key that is unknown, revoked, or whose user is deactivated. */
export class UnknownCredential extends Unauthenticated {
  constructor() {
    super('unknown or revoked credential', 'INVALID_CREDENTIAL');
  }
}
