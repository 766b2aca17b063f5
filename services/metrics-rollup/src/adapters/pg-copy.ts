import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient } from '@hark/db';
import { from as copyFrom } from 'pg-copy-streams';

/**
 * How a column is written in PostgreSQL's binary COPY format; each kind must
 * be the column's exact type (binary COPY converts nothing): `text` text,
 * `int` bigint, `float` double precision, `bool` boolean, `ms` timestamptz
 * from epoch milliseconds, `list` text[].
 */
export type CopyKind = 'text' | 'int' | 'float' | 'bool' | 'ms' | 'list';

export interface CopyColumn<T> {
  name: string;
  kind: CopyKind;
  get: (row: T) => string | number | boolean | null;
  /** The elements of a `list` column. */
  items?: (row: T) => readonly string[];
}

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** 2000-01-01T00:00:00Z, PostgreSQL's timestamp epoch, in Unix milliseconds. */
const PG_EPOCH_MS = 946_684_800_000;
const TEXT_OID = 25;
const TWO_32 = 2 ** 32;
const NUL = String.fromCharCode(0);

/** A growable buffer for one COPY payload. */
class Writer {
  buf: Buffer;
  at = 0;

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  ensure(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }

  int16(v: number): void {
    this.ensure(2);
    this.at = this.buf.writeInt16BE(v, this.at);
  }

  int32(v: number): void {
    this.ensure(4);
    this.at = this.buf.writeInt32BE(v, this.at);
  }

  /** A length-prefixed 8-byte integer field; a fraction would be truncated silently, so it throws. */
  int64Field(v: number): void {
    if (!Number.isSafeInteger(v)) throw new RangeError(`not a bigint: ${v}`);
    this.ensure(12);
    const high = Math.floor(v / TWO_32);
    this.at = this.buf.writeInt32BE(8, this.at);
    this.at = this.buf.writeInt32BE(high, this.at);
    this.at = this.buf.writeUInt32BE(v - high * TWO_32, this.at);
  }

  float64Field(v: number): void {
    this.ensure(12);
    this.at = this.buf.writeInt32BE(8, this.at);
    this.at = this.buf.writeDoubleBE(v, this.at);
  }

  /** A length-prefixed UTF-8 string; NUL, which PostgreSQL text cannot hold, is dropped. */
  textField(s: string): void {
    const v = s.includes(NUL) ? s.split(NUL).join('') : s;
    this.ensure(4 + v.length * 3);
    const n = this.buf.write(v, this.at + 4, 'utf8');
    this.buf.writeInt32BE(n, this.at);
    this.at += 4 + n;
  }

  /** A one-dimensional text[] (array_recv's format), length-prefixed. */
  textArrayField(items: readonly string[]): void {
    this.int32(0); // length, patched below
    const start = this.at;
    this.int32(items.length === 0 ? 0 : 1);
    this.int32(0);
    this.int32(TEXT_OID);
    if (items.length > 0) {
      this.int32(items.length);
      this.int32(1);
      for (const item of items) this.textField(item);
    }
    this.buf.writeInt32BE(this.at - start, start - 4);
  }
}

/** The rows as one binary COPY payload (header, tuples, trailer). */
export function encodeCopyBinary<T>(columns: readonly CopyColumn<T>[], rows: readonly T[]): Buffer {
  // Sized for rows of up to 1 KiB, so a usual batch never grows (each growth copies the payload).
  const w = new Writer(4096 + rows.length * 1024);
  w.ensure(SIGNATURE.length + 8);
  w.at += SIGNATURE.copy(w.buf, w.at);
  w.int32(0); // flags: no OIDs
  w.int32(0); // header extension length
  for (const row of rows) {
    w.int16(columns.length);
    for (const c of columns) {
      if (c.kind === 'list') {
        w.textArrayField(c.items!(row));
        continue;
      }
      const v = c.get(row);
      if (v === null) w.int32(-1);
      else if (c.kind === 'text') w.textField(v as string);
      else if (c.kind === 'int') w.int64Field(v as number);
      else if (c.kind === 'ms') w.int64Field(((v as number) - PG_EPOCH_MS) * 1000);
      else if (c.kind === 'float') w.float64Field(v as number);
      else {
        w.ensure(5);
        w.at = w.buf.writeInt32BE(1, w.at);
        w.at = w.buf.writeUInt8(v ? 1 : 0, w.at);
      }
    }
  }
  w.int16(-1);
  return w.buf.subarray(0, w.at);
}

/**
 * Inserts the rows with one binary COPY, inside the caller's transaction.
 * COPY batches heap inserts and their WAL records (several rows per record)
 * and the server reads binary fields without parsing text.
 */
export async function copyRows<T>(
  client: PoolClient,
  table: string,
  columns: readonly CopyColumn<T>[],
  rows: readonly T[],
): Promise<void> {
  const names = columns.map((c) => c.name).join(', ');
  const stream = client.query(copyFrom(`copy ${table} (${names}) from stdin (format binary)`));
  await pipeline(Readable.from([encodeCopyBinary(columns, rows)]), stream);
}
