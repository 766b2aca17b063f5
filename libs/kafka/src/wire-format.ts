import type avro from 'avsc';

/** Confluent wire format: magic byte 0, 4-byte big-endian schema id, Avro binary. */
export const MAGIC = 0;
export const HEADER = 5;

/** Writes the magic byte and `schemaId` at the start of `buf`. */
export function writeHeader(buf: Buffer, schemaId: number): void {
  buf.writeUInt8(MAGIC, 0);
  buf.writeInt32BE(schemaId, 1);
}

// Every encode writes here and its caller copies the bytes out once: `toBuffer` would write
// into avsc's own scratch, copy out, and framing would copy a second time. Encoding is
// synchronous, so one buffer serves the process.
let scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * Encodes `value` into the shared scratch buffer at `offset` and returns where it ends. The
 * bytes before `offset` are kept when the buffer grows, so one output may be built from
 * several encodes; read it with `encoded()` afterwards, as growing replaces the buffer.
 */
export function encodeAt(type: avro.Type, value: unknown, offset: number): number {
  let end = type.encode(value, scratch, offset);
  if (end < 0) {
    // A negative end is the bytes missing: grow once to fit this value, and keep the size.
    const grown = Buffer.allocUnsafe(Math.max(scratch.length * 2, scratch.length - end));
    scratch.copy(grown, 0, 0, offset);
    scratch = grown;
    end = type.encode(value, scratch, offset);
  }
  return end;
}

/** The scratch buffer holding what `encodeAt` wrote since. */
export function encoded(): Buffer {
  return scratch;
}
