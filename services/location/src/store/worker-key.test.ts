import { describe, expect, it } from '@jest/globals';
import { workerKey } from './worker-key.js';

describe('workerKey', () => {
  it('is FNV-1a 64 of "<tenant>:<worker>" as a signed 64-bit decimal, the same every time', () => {
    const reference = (s: string) => {
      let h = 0xcbf29ce484222325n;
      for (const c of Buffer.from(s)) h = ((h ^ BigInt(c)) * 0x100000001b3n) % 2n ** 64n;
      return BigInt.asIntN(64, h).toString();
    };

    expect(workerKey('t_1', 'usr_2')).toBe(reference('t_1:usr_2'));
    expect(workerKey('t_1', 'usr_2')).toBe(workerKey('t_1', 'usr_2'));
    expect(workerKey('t_1', 'usr_2')).not.toBe(workerKey('t_2', 'usr_2'));
    expect(reference('')).toBe(BigInt.asIntN(64, 0xcbf29ce484222325n).toString());
  });
});
