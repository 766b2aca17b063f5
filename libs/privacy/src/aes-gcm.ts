import { createSecretKey, randomFillSync, type KeyObject } from 'node:crypto';
import type { DataKey } from './keyring.ts';

export const IV_BYTES = 12;

// One KeyObject per data key: no copy and check of the raw key per operation.
const keyObjects = new WeakMap<DataKey, KeyObject>();
export function keyObject(k: DataKey): KeyObject {
  let o = keyObjects.get(k);
  if (!o) keyObjects.set(k, (o = createSecretKey(k.key)));
  return o;
}

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
