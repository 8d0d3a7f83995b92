// Field checks shared by every command: trimmed bounded text, e-mail, phone, ids; each refusal names the API field.
import { InvalidArgument } from '@fieldline/platform';

export const MAX_NAME = 200;
export const MAX_EMAIL = 254;
const MAX_ID = 100;
const MAX_PHONE = 40;

// Control characters have no business in names and would corrupt logs and e-mail headers.
const CONTROL = /\p{Cc}/u;

/** A trimmed, non-empty text of at most `max` characters. */
export function requiredText(field: string, value: string | undefined, max = MAX_NAME): string {
  const text = (value ?? '').trim();
  if (text === '') throw new InvalidArgument(field, `${field} is required`);
  return boundedText(field, text, max);
}

/** A trimmed text of at most `max` characters, possibly empty. */
export function optionalText(field: string, value: string | undefined, max = MAX_NAME): string {
  return boundedText(field, (value ?? '').trim(), max);
}

function boundedText(field: string, text: string, max: number): string {
  if ([...text].length > max) throw new InvalidArgument(field, `${field} can have at most ${max} characters`);
  if (CONTROL.test(text)) throw new InvalidArgument(field, `${field} cannot contain control characters`);
  return text;
}

// Deliberately plain: one @, no spaces, a dot in the domain. Deliverability is proven by the invitation e-mail.
const EMAIL = /^[^\s@]{1,64}@[^\s@.]+(\.[^\s@.]+)+$/;

/** A well-formed e-mail address, trimmed and lower-cased (addresses compare case-insensitively here). */
export function email(field: string, value: string | undefined): string {
  const text = (value ?? '').trim();
  if (text === '') throw new InvalidArgument(field, `${field} is required`);
  if (text.length > MAX_EMAIL) throw new InvalidArgument(field, `${field} can have at most ${MAX_EMAIL} characters`);
  if (!EMAIL.test(text) || CONTROL.test(text))
    throw new InvalidArgument(field, `${field} is not a valid e-mail address`);
  return text.toLowerCase();
}

/** An e-mail address, or undefined when none is given. */
export function optionalEmail(field: string, value: string | undefined): string | undefined {
  return (value ?? '').trim() === '' ? undefined : email(field, value);
}

const PHONE = /^[0-9+()./\s#*xX-]*$/;

/** A phone number as people write it (digits, spaces, + ( ) - . / x), or empty. */
export function phone(field: string, value: string | undefined): string {
  const text = (value ?? '').trim();
  if (text === '') return '';
  if (text.length > MAX_PHONE) throw new InvalidArgument(field, `${field} can have at most ${MAX_PHONE} characters`);
  if (!PHONE.test(text) || !/[0-9]/.test(text)) throw new InvalidArgument(field, `${field} is not a phone number`);
  return text;
}

/** An id given by the client: non-empty and short. Whether it exists is the store's question. */
export function id(field: string, value: string | undefined): string {
  const text = (value ?? '').trim();
  if (text === '') throw new InvalidArgument(field, `${field} is required`);
  if (text.length > MAX_ID || CONTROL.test(text)) throw new InvalidArgument(field, `${field} is not a valid id`);
  return text;
}

/** An optional id: undefined when empty. */
export function optionalId(field: string, value: string | undefined): string | undefined {
  return (value ?? '').trim() === '' ? undefined : id(field, value);
}

/** An integer within [min, max]. */
export function intInRange(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgument(field, `${field} must be an integer from ${min} to ${max}`);
  }
  return value;
}

/** The value when it is one of `allowed`, else an error listing them. */
export function oneOf<T extends string>(field: string, value: string, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) throw new InvalidArgument(field, `${field} must be one of ${allowed.join(', ')}`);
  return value as T;
}

/** Checks an expected version when the client sent one (optimistic concurrency). */
export function expectedVersion(value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  return intInRange('version', value, 1, 2_147_483_647);
}
