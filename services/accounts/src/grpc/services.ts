// The eight gRPC services accounts serves, with the names the health service reports.
import type { GrpcService } from '@fieldline/platform';
import { accounts } from '@fieldline/proto';
import { apiKeysHandlers } from './api-keys.handlers.js';
import { customersHandlers } from './customers.handlers.js';
import type { AccountsDeps } from './deps.js';
import { devicesHandlers } from './devices.handlers.js';
import { directoryHandlers } from './directory.handlers.js';
import { identityHandlers } from './identity.handlers.js';
import { invitationsHandlers } from './invitations.handlers.js';
import { settingsHandlers } from './settings.handlers.js';
import { usersHandlers } from './users.handlers.js';

const name = (service: string) => `${accounts.protobufPackage}.${service}`;

export function accountsServices(deps: AccountsDeps): GrpcService[] {
  return [
    {
      name: name('IdentityService'),
      definition: accounts.IdentityServiceService,
      implementation: identityHandlers(deps),
    },
    { name: name('UsersService'), definition: accounts.UsersServiceService, implementation: usersHandlers(deps) },
    {
      name: name('InvitationsService'),
      definition: accounts.InvitationsServiceService,
      implementation: invitationsHandlers(deps),
    },
    {
      name: name('SettingsService'),
      definition: accounts.SettingsServiceService,
      implementation: settingsHandlers(deps),
    },
    {
      name: name('CustomersService'),
      definition: accounts.CustomersServiceService,
      implementation: customersHandlers(deps),
    },
    { name: name('DevicesService'), definition: accounts.DevicesServiceService, implementation: devicesHandlers(deps) },
    { name: name('ApiKeysService'), definition: accounts.ApiKeysServiceService, implementation: apiKeysHandlers(deps) },
    {
      name: name('DirectoryService'),
      definition: accounts.DirectoryServiceService,
      implementation: directoryHandlers(deps),
    },
  ];
}
