// Public intake rules: the request form (no login) and the VoIP call webhook, turned into job drafts.
import { InvalidArgument } from '@fieldline/platform';

const CONTROL = /\p{Cc}/u;
const EMAIL = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/;
const PHONE = /^[0-9+()./\s#*xX-]*$/;

export const MAX_TITLE = 200;
export const MAX_DESCRIPTION = 5000;

export interface PublicRequestInput {
  formKey: string;
  name: string;
  email: string;
  phone: string;
  title: string;
  description: string;
  category: string;
  address: string;
  customerCode: string;
}

export interface PublicRequest {
  contact: { name: string; email: string; phone: string };
  title: string;
  description: string;
  /** The tenant's spelling of the category, or undefined when none was given. */
  category: string | undefined;
  address: string;
  customerCode: string | undefined;
}

export function formKey(value: string): string {
  const key = value.trim();
  // Anything else cannot be a key we issued; answering NOT_FOUND later would cost a lookup for nothing.
  if (key === '' || key.length > 100 || CONTROL.test(key)) throw new InvalidArgument('formKey', 'formKey is not valid');
  return key;
}

/** Checks a submitted form against the tenant's categories; the honeypot is the gateway's business. */
export function publicRequest(input: PublicRequestInput, tenantCategories: readonly string[]): PublicRequest {
  const name = text('name', input.name, 200, true);
  const email = optionalEmail('email', input.email);
  const phone = optionalPhone('phone', input.phone);
  if (!email && !phone) throw new InvalidArgument('email', 'give an email or a phone number so we can answer you');
  const title = text('title', input.title, MAX_TITLE, true);
  const description = text('description', input.description, MAX_DESCRIPTION, false, true);
  const address = text('address', input.address, 500, false);
  const customerCode = text('customerCode', input.customerCode, 40, false) || undefined;
  return {
    contact: { name, email, phone },
    title,
    description,
    category: category(input.category, tenantCategories),
    address,
    customerCode,
  };
}

/** A category given on the form must be one of the tenant's (compared case-insensitively). */
function category(value: string, tenantCategories: readonly string[]): string | undefined {
  const wanted = value.trim();
  if (wanted === '') return undefined;
  const found = tenantCategories.find((c) => c.toLowerCase() === wanted.toLowerCase());
  if (!found) throw new InvalidArgument('category', `category must be one of ${tenantCategories.join(', ')}`);
  return found;
}

export interface CallInput {
  from: string;
  to: string;
  callId: string;
}

export interface Call {
  from: string;
  to: string;
  callId: string;
  title: string;
}

/** A VoIP call event: the caller's number is required (it is what finds the customer). */
export function incomingCall(input: CallInput): Call {
  const from = optionalPhone('from', input.from);
  if (!from) throw new InvalidArgument('from', 'from is required');
  const to = optionalPhone('to', input.to);
  const callId = input.callId.trim();
  if (callId === '') throw new InvalidArgument('callId', 'callId is required');
  if (callId.length > 200 || CONTROL.test(callId)) throw new InvalidArgument('callId', 'callId is not valid');
  return { from, to, callId, title: `Call from ${from}` };
}

function text(field: string, value: string, max: number, required: boolean, multiline = false): string {
  const out = value.trim();
  if (required && out === '') throw new InvalidArgument(field, `${field} is required`);
  if ([...out].length > max) throw new InvalidArgument(field, `${field} can have at most ${max} characters`);
  // A description may have line breaks and tabs; nothing else invisible belongs in a job.
  if (CONTROL.test(multiline ? out.replace(/[\n\r\t]/g, '') : out))
    throw new InvalidArgument(field, `${field} cannot contain control characters`);
  return out;
}

function optionalEmail(field: string, value: string): string {
  const out = value.trim();
  if (out === '') return '';
  if (out.length > 254 || !EMAIL.test(out) || CONTROL.test(out)) {
    throw new InvalidArgument(field, `${field} is not a valid e-mail address`);
  }
  return out.toLowerCase();
}

function optionalPhone(field: string, value: string): string {
  const out = value.trim();
  if (out === '') return '';
  if (out.length > 40 || !PHONE.test(out) || !/[0-9]/.test(out)) {
    throw new InvalidArgument(field, `${field} is not a phone number`);
  }
  return out;
}
