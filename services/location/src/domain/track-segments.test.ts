import { describe, expect, it } from '@jest/globals';
import { splitTrack, TRACK_GAP_MS, thinTrack } from './track-segments.js';

const at = (...minutes: number[]) => minutes.map((m) => ({ deviceTime: m * 60_000 }));

describe('splitTrack', () => {
  it('cuts where neighbours are more than five minutes apart, not at exactly five', () => {
    const segments = splitTrack(at(0, 1, 2, 7, 8, 14));

    expect(segments.map((s) => s.map((p) => p.deviceTime / 60_000))).toEqual([[0, 1, 2, 7, 8], [14]]);
    expect(TRACK_GAP_MS).toBe(5 * 60_000);
  });

  it('gives no segment for no points', () => {
    expect(splitTrack([])).toEqual([]);
  });
});

describe('thinTrack', () => {
  it('keeps at most about `max` points, and the first and last of every run', () => {
    const points = [...at(...Array.from({ length: 100 }, (_, i) => i / 10)), ...at(20, 20.1, 20.2)];

    const thin = thinTrack(points, 10);

    expect(thin.length).toBeLessThanOrEqual(15);
    expect(thin[0]).toBe(points[0]);
    expect(thin).toContain(points[99]);
    expect(thin).toContain(points[100]);
    expect(thin[thin.length - 1]).toBe(points[102]);
  });

  it('returns short tracks as they are', () => {
    const points = at(0, 1, 2);
    expect(thinTrack(points, 10)).toEqual(points);
  });
});
