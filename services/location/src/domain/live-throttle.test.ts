import { describe, expect, it } from '@jest/globals';
import { LiveThrottle } from './live-throttle.js';

describe('LiveThrottle', () => {
  it('sends the first value at once and holds the next ones until the interval is up, keeping the newest', () => {
    const t = new LiveThrottle<number>(1000);

    expect(t.offer('w1', 1, 0)).toBe(1);
    expect(t.offer('w1', 2, 100)).toBeUndefined();
    expect(t.offer('w1', 3, 500)).toBeUndefined();
    expect(t.due(999)).toEqual([]);
    expect(t.due(1000)).toEqual([['w1', 3]]);
    expect(t.due(5000)).toEqual([]);
  });

  it('keeps each key to its own pace', () => {
    const t = new LiveThrottle<string>(1000);

    expect(t.offer('a', 'a1', 0)).toBe('a1');
    expect(t.offer('b', 'b1', 600)).toBe('b1');
    expect(t.offer('a', 'a2', 700)).toBeUndefined();
    expect(t.offer('b', 'b2', 800)).toBeUndefined();

    expect(t.due(1000)).toEqual([['a', 'a2']]);
    expect(t.due(1600)).toEqual([['b', 'b2']]);
  });

  it('never sends twice within an interval, even when a value went out at once in between', () => {
    const t = new LiveThrottle<number>(1000);
    t.offer('w', 1, 0);
    t.offer('w', 2, 500); // waits for 1000
    expect(t.offer('w', 3, 1200)).toBe(3); // due() was not called: the interval is up, so it goes now
    expect(t.offer('w', 4, 1300)).toBeUndefined();

    // The stale entry (due 1000) must not let 4 out before 2200.
    expect(t.due(1300)).toEqual([]);
    expect(t.due(2199)).toEqual([]);
    expect(t.due(2200)).toEqual([['w', 4]]);
  });

  it('sends at once again after a quiet interval, and hands everything waiting to drain', () => {
    const t = new LiveThrottle<number>(1000);
    t.offer('w', 1, 0);
    expect(t.offer('w', 2, 3000)).toBe(2);
    t.offer('w', 3, 3100);
    t.offer('x', 1, 3100);
    t.offer('x', 2, 3200);

    expect(t.waitingCount).toBe(2);
    expect(t.drain()).toEqual([
      ['w', 3],
      ['x', 2],
    ]);
    expect(t.due(10_000)).toEqual([]);
  });
});
