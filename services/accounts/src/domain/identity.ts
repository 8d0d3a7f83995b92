// What signing up and logging in need: the checks run before any lookup or password hashing.
import { InvalidArgument } from '@fieldline/platform';
import { email, requiredText } from './fields.js';
import { password } from './user.js';

// Bounds the scrypt work a login can make us do; real passwords are far shorter (creation caps them at 200).
const MAX_LOGIN_PASSWORD = 1024;
const MAX_TOKEN = 512;

export function signupInput(input: { companyName?: string; name?: string; email?: string; password?: string }) {
  return {
    companyName: requiredText('companyName', input.companyName),
    name: requiredText('name', input.name),
    email: email('email', input.email),
    password: password('password', input.password ?? ''),
  };
}

export function loginInput(input: { tenantSlug?: string; email?: string; password?: string }) {
  const plain = input.password ?? '';
  if (plain === '') throw new InvalidArgument('password', 'password is required');
  if (plain.length > MAX_LOGIN_PASSWORD) throw new InvalidArgument('password', 'password is too long');
  return {
    tenantSlug: requiredText('tenant', input.tenantSlug, 100).toLowerCase(),
    email: email('email', input.email),
    password: plain,
  };
}

/** An opaque token presented by a client (refresh, invitation): present and of sane length. */
export function presentedToken(field: string, value: string | undefined): string {
  const token = (value ?? '').trim();
  if (token === '') throw new InvalidArgument(field, `${field} is required`);
  if (token.length > MAX_TOKEN) throw new InvalidArgument(field, `${field} is not a valid token`);
  return token;
}
