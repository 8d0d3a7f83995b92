// Unit tests of the shared field checks: trimming, lengths in characters, e-mail and phone shapes.
import { describe, expect, it } from '@jest/globals';
import { email, optionalEmail, phone, requiredText } from './fields.js';

describe('field checks', () => {
  it('trim text and count characters, not UTF-16 units', () => {
    expect(requiredText('name', '  Zoë ')).toBe('Zoë');
    expect(requiredText('name', '🔧'.repeat(200))).toHaveLength(400);
    expect(() => requiredText('name', '🔧'.repeat(201))).toThrow(expect.objectContaining({ field: 'name' }));
    expect(() => requiredText('name', '\t\n')).toThrow(/name is required/);
  });

  it('accept plain addresses and refuse malformed ones', () => {
    expect(email('email', 'First.Last+tag@Sub.Example.org')).toBe('first.last+tag@sub.example.org');
    for (const bad of ['a@b', 'a b@c.de', '@c.de', 'a@@c.de', 'a@c..de', `${'a'.repeat(65)}@c.de`]) {
      expect(() => email('email', bad)).toThrow(expect.objectContaining({ field: 'email' }));
    }
    expect(optionalEmail('email', ' ')).toBeUndefined();
  });

  it('accept phone numbers as people write them', () => {
    expect(phone('phone', ' +49 (30) 123-456 x7 ')).toBe('+49 (30) 123-456 x7');
    expect(phone('phone', '')).toBe('');
    expect(() => phone('phone', 'call me')).toThrow(expect.objectContaining({ field: 'phone' }));
  });
});
