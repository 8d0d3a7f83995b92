// The events accounts publishes (through the outbox, in the transaction of the change): type, tenant, payload.
import { accountsEvents } from '@fieldline/proto';
import type { Customer } from '../domain/customer.js';
import type { Device } from '../domain/device.js';
import type { Invitation } from '../domain/invitation.js';
import type { Settings } from '../domain/settings.js';
import type { Tenant } from '../domain/tenant.js';
import type { User } from '../domain/user.js';
import {
  customerToProto,
  deviceToProto,
  invitationToProto,
  settingsToProto,
  tenantToProto,
  userToProto,
} from '../grpc/to-proto.js';

export interface AccountsEvent {
  type: string;
  tenantId: string;
  /** Fully-qualified protobuf type of the payload. */
  payloadType: string;
  payload: Uint8Array;
}

const typeName = (message: string) => `${accountsEvents.protobufPackage}.${message}`;

export type UserEventType = 'user_created' | 'user_updated' | 'user_deactivated' | 'user_activated';
export type CustomerEventType = 'customer_created' | 'customer_updated' | 'customer_coworkers_changed';
export type DeviceEventType = 'device_created' | 'device_revoked';

export function userEvent(type: UserEventType, user: User): AccountsEvent {
  return {
    type,
    tenantId: user.tenantId,
    payloadType: typeName('UserChanged'),
    payload: accountsEvents.UserChanged.encode({ user: userToProto(user) }).finish(),
  };
}

export function tenantCreated(tenant: Tenant): AccountsEvent {
  return {
    type: 'tenant_created',
    tenantId: tenant.id,
    payloadType: typeName('TenantCreated'),
    payload: accountsEvents.TenantCreated.encode({ tenant: tenantToProto(tenant) }).finish(),
  };
}

export function settingsUpdated(settings: Settings): AccountsEvent {
  return {
    type: 'settings_updated',
    tenantId: settings.tenantId,
    payloadType: typeName('SettingsChanged'),
    payload: accountsEvents.SettingsChanged.encode({ settings: settingsToProto(settings) }).finish(),
  };
}

/**
 * invitation_created / invitation_resent. It carries the plain token: the notifications service e-mails the
 * link. The stream is internal; the token is single-use and expires, and the database only keeps its hash.
 */
export function invitationSent(
  type: 'invitation_created' | 'invitation_resent',
  invitation: Invitation,
  details: { token: string; tenantName: string; inviterName: string; now: Date },
): AccountsEvent {
  return {
    type,
    tenantId: invitation.tenantId,
    payloadType: typeName('InvitationSent'),
    payload: accountsEvents.InvitationSent.encode({
      invitation: invitationToProto(invitation, details.now),
      token: details.token,
      tenantName: details.tenantName,
      inviterName: details.inviterName,
    }).finish(),
  };
}

export function invitationAccepted(invitation: Invitation, user: User, now: Date): AccountsEvent {
  return {
    type: 'invitation_accepted',
    tenantId: invitation.tenantId,
    payloadType: typeName('InvitationAccepted'),
    payload: accountsEvents.InvitationAccepted.encode({
      invitation: invitationToProto(invitation, now),
      user: userToProto(user),
    }).finish(),
  };
}

export function customerEvent(type: CustomerEventType, customer: Customer): AccountsEvent {
  return {
    type,
    tenantId: customer.tenantId,
    payloadType: typeName('CustomerChanged'),
    payload: accountsEvents.CustomerChanged.encode({ customer: customerToProto(customer) }).finish(),
  };
}

export function deviceEvent(type: DeviceEventType, device: Device): AccountsEvent {
  return {
    type,
    tenantId: device.tenantId,
    payloadType: typeName('DeviceChanged'),
    payload: accountsEvents.DeviceChanged.encode({ device: deviceToProto(device) }).finish(),
  };
}
