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

/**
 * Arrays in PostgreSQL's binary format (array_recv), which node-postgres
 * sends as a binary parameter when given a Buffer. The server then reads
 * 8-byte integers and doubles as they are instead of parsing decimal text
 * (int8in, float8in); `elementOid` must be the element type of the cast the
 * statement puts on the parameter.
 */
const ELEMENT_OID = { int8: 20, float8: 701, bool: 16 } as const;
type BinaryElement = keyof typeof ELEMENT_OID;

const ELEMENT_BYTES: Record<BinaryElement, number> = { int8: 8, float8: 8, bool: 1 };
const TWO_32 = 2 ** 32;

function binaryArray<T, V>(
  element: BinaryElement,
  rows: readonly T[],
  get: (row: T) => V | null,
  write: (buf: Buffer, at: number, v: V) => void,
): Buffer {
  const n = rows.length;
  const size = ELEMENT_BYTES[element];
  // Header: dimensions, has-nulls flag, element type, then length and lower bound per dimension.
  const header = n === 0 ? 12 : 20;
  const buf = Buffer.allocUnsafe(header + n * (4 + size));
  buf.writeInt32BE(n === 0 ? 0 : 1, 0);
  buf.writeInt32BE(0, 4);
  buf.writeUInt32BE(ELEMENT_OID[element], 8);
  if (n === 0) return buf;
  buf.writeInt32BE(n, 12);
  buf.writeInt32BE(1, 16);
  let at = header;
  let nulls = false;
  for (let i = 0; i < n; i++) {
    const v = get(rows[i]!);
    if (v === null) {
      buf.writeInt32BE(-1, at);
      at += 4;
      nulls = true;
      continue;
    }
    buf.writeInt32BE(size, at);
    write(buf, at + 4, v);
    at += 4 + size;
  }
  if (nulls) buf.writeInt32BE(1, 4);
  return buf.subarray(0, at);
}

/** bigint[]: integers only, within ±2^53 (a fraction would be truncated silently, so it throws). */
export function int8ArrayBinary<T>(rows: readonly T[], get: (row: T) => number | null): Buffer {
  return binaryArray('int8', rows, get, (buf, at, v: number) => {
    if (!Number.isSafeInteger(v)) throw new RangeError(`not a bigint: ${v}`);
    const high = Math.floor(v / TWO_32);
    buf.writeInt32BE(high, at);
    buf.writeUInt32BE(v - high * TWO_32, at + 4);
  });
}

/** double precision[]: the exact double, no decimal round trip. */
export function float8ArrayBinary<T>(rows: readonly T[], get: (row: T) => number | null): Buffer {
  return binaryArray('float8', rows, get, (buf, at, v: number) => buf.writeDoubleBE(v, at));
}

export function boolArrayBinary<T>(rows: readonly T[], get: (row: T) => boolean | null): Buffer {
  return binaryArray('bool', rows, get, (buf, at, v: boolean) => buf.writeUInt8(v ? 1 : 0, at));
}
