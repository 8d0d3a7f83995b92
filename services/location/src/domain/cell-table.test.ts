// The cell table behaves like a Map of small integers under any mix of sets, deletes and growth.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { CellTable } from './cell-table.js';

describe('CellTable', () => {
  it('agrees with a Map after random sets and deletes (collisions, probe runs, growth)', () => {
    const op = fc.tuple(
      fc.boolean(),
      fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 0x7fffffff })),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), (ops) => {
        const table = new CellTable<number>(4);
        const map = new Map<number, number>();
        ops.forEach(([isSet, key], i) => {
          if (isSet) {
            table.set(key, i);
            map.set(key, i);
          } else {
            expect(table.delete(key)).toBe(map.delete(key));
          }
        });
        expect(table.size).toBe(map.size);
        for (const [key, value] of map) expect(table.get(key)).toBe(value);
        for (const [, key] of ops) if (!map.has(key)) expect(table.get(key)).toBeUndefined();
        expect([...table.values()].sort((a, b) => a - b)).toEqual([...map.values()].sort((a, b) => a - b));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps every key reachable when deleting inside a probe run that wraps around the table end', () => {
    // 16 slots (capacity 4): find keys whose home slot is 15 and 0, so their probe runs wrap.
    const home = (key: number) => Math.imul(key, 0x9e3779b1) >>> 28;
    const at15: number[] = [];
    const at0: number[] = [];
    for (let k = 0; at15.length < 3 || at0.length < 2; k++) {
      if (home(k) === 15 && at15.length < 3) at15.push(k);
      else if (home(k) === 0 && at0.length < 2) at0.push(k);
    }
    const runs = [
      [at15[0], at15[1], at0[0], at15[2], at0[1]],
      [at15[0], at15[1], at0[0], at15[2]],
      [at15[0], at0[0], at15[1], at0[1]],
    ];
    for (const run of runs) {
      for (const victim of run) {
        const table = new CellTable<number>(4);
        for (const k of run) table.set(k, k);
        table.delete(victim);
        for (const k of run) expect(table.get(k)).toBe(k === victim ? undefined : k);
      }
    }
  });

  it('refuses keys it cannot hold', () => {
    const table = new CellTable<string>();
    expect(() => table.set(-1, 'x')).toThrow(RangeError);
    expect(() => table.set(2 ** 31, 'x')).toThrow(RangeError);
    expect(() => table.set(1.5, 'x')).toThrow(RangeError);
  });
});
