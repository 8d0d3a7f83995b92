// A worker's track cut into segments where the phone was silent long, so a map draws no straight jump over a gap.

/** A silence longer than this (device time) starts a new segment. */
export const TRACK_GAP_MS = 5 * 60_000;

/** Splits points (in device-time order) wherever two neighbours are more than `gapMs` apart. */
export function splitTrack<P extends { deviceTime: number }>(points: readonly P[], gapMs = TRACK_GAP_MS): P[][] {
  const segments: P[][] = [];
  let current: P[] = [];
  for (const p of points) {
    const last = current[current.length - 1];
    if (last && p.deviceTime - last.deviceTime > gapMs) {
      segments.push(current);
      current = [];
    }
    current.push(p);
  }
  if (current.length > 0) segments.push(current);
  return segments;
}

/**
 * Keeps at most `max` points by taking every k-th one, always keeping the first and last point of each
 * silence-separated run, so thinning never hides where a segment starts or ends.
 */
export function thinTrack<P extends { deviceTime: number }>(
  points: readonly P[],
  max: number,
  gapMs = TRACK_GAP_MS,
): P[] {
  if (points.length <= max) return [...points];
  const k = Math.ceil(points.length / max);
  const out: P[] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    const prev = points[i - 1];
    const next = points[i + 1];
    const edge =
      prev === undefined ||
      next === undefined ||
      p.deviceTime - prev.deviceTime > gapMs ||
      next.deviceTime - p.deviceTime > gapMs;
    if (edge || i % k === 0) out.push(p);
  }
  return out;
}
