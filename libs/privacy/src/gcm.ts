import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';
import { createRequire } from 'node:module';

export const IV_BYTES = 12;
export const TAG_BYTES = 16;

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

/**
 * AES-256-GCM on a box, IV (12) ‖ ciphertext ‖ tag (16): the layout of the mention envelope
 * after its header, of a wrapped data key and of a per-field envelope.
 */
export interface Gcm {
  readonly backend: 'native' | 'node:crypto';
  /** The plaintext of `box[start..]`, or null when the tag does not match (tampered, wrong key or AAD). */
  open(key: Buffer, aad: Buffer, box: Buffer, start: number): Buffer | null;
  /** Writes IV ‖ ciphertext ‖ tag into `out[start..]` (`IV_BYTES + plain.length + TAG_BYTES` bytes). */
  seal(key: Buffer, aad: Buffer, iv: Buffer, plain: Buffer, out: Buffer, start: number): void;
}

/** node:crypto: five calls into C++ and a cipher object per operation (~3.9 µs to open 300 bytes). */
export const nodeGcm: Gcm = {
  backend: 'node:crypto',
  open(key, aad, box, start) {
    const ctStart = start + IV_BYTES;
    const ctEnd = box.length - TAG_BYTES;
    if (start > box.length || ctEnd < ctStart) {
      throw new TypeError('box must hold IV, ciphertext and tag from start');
    }
    const d = createDecipheriv('aes-256-gcm', key, box.subarray(start, ctStart));
    d.setAAD(aad);
    d.setAuthTag(box.subarray(ctEnd));
    const plain = d.update(box.subarray(ctStart, ctEnd));
    try {
      d.final();
    } catch {
      return null;
    }
    return plain;
  },
  seal(key, aad, iv, plain, out, start) {
    iv.copy(out, start);
    const c = createCipheriv('aes-256-gcm', key, iv);
    c.setAAD(aad);
    const at = start + IV_BYTES + c.update(plain).copy(out, start + IV_BYTES);
    if (c.final().length !== 0) throw new Error('AES-GCM returned bytes at final');
    c.getAuthTag().copy(out, at);
  },
};

/**
 * The addon `native/build.mjs` builds at install (same EVP calls, inside the node binary's
 * OpenSSL, ~0.6 µs to open 300 bytes), or undefined with the reason it is not there.
 */
export function loadNativeGcm(): { gcm?: Gcm; reason?: string } {
  let addon: {
    open(key: Buffer, aad: Buffer, box: Buffer, start: number, out: Buffer): boolean;
    seal: Gcm['seal'];
  };
  try {
    addon = createRequire(import.meta.url)('../native/build/aes_gcm.node') as typeof addon;
  } catch (err) {
    return { reason: (err as Error).message.split('\n')[0] };
  }
  return {
    gcm: {
      backend: 'native',
      open(key, aad, box, start) {
        // From Node's buffer pool: a buffer made in C would be a new ArrayBuffer per call.
        const out = Buffer.allocUnsafe(Math.max(0, box.length - start - IV_BYTES - TAG_BYTES));
        return addon.open(key, aad, box, start, out) ? out : null;
      },
      seal: addon.seal,
    },
  };
}

const loaded = loadNativeGcm();
/** What every envelope in this process uses: the addon when it was built, else node:crypto. */
export const gcm: Gcm = loaded.gcm ?? nodeGcm;
/** Why the addon is not used (undefined when it is). */
export const nativeGcmMissing: string | undefined = loaded.reason;
