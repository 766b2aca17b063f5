import { HarkError } from '@hark/errors';
import type { Mention } from '@hark/events';
import { gcm, IV_BYTES, nextIv, TAG_BYTES } from './gcm.ts';
import type { DataKey } from './keyring.ts';

/**
 * Format 2 (`hk2`): one AES-256-GCM envelope per mention for all its personal
 * fields, in `Mention.sealed`:
 *
 *   version (1 byte = 2) ‖ key id (16 bytes) ‖ IV (12) ‖ ciphertext ‖ tag (16)
 *
 * The plaintext is the eight fields of MENTION_PII_FIELDS in that order, each
 * as a varint (0 = null, else UTF-8 length + 1) and its bytes. The associated
 * data `hk2|<mentionId>|<platform:authorId>|<revision>|<keyId>` binds the
 * envelope to its mention, author, revision and key: moved onto another
 * record, it fails its tag.
 */
export const SEALED_VERSION = 2;
/** Text form of an envelope, where a string is needed (JSON, the action outbox). */
export const SEALED_TEXT_PREFIX = 'hk2:';
const KEY_ID_BYTES = 16;
const HEADER = 1 + KEY_ID_BYTES;
const MIN_LENGTH = HEADER + IV_BYTES + TAG_BYTES;

/** A Mention's personal fields (MENTION_PII_FIELDS), in envelope order: the order is hk2's wire format. */
export const SEALED_FIELDS = [
  'url',
  'title',
  'text',
  'author.handle',
  'author.name',
  'author.location',
  'author.email',
  'author.profileUrl',
] as const;

/**
 * The canonical base64url text of 16 bytes: 22 characters, the last carrying two bits and
 * four zero bits. Checked per seal without decoding and printing the id back.
 */
const KEY_ID_TEXT = /^[A-Za-z0-9_-]{21}[AQgw]$/;

/** Writes the key's 16-byte id at `offset`; an id of another shape throws. */
function writeKeyId(out: Buffer, k: DataKey, offset: number): void {
  if (!KEY_ID_TEXT.test(k.keyId)) {
    throw new HarkError('HARK_PRIVACY_CIPHERTEXT_INVALID', 'data key id is not 16 bytes', {
      context: { keyId: k.keyId },
    });
  }
  out.write(k.keyId, offset, KEY_ID_BYTES, 'base64url');
}

function associatedData(m: Mention, keyId: string): Buffer {
  return Buffer.from(`hk2|${m.mentionId}|${m.platform}:${m.author.id}|${m.revision}|${keyId}`);
}

function personalValues(m: Mention): (string | null)[] {
  const a = m.author;
  return [m.url, m.title, m.text, a.handle, a.name, a.location, a.email, a.profileUrl];
}

function writeVarint(buf: Buffer, n: number, pos: number): number {
  while (n >= 0x80) {
    buf[pos++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 0x80);
  }
  buf[pos++] = n;
  return pos;
}

function varintSize(n: number): number {
  let s = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    s++;
  }
  return s;
}

// The plaintext is built in one reused buffer (sealing is synchronous): no allocation and a
// single UTF-8 pass per field. Each string is written after room for its longest length
// prefix, then moved back when the prefix is shorter.
let scratch = Buffer.allocUnsafe(16 * 1024);

function writePersonal(values: readonly (string | null)[]): number {
  let need = 0;
  for (const v of values) need += 5 + (v === null ? 0 : v.length * 3);
  if (need > scratch.length) scratch = Buffer.allocUnsafe(Math.max(need, scratch.length * 2));
  const buf = scratch;
  let pos = 0;
  for (const v of values) {
    if (v === null) {
      buf[pos++] = 0;
      continue;
    }
    const n = buf.write(v, pos + 5, 'utf8');
    const size = varintSize(n + 1);
    writeVarint(buf, n + 1, pos);
    if (size < 5) buf.copyWithin(pos + size, pos + 5, pos + 5 + n);
    pos += size + n;
  }
  return pos;
}

/** The plaintext of an envelope: each field as varint(length + 1, 0 = null) ‖ UTF-8. */
export function encodePersonal(values: readonly (string | null)[]): Buffer {
  const length = writePersonal(values);
  return Buffer.from(scratch.subarray(0, length));
}

/**
 * Reads the plaintext back; `want[i]` false skips decoding field i (left
 * undefined). Throws on a malformed layout, which a passing tag rules out
 * unless the writer was broken.
 */
export function decodePersonal(
  buf: Buffer,
  count: number,
  want?: readonly boolean[],
): (string | null | undefined)[] {
  const out: (string | null | undefined)[] = new Array(count);
  let pos = 0;
  for (let i = 0; i < count; i++) {
    let n = 0;
    let scale = 1;
    for (;;) {
      if (pos >= buf.length || scale > 2 ** 28) throw new Error('truncated field length');
      const b = buf[pos++]!;
      n += (b & 0x7f) * scale;
      if (b < 0x80) break;
      scale *= 0x80;
    }
    if (n === 0) {
      out[i] = null;
      continue;
    }
    const end = pos + n - 1;
    if (end > buf.length) throw new Error('field runs past the end');
    if (!want || want[i]) out[i] = buf.toString('utf8', pos, end);
    pos = end;
  }
  if (pos !== buf.length) throw new Error(`${buf.length - pos} trailing bytes`);
  return out;
}

/** The key id an envelope names. Throws for an unknown version or a truncated envelope. */
export function sealedKeyId(sealed: Buffer): string {
  if (sealed.length === 0 || sealed[0] !== SEALED_VERSION) {
    throw new HarkError(
      'HARK_PRIVACY_ENVELOPE_VERSION_UNSUPPORTED',
      `sealed envelope has version ${sealed.length === 0 ? 'none' : sealed[0]}; this reader knows ${SEALED_VERSION}`,
      { context: { field: 'sealed', version: sealed[0] ?? null } },
    );
  }
  if (sealed.length < MIN_LENGTH) {
    throw sealedInvalid(null, `envelope is truncated (${sealed.length} bytes)`);
  }
  return sealed.toString('base64url', 1, HEADER);
}

function sealedInvalid(keyId: string | null, why: string, cause?: unknown): HarkError {
  return new HarkError('HARK_PRIVACY_CIPHERTEXT_INVALID', `field sealed: ${why}`, {
    cause,
    context: { field: 'sealed', keyId },
  });
}

/**
 * Seals a mention's personal fields into one envelope: returns the mention
 * with `sealed` set and the fields replaced by placeholders ("" for text and
 * handle, null for the others). One AES-GCM operation per mention.
 */
export function sealMention(m: Mention, key: DataKey): Mention {
  const length = writePersonal(personalValues(m)); // may replace scratch: read it after
  const plain = scratch.subarray(0, length);
  const out = Buffer.allocUnsafe(MIN_LENGTH + plain.length);
  out[0] = SEALED_VERSION;
  writeKeyId(out, key, 1);
  gcm.seal(key.key, associatedData(m, key.keyId), nextIv(), plain, out, HEADER);
  return {
    ...m,
    url: null,
    title: null,
    text: '',
    author: {
      ...m.author,
      handle: '',
      name: null,
      location: null,
      email: null,
      profileUrl: null,
    },
    sealed: out,
  };
}

/**
 * Opens a sealed mention with its key (the caller checked the key id and
 * shredding). Returns the mention with the asked-for fields in clear (all
 * when `only` is absent), the others left as placeholders, and `sealed`
 * null: the value holds no ciphertext, like a mention that was never sealed.
 * Tampering, a moved envelope or clear personal fields beside the envelope
 * throw HARK_PRIVACY_CIPHERTEXT_INVALID.
 */
export function openSealedMention(m: Mention, key: DataKey, only?: ReadonlySet<string>): Mention {
  const sealed = m.sealed;
  if (!sealed) return m;
  const keyId = sealedKeyId(sealed);
  if (keyId !== key.keyId) {
    throw sealedInvalid(keyId, `envelope is for key ${keyId}, not ${key.keyId}`);
  }
  const a = m.author;
  if (
    m.text !== '' ||
    a.handle !== '' ||
    m.url !== null ||
    m.title !== null ||
    a.name !== null ||
    a.location !== null ||
    a.email !== null ||
    a.profileUrl !== null
  ) {
    throw sealedInvalid(keyId, 'a sealed mention also carries personal fields in clear');
  }
  const plain = gcm.open(key.key, associatedData(m, keyId), sealed, HEADER);
  if (plain === null) throw sealedInvalid(keyId, 'authentication tag does not match');
  let v: (string | null | undefined)[];
  try {
    v = decodePersonal(
      plain,
      SEALED_FIELDS.length,
      only ? SEALED_FIELDS.map((f) => only.has(f)) : undefined,
    );
  } catch (err) {
    throw sealedInvalid(keyId, `plaintext is malformed: ${(err as Error).message}`, err);
  }
  if (v[2] === null || v[3] === null) {
    throw sealedInvalid(keyId, 'text and author.handle cannot be null');
  }
  return {
    ...m,
    url: v[0] === undefined ? m.url : v[0],
    title: v[1] === undefined ? m.title : v[1],
    text: v[2] ?? m.text,
    author: {
      ...a,
      handle: v[3] ?? a.handle,
      name: v[4] === undefined ? a.name : v[4],
      location: v[5] === undefined ? a.location : v[5],
      email: v[6] === undefined ? a.email : v[6],
      profileUrl: v[7] === undefined ? a.profileUrl : v[7],
    },
    sealed: null,
  };
}

/** `hk2:<base64url>`: an envelope where only text travels (JSON documents). */
export function sealedToText(sealed: Buffer): string {
  return SEALED_TEXT_PREFIX + sealed.toString('base64url');
}

/** The envelope of `sealedToText`; a string of another shape throws HARK_PRIVACY_CIPHERTEXT_INVALID. */
export function sealedFromText(text: string): Buffer {
  if (!text.startsWith(SEALED_TEXT_PREFIX) || !/^[A-Za-z0-9_-]+$/.test(text.slice(4))) {
    throw sealedInvalid(null, 'text form is not hk2:<base64url>');
  }
  return Buffer.from(text.slice(SEALED_TEXT_PREFIX.length), 'base64url');
}
