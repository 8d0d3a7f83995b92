// Public intake rules: the request form's fields and the VoIP call event.
import { describe, expect, it } from '@jest/globals';
import { formKey, incomingCall, publicRequest } from './public-intake.js';

const categories = ['Maintenance', 'Repair'];
const form = (over: Partial<Parameters<typeof publicRequest>[0]> = {}) =>
  publicRequest(
    {
      formKey: 'fk_1',
      name: 'Rita Requester',
      email: 'Rita@Example.com',
      phone: '',
      title: 'Leaking tap',
      description: 'Kitchen tap drips.\nSince Monday.',
      category: '',
      address: '',
      customerCode: '',
      ...over,
    },
    categories,
  );

function errorOf(fn: () => unknown) {
  try {
    fn();
  } catch (err) {
    return err as { kind: string; field?: string };
  }
  throw new Error('expected an error');
}

describe('public request form', () => {
  it('keeps the contact, the title and a multi-line description; the category takes the tenant spelling', () => {
    const r = form({ category: 'repair', customerCode: ' ACME ' });

    expect(r).toMatchObject({
      contact: { name: 'Rita Requester', email: 'rita@example.com', phone: '' },
      title: 'Leaking tap',
      description: 'Kitchen tap drips.\nSince Monday.',
      category: 'Repair',
      customerCode: 'ACME',
    });
    expect(form().category).toBeUndefined();
  });

  it('takes a phone instead of an e-mail', () => {
    expect(form({ email: '', phone: '+49 30 1234567' }).contact.phone).toBe('+49 30 1234567');
  });

  it.each([
    [{ name: '' }, 'name'],
    [{ email: '', phone: '' }, 'email'],
    [{ email: 'not-an-address' }, 'email'],
    [{ phone: 'call me' }, 'phone'],
    [{ title: ' ' }, 'title'],
    [{ title: 'x'.repeat(201) }, 'title'],
    [{ description: 'x'.repeat(5001) }, 'description'],
    [{ description: 'bell\u0007' }, 'description'],
    [{ category: 'Plumbing' }, 'category'],
  ])('refuses %j naming %s', (over, field) => {
    expect(errorOf(() => form(over))).toMatchObject({ kind: 'invalid_argument', field });
  });

  it('refuses an empty form key', () => {
    expect(errorOf(() => formKey(' ')).field).toBe('formKey');
  });
});

describe('VoIP calls', () => {
  it('titles the job after the caller', () => {
    expect(incomingCall({ from: '+1 555 0100', to: '+1 555 0199', callId: 'c-1' })).toEqual({
      from: '+1 555 0100',
      to: '+1 555 0199',
      callId: 'c-1',
      title: 'Call from +1 555 0100',
    });
  });

  it('needs the caller number and the call id', () => {
    expect(errorOf(() => incomingCall({ from: '', to: '', callId: 'c' })).field).toBe('from');
    expect(errorOf(() => incomingCall({ from: 'anonymous', to: '', callId: 'c' })).field).toBe('from');
    expect(errorOf(() => incomingCall({ from: '+1 555', to: '', callId: ' ' })).field).toBe('callId');
  });
});
