// A customer with its sites and contacts as the API shows it.
import type { accounts } from '@fieldline/proto';
import { Type } from '@sinclair/typebox';
import { iso, Nullable, orNull, Timestamp } from './common.js';

export const SiteView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  address: Type.String(),
  lat: Type.Number(),
  lng: Type.Number(),
});

export const ContactView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  title: Nullable(Type.String()),
});

export const CustomerView = Type.Object(
  {
    id: Type.String(),
    code: Type.String(),
    name: Type.String(),
    slaHours: Type.Integer({ description: 'hours within which a job for this customer is due' }),
    sites: Type.Array(SiteView),
    contacts: Type.Array(ContactView),
    coworkerIds: Type.Array(Type.String(), { description: 'co-workers assigned to this customer' }),
    email: Nullable(Type.String()),
    phone: Nullable(Type.String()),
    active: Type.Boolean(),
    version: Type.Integer(),
    createdAt: Nullable(Timestamp()),
    updatedAt: Nullable(Timestamp()),
  },
  { $id: 'Customer' },
);

export function toCustomerView(c: accounts.Customer) {
  return {
    id: c.id,
    code: c.code,
    name: c.name,
    slaHours: c.slaHours,
    sites: c.sites.map((s) => ({ id: s.id, name: s.name, address: s.address, lat: s.lat, lng: s.lng })),
    contacts: c.contacts.map((k) => ({
      id: k.id,
      name: k.name,
      email: orNull(k.email),
      phone: orNull(k.phone),
      title: orNull(k.title),
    })),
    coworkerIds: c.coworkerIds,
    email: orNull(c.email),
    phone: orNull(c.phone),
    active: c.active,
    version: c.version,
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
  };
}
