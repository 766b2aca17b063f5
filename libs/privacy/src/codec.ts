import { HarkError } from '@hark/errors';
import type { IdentityLink, Mention } from '@hark/events';
import { gcm, IV_BYTES, nextIv, TAG_BYTES } from './gcm.ts';
import type { DataKey, Keyring } from './keyring.ts';
import { openSealedMention, SEALED_FIELDS, sealedKeyId, sealMention } from './mention-envelope.ts';

/**
 * One encrypted string field: `hk1:<keyId>:<b64url(iv ‖ ciphertext ‖ tag)>`,
 * AES-256-GCM under the author's data key, with `hk1|<field path>|<keyId>` as
 * associated data so a ciphertext cannot be moved to another field.
 */
export const ENVELOPE_PREFIX = 'hk1:';
const ENVELOPE = /^hk1:([A-Za-z0-9_-]{22}):([A-Za-z0-9_-]{38,})$/;

/** Personal fields of a Mention (paths inside the Mention record), in hk2's envelope order. */
export const MENTION_PII_FIELDS = SEALED_FIELDS;

export type MentionPiiField = (typeof MENTION_PII_FIELDS)[number];

/** Personal fields of an IdentityLink (`evidence.detail` = every evidence item's detail). */
export const IDENTITY_LINK_PII_FIELDS = ['handle', 'evidence.detail'] as const;

/** Anything that yields keys by id: a Keyring, or the Map it returned for a batch. */
export type KeySource = Pick<Keyring, 'keysForRead'> | ReadonlyMap<string, DataKey | null>;

/** A decrypted record, or the news that its author's key was shredded. */
export type Decrypted<T> =
  { status: 'clear'; value: T; keyId: string | null } | { status: 'erased'; keyId: string };

/** True when the string has the envelope's shape (it may still fail to open). */
export function isEnvelope(value: string): boolean {
  return ENVELOPE.test(value);
}

/** The key id of an envelope, or null for a plain string. */
export function envelopeKeyId(value: string): string | null {
  return ENVELOPE.exec(value)?.[1] ?? null;
}

function aad(path: string, keyId: string): Buffer {
  return Buffer.from(`hk1|${path}|${keyId}`);
}

/** Encrypts one string field. */
export function encryptField(value: string, key: DataKey, path: string): string {
  const plain = Buffer.from(value, 'utf8');
  const box = Buffer.allocUnsafe(IV_BYTES + plain.length + TAG_BYTES);
  gcm.seal(key.key, aad(path, key.keyId), nextIv(), plain, box, 0);
  return `${ENVELOPE_PREFIX}${key.keyId}:${box.toString('base64url')}`;
}

/**
 * Opens one field. Plain strings come back unchanged; an envelope that fails
 * its tag (tampered, moved from another field, wrong key) throws
 * HARK_PRIVACY_CIPHERTEXT_INVALID.
 */
export function decryptField(value: string, key: DataKey, path: string): string {
  const m = ENVELOPE.exec(value);
  if (!m) return value;
  if (m[1] !== key.keyId) {
    throw invalid(path, m[1]!, `envelope is for key ${m[1]}, not ${key.keyId}`);
  }
  const raw = Buffer.from(m[2]!, 'base64url');
  if (raw.length < IV_BYTES + TAG_BYTES) throw invalid(path, key.keyId, 'envelope is truncated');
  const plain = gcm.open(key.key, aad(path, key.keyId), raw, 0);
  if (plain === null) throw invalid(path, key.keyId, 'authentication tag does not match');
  return plain.toString('utf8');
}

function invalid(path: string, keyId: string, why: string, cause?: unknown): HarkError {
  return new HarkError('HARK_PRIVACY_CIPHERTEXT_INVALID', `field ${path}: ${why}`, {
    cause,
    context: { field: path, keyId },
  });
}

/** `platform:authorId`: whose key protects a mention. */
export function mentionAuthorRef(m: Pick<Mention, 'platform' | 'author'>): string {
  return `${m.platform}:${m.author.id}`;
}

/** `platform:authorId`: whose key protects an identity link. */
export function identityLinkAuthorRef(l: Pick<IdentityLink, 'platform' | 'authorId'>): string {
  return `${l.platform}:${l.authorId}`;
}

type FieldFn = (value: string, path: string) => string;

function mapMention(m: Mention, fn: FieldFn): Mention {
  const opt = (v: string | null, path: string) => (v === null ? null : fn(v, path));
  return {
    ...m,
    url: opt(m.url, 'url'),
    title: opt(m.title, 'title'),
    text: fn(m.text, 'text'),
    author: {
      ...m.author,
      handle: fn(m.author.handle, 'author.handle'),
      name: opt(m.author.name, 'author.name'),
      location: opt(m.author.location, 'author.location'),
      email: opt(m.author.email, 'author.email'),
      profileUrl: opt(m.author.profileUrl, 'author.profileUrl'),
    },
  };
}

function mapIdentityLink(l: IdentityLink, fn: FieldFn): IdentityLink {
  return {
    ...l,
    handle: l.handle === null ? null : fn(l.handle, 'handle'),
    evidence: l.evidence.map((e) => ({ ...e, detail: fn(e.detail, 'evidence.detail') })),
  };
}

function keyIdsOf<T>(value: T, map: (v: T, fn: FieldFn) => T): string[] {
  const ids = new Set<string>();
  map(value, (v) => {
    const id = envelopeKeyId(v);
    if (id) ids.add(id);
    return v;
  });
  return [...ids];
}

/**
 * Key ids referenced by a mention's envelopes (none for a plain mention).
 * Throws HARK_PRIVACY_ENVELOPE_VERSION_UNSUPPORTED for a sealed envelope of
 * an unknown version.
 */
export function mentionKeyIds(m: Mention): string[] {
  if (m.sealed) return [sealedKeyId(m.sealed)];
  return keyIdsOf(m, mapMention);
}

/** Key ids referenced by an identity link's envelopes. */
export function identityLinkKeyIds(l: IdentityLink): string[] {
  return keyIdsOf(l, mapIdentityLink);
}

/**
 * Encrypts every personal field of a mention with its author's key: one
 * sealed envelope (format hk2, `Mention.sealed`), the fields left as
 * placeholders. What the collector writes.
 */
export function encryptMentionPii(m: Mention, key: DataKey): Mention {
  return sealMention(m, key);
}

/**
 * The per-field format (hk1): each personal field its own envelope. Nothing
 * writes it any more; readers open it until the retention of records written
 * before hk2 has passed. Kept for tests and the benchmark.
 */
export function encryptMentionPiiFields(m: Mention, key: DataKey): Mention {
  return mapMention(m, (v, path) => encryptField(v, key, path));
}

/** Encrypts the personal fields of an identity link with its author's key. */
export function encryptIdentityLinkPii(l: IdentityLink, key: DataKey): IdentityLink {
  return mapIdentityLink(l, (v, path) => encryptField(v, key, path));
}

function decryptWith<T>(
  value: T,
  keys: ReadonlyMap<string, DataKey | null>,
  map: (v: T, fn: FieldFn) => T,
  only?: ReadonlySet<string>,
): Decrypted<T> {
  let erased: string | null = null;
  let used: string | null = null;
  const out = map(value, (v, path) => {
    const id = envelopeKeyId(v);
    if (id === null || erased !== null) return v;
    // A shredded key is noticed on any field; only the fields asked for are opened.
    if (only && !only.has(path)) {
      if (keys.get(id) === null) erased = id;
      return v;
    }
    const key = keys.get(id);
    if (key === null) {
      erased = id;
      return v;
    }
    if (key === undefined) {
      throw new HarkError(
        'HARK_PRIVACY_KEY_UNKNOWN',
        `field ${path} is encrypted with key ${id}, which this database never held`,
        { context: { field: path, keyId: id } },
      );
    }
    used = id;
    return decryptField(v, key, path);
  });
  if (erased !== null) return { status: 'erased', keyId: erased };
  return { status: 'clear', value: out, keyId: used };
}

/** A mention's envelope (hk2) or per-field envelopes (hk1), opened with prefetched keys. */
function decryptMentionWith(
  m: Mention,
  keys: ReadonlyMap<string, DataKey | null>,
  only?: ReadonlySet<string>,
): Decrypted<Mention> {
  if (!m.sealed) return decryptWith(m, keys, mapMention, only);
  const id = sealedKeyId(m.sealed);
  const key = keys.get(id);
  if (key === null) return { status: 'erased', keyId: id };
  if (key === undefined) {
    throw new HarkError(
      'HARK_PRIVACY_KEY_UNKNOWN',
      `field sealed is encrypted with key ${id}, which this database never held`,
      { context: { field: 'sealed', keyId: id } },
    );
  }
  // One GCM operation opens every field; `only` just limits which become strings.
  return { status: 'clear', value: openSealedMention(m, key, only), keyId: id };
}

async function lookup(
  source: KeySource,
  ids: string[],
): Promise<ReadonlyMap<string, DataKey | null>> {
  if (ids.length === 0) return new Map();
  return source instanceof Map ? source : (source as Keyring).keysForRead(ids);
}

/**
 * Decrypts a mention's personal fields. Plain fields pass through; a shredded
 * key gives `{ status: 'erased' }`; a bad envelope throws
 * HARK_PRIVACY_CIPHERTEXT_INVALID, an unknown key HARK_PRIVACY_KEY_UNKNOWN.
 */
export async function decryptMentionPii(m: Mention, keys: KeySource): Promise<Decrypted<Mention>> {
  return decryptMentionWith(m, await lookup(keys, mentionKeyIds(m)));
}

/**
 * Synchronous form for a batch whose keys were fetched once (`keysForRead`);
 * `fields` limits what is opened, as in openMentionBatch.
 */
export function decryptMentionPiiWith(
  m: Mention,
  keys: ReadonlyMap<string, DataKey | null>,
  fields?: readonly MentionPiiField[],
): Decrypted<Mention> {
  return decryptMentionWith(m, keys, fields ? new Set<string>(fields) : undefined);
}

/** Decrypts an identity link's personal fields (see decryptMentionPii). */
export async function decryptIdentityLinkPii(
  l: IdentityLink,
  keys: KeySource,
): Promise<Decrypted<IdentityLink>> {
  return decryptWith(l, await lookup(keys, identityLinkKeyIds(l)), mapIdentityLink);
}

/** Synchronous form of decryptIdentityLinkPii for prefetched keys. */
export function decryptIdentityLinkPiiWith(
  l: IdentityLink,
  keys: ReadonlyMap<string, DataKey | null>,
): Decrypted<IdentityLink> {
  return decryptWith(l, keys, mapIdentityLink);
}

/** One per input item: decrypted, erased, or the error that sends it to the DLQ. */
export type BatchDecrypted<T> = Decrypted<T> | { status: 'invalid'; error: HarkError };

/**
 * Decrypts a batch of mentions with one `keysForRead` round trip. A keyring
 * failure (database down) throws for the whole batch, retriable; a bad record
 * only fails its own slot.
 */
export async function decryptMentions(
  mentions: readonly Mention[],
  keyring: Pick<Keyring, 'keysForRead'>,
  fields?: readonly MentionPiiField[],
): Promise<BatchDecrypted<Mention>[]> {
  const ids = new Set<string>();
  const unreadable = new Map<number, HarkError>();
  mentions.forEach((m, i) => {
    try {
      for (const id of mentionKeyIds(m)) ids.add(id);
    } catch (err) {
      // An envelope of an unknown version fails its own record, not the batch.
      if (err instanceof HarkError) unreadable.set(i, err);
      else throw err;
    }
  });
  const keys = ids.size > 0 ? await keyring.keysForRead([...ids]) : new Map();
  const only = fields ? new Set<string>(fields) : undefined;
  return mentions.map((m, i): BatchDecrypted<Mention> => {
    const bad = unreadable.get(i);
    if (bad) return { status: 'invalid', error: bad };
    try {
      return decryptMentionWith(m, keys, only);
    } catch (err) {
      if (err instanceof HarkError) return { status: 'invalid', error: err };
      throw err;
    }
  });
}

/** A stage's batch split by what decryption found. */
export interface OpenedBatch<R> {
  /** Records with their mention readable (decrypted, or plain to begin with). */
  clear: { record: R; mention: Mention }[];
  /** Records to dead-letter: a bad envelope or a key this database never held. */
  failures: { record: R; error: HarkError }[];
  /** Records whose author key was shredded: drop them, commit their offsets. */
  erased: R[];
}

/**
 * Opens the mentions of a consumed batch with one keyring round trip: the
 * step every stage runs right after decode. A keyring outage throws a
 * retriable error for the whole batch (the stage retries it).
 */
export async function openMentionBatch<R>(
  records: readonly R[],
  mentionOf: (record: R) => Mention,
  keyring: Pick<Keyring, 'keysForRead'>,
  /**
   * The personal fields the stage reads (default all): the others stay encrypted in the
   * returned mention. Decryption is most of a stage's privacy cost, so scoring opens the
   * text and title only, identity-resolution the author fields.
   */
  fields?: readonly MentionPiiField[],
): Promise<OpenedBatch<R>> {
  const results = await decryptMentions(records.map(mentionOf), keyring, fields);
  const out: OpenedBatch<R> = { clear: [], failures: [], erased: [] };
  results.forEach((r, i) => {
    const record = records[i]!;
    if (r.status === 'clear') out.clear.push({ record, mention: r.value });
    else if (r.status === 'erased') out.erased.push(record);
    else out.failures.push({ record, error: r.error });
  });
  return out;
}
