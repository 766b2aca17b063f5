import { randomFillSync } from 'node:crypto';

export const IV_BYTES = 12;

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
