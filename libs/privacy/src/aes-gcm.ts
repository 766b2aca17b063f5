import { randomFillSync } from 'node:crypto';

export const IV_BYTES = 12;

// Data keys are passed to createCipheriv as their raw bytes, not as KeyObjects: a cached
// KeyObject saves nothing per operation (3.5 µs either way, libs/privacy README), and most
// keys are used once per process (a new author), where createSecretKey cost 1.45 µs and a
// native handle for the GC to finalise.

// IVs come from a pooled random buffer: one getrandom call per 4 KiB, not per operation.
const ivPool = Buffer.alloc(4096);
let ivOffset = ivPool.length;
/** A fresh random IV, as a view into the pool: copy it before the next call. */
export function nextIv(): Buffer {
  if (ivOffset + IV_BYTES > ivPool.length) {
    randomFillSync(ivPool);
    ivOffset = 0;
  }
  const iv = ivPool.subarray(ivOffset, ivOffset + IV_BYTES);
  ivOffset += IV_BYTES;
  return iv;
}
