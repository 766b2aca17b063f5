import { createHmac, randomBytes } from 'node:crypto';
import { HarkError } from '@hark/errors';
import { gcm, IV_BYTES, TAG_BYTES } from './gcm.ts';

/** A key-encryption key: the master key that wraps every data key, with its stable id. */
export interface MasterKey {
  /** 16 hex chars derived from the key (HMAC), stored beside each wrapped key. */
  readonly id: string;
  readonly key: Buffer;
}

const wrapAad = (keyId: string): Buffer => Buffer.from(`hark-privacy-data-key-v1:${keyId}`);

/**
 * Parses a base64 (or base64url) 32-byte master key. The id is derived from the
 * key itself, so a row wrapped with an older key names the key it needs.
 */
export function parseMasterKey(raw: string): MasterKey {
  const trimmed = raw.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    throw new HarkError('HARK_PRIVACY_MASTER_KEY_INVALID', 'master key must be base64');
  }
  const key = Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (key.length !== 32) {
    throw new HarkError(
      'HARK_PRIVACY_MASTER_KEY_INVALID',
      `master key must decode to 32 bytes, got ${key.length}`,
    );
  }
  const id = createHmac('sha256', key).update('hark-privacy-kek-id').digest('hex').slice(0, 16);
  return Object.freeze({ id, key });
}

/** A fresh random master key, base64 (for `.stack/` and tests). */
export function generateMasterKey(): string {
  return randomBytes(32).toString('base64');
}

/**
 * Seals a 32-byte data key: iv(12) ‖ ciphertext(32) ‖ tag(16). `iv` must be
 * fresh random bytes; when absent, they are drawn here (the keyring draws a
 * batch's IVs in one call).
 */
export function wrapDataKey(
  master: MasterKey,
  dataKey: Buffer,
  keyId: string,
  iv: Buffer = randomBytes(12),
): Buffer {
  const wrapped = Buffer.allocUnsafe(IV_BYTES + dataKey.length + TAG_BYTES);
  gcm.seal(master.key, wrapAad(keyId), iv, dataKey, wrapped, 0);
  return wrapped;
}

/** Opens a wrapped data key; a wrong master key or a tampered row throws HARK_PRIVACY_KEY_UNWRAP_FAILED. */
export function unwrapDataKey(master: MasterKey, wrapped: Buffer, keyId: string): Buffer {
  const key =
    wrapped.length === IV_BYTES + 32 + TAG_BYTES
      ? gcm.open(master.key, wrapAad(keyId), wrapped, 0)
      : null;
  if (key === null) {
    throw new HarkError(
      'HARK_PRIVACY_KEY_UNWRAP_FAILED',
      `data key ${keyId} does not open with master key ${master.id}`,
      { context: { keyId, kekId: master.id } },
    );
  }
  return key;
}
