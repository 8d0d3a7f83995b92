// PostgreSQL array literals built straight from columns: node-postgres escapes arrays element by element
// through generic code, which was the service's largest cost per ping in the ingest benchmark.

/**
 * `{1.5,2,NULL}` for a float8[] / real[] / bigint[] parameter; non-finite numbers become NULL. Integers
 * within ±2^30 print several times faster than fractions: callers scale where they can (see TrackBatch).
 */
export function numberArray(values: ReadonlyArray<number | null | undefined>): string {
  let plain = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      plain = false;
      break;
    }
  }
  // Array.prototype.join converts numbers natively: much less garbage than concatenating.
  if (plain) return `{${values.join(',')}}`;
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    out += typeof v === 'number' && Number.isFinite(v) ? String(v) : 'NULL';
  }
  return `${out}}`;
}

const NEEDS_ESCAPE = /["\\]/g;

/** `{"a","b \"c\""}` for a text[] parameter (every element quoted, so commas, braces and NULL stay text). */
export function textArray(values: ReadonlyArray<string | null | undefined>): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    out += v === null || v === undefined ? 'NULL' : `"${v.replace(NEEDS_ESCAPE, '\\$&')}"`;
  }
  return `${out}}`;
}
