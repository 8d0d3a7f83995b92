// Unit tests of refresh-token refusals: spent or revoked means reuse, past the expiry means expired.
import { describe, expect, it } from '@jest/globals';
import { type RefreshToken, refreshExpiry, refreshRefusal } from './refresh-token.js';

const now = new Date('2030-01-01T00:00:00Z');
const token = (over: Partial<RefreshToken> = {}): RefreshToken => ({
  id: 'rt_1',
  tenantId: 't_1',
  userId: 'usr_1',
  familyId: 'rtf_1',
  expiresAt: refreshExpiry(now, 30),
  ...over,
});

describe('refreshRefusal', () => {
  it('accepts a fresh token', () => {
    expect(refreshRefusal(token(), now)).toBeUndefined();
  });

  it('calls a used or revoked token reused, even when it has expired too', () => {
    expect(refreshRefusal(token({ usedAt: now }), now)).toBe('reused');
    expect(refreshRefusal(token({ revokedAt: now, expiresAt: new Date(0) }), now)).toBe('reused');
  });

  it('calls a token expired from its expiry instant', () => {
    expect(refreshRefusal(token({ expiresAt: now }), now)).toBe('expired');
  });
});
