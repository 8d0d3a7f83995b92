// Customers: their code, SLA, sites and contacts, and how an update replaces sites and contacts.
import { InvalidArgument } from '@fieldline/platform';
import { StaleVersion } from './errors.js';
import { expectedVersion, intInRange, optionalEmail, optionalText, phone, requiredText } from './fields.js';

export interface Site {
  id: string;
  name: string;
  address: string;
  lat: number;
  lng: number;
}

export interface Contact {
  id: string;
  name: string;
  email: string;
  phone: string;
  title: string;
}

export interface Customer {
  id: string;
  tenantId: string;
  /** Upper-case; prefixes the customer's job numbers. */
  code: string;
  name: string;
  slaHours: number;
  email: string;
  phone: string;
  active: boolean;
  sites: Site[];
  contacts: Contact[];
  coworkerIds: string[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export const DEFAULT_SLA_HOURS = 24;
const MAX_SITES = 500;
const MAX_CONTACTS = 200;
const MAX_ADDRESS = 500;

export type SiteInput = { id?: string; name?: string; address?: string; lat?: number; lng?: number };
export type ContactInput = { id?: string; name?: string; email?: string; phone?: string; title?: string };

export interface CustomerInput {
  code?: string;
  name?: string;
  slaHours?: number;
  email?: string;
  phone?: string;
  active?: boolean;
  sites?: SiteInput[];
  contacts?: ContactInput[];
  version?: number;
}

/** Ids for new sites and contacts, given by the caller so this module stays free of randomness. */
export interface IdSource {
  site(): string;
  contact(): string;
}

export function customerCode(value: string | undefined): string {
  const code = (value ?? '').trim().toUpperCase();
  if (!/^[A-Z0-9-]{2,16}$/.test(code)) {
    throw new InvalidArgument('code', 'code has 2 to 16 characters: letters A-Z, digits and -');
  }
  return code;
}

function slaHours(value: number): number {
  return intInRange('slaHours', value, 0, 8760);
}

export function newCustomer(
  input: CustomerInput,
  ids: IdSource,
): Omit<Customer, 'id' | 'tenantId' | 'coworkerIds' | 'version' | 'createdAt' | 'updatedAt'> {
  return {
    code: customerCode(input.code),
    name: requiredText('name', input.name),
    slaHours: input.slaHours === undefined ? DEFAULT_SLA_HOURS : slaHours(input.slaHours),
    email: optionalEmail('email', input.email) ?? '',
    phone: phone('phone', input.phone),
    active: true,
    sites: sites(input.sites ?? [], [], ids),
    contacts: contacts(input.contacts ?? [], [], ids),
  };
}

/** The customer after `patch`: given sites and contacts replace the old lists, keeping the ids passed back. */
export function updateCustomer(
  current: Customer,
  patch: CustomerInput,
  ids: IdSource,
  now: Date,
): { next: Customer; changed: boolean } {
  const version = expectedVersion(patch.version);
  if (version !== undefined && version !== current.version) throw new StaleVersion('customer', current.version);
  const next: Customer = {
    ...current,
    code: patch.code === undefined ? current.code : customerCode(patch.code),
    name: patch.name === undefined ? current.name : requiredText('name', patch.name),
    slaHours: patch.slaHours === undefined ? current.slaHours : slaHours(patch.slaHours),
    email: patch.email === undefined ? current.email : (optionalEmail('email', patch.email) ?? ''),
    phone: patch.phone === undefined ? current.phone : phone('phone', patch.phone),
    active: patch.active ?? current.active,
    sites:
      patch.sites === undefined
        ? current.sites
        : sites(
            patch.sites,
            current.sites.map((s) => s.id),
            ids,
          ),
    contacts:
      patch.contacts === undefined
        ? current.contacts
        : contacts(
            patch.contacts,
            current.contacts.map((c) => c.id),
            ids,
          ),
  };
  const changed = JSON.stringify({ ...next, coworkerIds: [] }) !== JSON.stringify({ ...current, coworkerIds: [] });
  if (changed) {
    next.version = current.version + 1;
    next.updatedAt = now;
  }
  return { next, changed };
}

/** An id passed back must be one this customer already has; an empty one makes a new entry. */
function keptId(
  field: string,
  given: string | undefined,
  existing: readonly string[],
  seen: Set<string>,
  fresh: () => string,
) {
  const wanted = (given ?? '').trim();
  if (wanted === '') return fresh();
  if (!existing.includes(wanted)) throw new InvalidArgument(field, `${field} is not one of this customer's ids`);
  if (seen.has(wanted)) throw new InvalidArgument(field, `${field} appears twice`);
  seen.add(wanted);
  return wanted;
}

function coordinate(field: string, value: number | undefined, limit: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < -limit || value > limit) {
    throw new InvalidArgument(field, `${field} must be a number from -${limit} to ${limit}`);
  }
  return value;
}

export function sites(input: SiteInput[], existing: readonly string[], ids: IdSource): Site[] {
  if (input.length > MAX_SITES) throw new InvalidArgument('sites', `a customer can have at most ${MAX_SITES} sites`);
  const seen = new Set<string>();
  return input.map((s, i) => ({
    id: keptId(`sites[${i}].id`, s.id, existing, seen, ids.site),
    name: requiredText(`sites[${i}].name`, s.name),
    address: optionalText(`sites[${i}].address`, s.address, MAX_ADDRESS),
    lat: coordinate(`sites[${i}].lat`, s.lat, 90),
    lng: coordinate(`sites[${i}].lng`, s.lng, 180),
  }));
}

export function contacts(input: ContactInput[], existing: readonly string[], ids: IdSource): Contact[] {
  if (input.length > MAX_CONTACTS) {
    throw new InvalidArgument('contacts', `a customer can have at most ${MAX_CONTACTS} contacts`);
  }
  const seen = new Set<string>();
  return input.map((c, i) => ({
    id: keptId(`contacts[${i}].id`, c.id, existing, seen, ids.contact),
    name: requiredText(`contacts[${i}].name`, c.name),
    email: optionalEmail(`contacts[${i}].email`, c.email) ?? '',
    phone: phone(`contacts[${i}].phone`, c.phone),
    title: optionalText(`contacts[${i}].title`, c.title),
  }));
}
