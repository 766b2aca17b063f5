/**
 * PostgreSQL array literals for `unnest($1::text[], …)` parameters, built in
 * one pass. node-postgres serializes JS arrays element by element through
 * generic escaping; for the 40-odd columns of a 500-row batch that was a
 * third of the service's CPU. Every text element is double-quoted, so only
 * `"` and `\` need escaping; NUL cannot be stored in PostgreSQL text and is
 * dropped.
 */
export function textArray<T>(rows: readonly T[], get: (row: T) => string | null): string {
  const parts = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const v = get(rows[i]!);
    parts[i] = v === null ? 'NULL' : `"${needsEscape(v) ? escape(v) : v}"`;
  }
  return `{${parts.join(',')}}`;
}

/** Integers and finite doubles; String() of a double round-trips exactly. */
export function numberArray<T>(rows: readonly T[], get: (row: T) => number | null): string {
  const parts = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const v = get(rows[i]!);
    // Most rollup counters are small integers; their text is precomputed.
    parts[i] =
      v === null
        ? 'NULL'
        : v >= 0 && v < SMALL.length && Number.isInteger(v)
          ? SMALL[v]!
          : String(v);
  }
  return `{${parts.join(',')}}`;
}

const SMALL = Array.from({ length: 4096 }, (_, i) => String(i));

export function boolArray<T>(rows: readonly T[], get: (row: T) => boolean): string {
  const parts = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) parts[i] = get(rows[i]!) ? 't' : 'f';
  return `{${parts.join(',')}}`;
}

const NUL = String.fromCharCode(0);

function needsEscape(v: string): boolean {
  return v.includes('"') || v.includes('\\') || v.includes(NUL);
}

function escape(v: string): string {
  return v.split(NUL).join('').replace(/["\\]/g, '\\$&');
}
