import { randomBytes } from 'node:crypto';
import { HarkError } from '@hark/errors';
import type { Pool, PoolClient } from '@hark/db';
import type { Logger } from 'pino';
import {
  deleteKeysAndNotify,
  inKeyringTransaction,
  insertOrReadKeys,
  selectKeysById,
  type KeyRow,
} from './data-key-store.ts';
import { gcm, nativeGcmMissing } from './gcm.ts';
import { createKeyCache, type KeyCache } from './key-cache.ts';
import { parseMasterKey, unwrapDataKey, wrapDataKey, type MasterKey } from './master-key.ts';
import { startShredListener } from './shred-listener.ts';

export { SHRED_CHANNEL } from './shred-listener.ts';

/** One author's 256-bit data key, unwrapped, in memory only. */
export interface DataKey {
  readonly keyId: string;
  /** `platform:authorId`. */
  readonly authorRef: string;
  /**
   * Given to the AES-GCM calls (`gcm.ts`) as it is, not as a KeyObject: one saves nothing per
   * operation, and most keys are used once per process (a new author), where createSecretKey
   * cost 1.45 µs and a native handle for the GC (libs/privacy README).
   */
  readonly key: Buffer;
}

/** Per-author data keys in PostgreSQL, cached, evicted everywhere at once when shredded. */
export interface Keyring {
  /** Get-or-create the key of each author ref; race-safe across processes. */
  keysForWrite(authorRefs: readonly string[]): Promise<Map<string, DataKey>>;
  /**
   * The keys for these ids: a DataKey, `null` when the key was shredded
   * (the data is erased), and no entry when the id never existed here.
   */
  keysForRead(keyIds: readonly string[]): Promise<Map<string, DataKey | null>>;
  /**
   * Deletes the keys of these author refs (inside `client`'s transaction when
   * given) and notifies every keyring on the database to evict them. Returns
   * how many keys were deleted.
   */
  shred(authorRefs: readonly string[], client?: PoolClient): Promise<number>;
  /** Resolves once the shred listener is subscribed (or failed to, then caching is off). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export interface KeyringOptions {
  pool: Pool;
  /** The current master key (base64 of 32 bytes, or parsed); new keys are wrapped with it. */
  masterKey: string | MasterKey;
  /** Older master keys still accepted for unwrapping (rotation). */
  previousMasterKeys?: readonly (string | MasterKey)[];
  logger?: Logger;
  /** Entries per cache (by author and by key id). Default 50,000. */
  cacheSize?: number;
  /** Safety net when a notification is missed: entries older than this are re-read. Default 60 s. */
  ttlMs?: number;
  /** Subscribe to shred notifications; false = TTL-only caching (scripts, tests). Default true. */
  listen?: boolean;
}

const FRESH_BYTES = 16 + 32 + 12;

interface Context {
  pool: Pool;
  current: MasterKey;
  masters: ReadonlyMap<string, MasterKey>;
  cache: KeyCache;
  log: Logger | undefined;
}

/** Creates a keyring over `privacy_data_keys` (apply `migratePrivacy` first). */
export function createKeyring(opts: KeyringOptions): Keyring {
  const { current, masters } = masterKeysOf(opts);
  const log = opts.logger?.child({ component: 'keyring' });
  if (nativeGcmMissing === undefined) log?.info({ aesGcm: gcm.backend }, 'keyring created');
  else
    log?.warn(
      { aesGcm: gcm.backend, why: nativeGcmMissing },
      'AES-GCM runs through node:crypto, ~3 µs more per envelope: the native addon is not built (run node libs/privacy/native/build.mjs)',
    );
  const wantListen = opts.listen !== false;
  // Caching is only safe while we hear about shreds (or when the caller chose TTL-only).
  const cache = createKeyCache({
    size: opts.cacheSize ?? 50_000,
    ttlMs: opts.ttlMs ?? 60_000,
    on: !wantListen,
  });
  const listener = wantListen
    ? startShredListener({
        pool: opts.pool,
        log,
        onShred(ids) {
          cache.evict(ids, Date.now());
          log?.debug({ keys: ids.length }, 'evicted shredded keys');
        },
        onListening: () => cache.enable(),
        onLost: () => cache.disable(),
      })
    : undefined;
  const ctx: Context = { pool: opts.pool, current, masters, cache, log };
  return {
    keysForWrite: (authorRefs) => keysForWrite(ctx, authorRefs),
    keysForRead: (keyIds) => keysForRead(ctx, keyIds),
    shred: (authorRefs, client) => shred(ctx, authorRefs, client),
    ready: () => listener?.ready() ?? Promise.resolve(),
    async close() {
      cache.disable();
      await listener?.close();
      // Keys are not zeroed: a request still in flight may hold one, and
      // encrypting with a zeroed key would make its data unreadable.
      cache.disable();
    },
  };
}

function masterKeysOf(opts: KeyringOptions): {
  current: MasterKey;
  masters: Map<string, MasterKey>;
} {
  const parse = (k: string | MasterKey): MasterKey =>
    typeof k === 'string' ? parseMasterKey(k) : k;
  const current = parse(opts.masterKey);
  const masters = new Map<string, MasterKey>([[current.id, current]]);
  for (const k of opts.previousMasterKeys ?? []) {
    const m = parse(k);
    if (!masters.has(m.id)) masters.set(m.id, m);
  }
  return { current, masters };
}

async function keysForWrite(
  ctx: Context,
  authorRefs: readonly string[],
): Promise<Map<string, DataKey>> {
  const now = Date.now();
  const out = new Map<string, DataKey>();
  const misses: string[] = [];
  for (const ref of new Set(authorRefs)) {
    if (typeof ref !== 'string' || ref.length === 0) {
      throw new HarkError('HARK_STAGE_PROCESSING_FAILED', 'author ref must be a non-empty string');
    }
    const hit = ctx.cache.byAuthor(ref, now);
    if (hit) out.set(ref, hit);
    else misses.push(ref);
  }
  if (misses.length === 0) return out;
  // Sorted so concurrent batches take unique-index locks in one order (no deadlocks).
  misses.sort();
  // One getrandom call for the batch: key id (16) ‖ key (32) ‖ wrap IV (12) per author. A
  // randomBytes call each cost ~3 µs, three per new author.
  const random = randomBytes(misses.length * FRESH_BYTES);
  const keyIds: string[] = [];
  const rawKeys: Buffer[] = [];
  const wrapped: Buffer[] = [];
  for (let i = 0, at = 0; i < misses.length; i++, at += FRESH_BYTES) {
    keyIds.push(random.toString('base64url', at, at + 16));
    rawKeys.push(Buffer.from(random.subarray(at + 16, at + 48)));
    wrapped.push(
      wrapDataKey(ctx.current, rawKeys[i]!, keyIds[i]!, random.subarray(at + 48, at + FRESH_BYTES)),
    );
  }
  const found = await insertOrReadKeys(ctx.pool, {
    authorRefs: misses,
    keyIds,
    wrapped,
    kekId: ctx.current.id,
  });
  for (let i = 0; i < misses.length; i++) {
    const ref = misses[i]!;
    const row = found.get(ref);
    if (!row) {
      // Shredded between our insert and select: retry the batch.
      throw new HarkError('HARK_DB_UNAVAILABLE', 'data key vanished while being created', {
        retriable: true,
        context: { authorRefs: misses.length },
      });
    }
    // Our insert won: the key is the one just generated, so what we wrapped needs no opening.
    const k =
      row.key_id === keyIds[i]
        ? Object.freeze({ keyId: row.key_id, authorRef: row.author_ref, key: rawKeys[i]! })
        : toDataKey(ctx.masters, row);
    ctx.cache.remember(k, now);
    out.set(ref, k);
  }
  return out;
}

async function keysForRead(
  ctx: Context,
  keyIds: readonly string[],
): Promise<Map<string, DataKey | null>> {
  const now = Date.now();
  const out = new Map<string, DataKey | null>();
  const misses: string[] = [];
  for (const id of new Set(keyIds)) {
    const hit = ctx.cache.byKeyId(id, now);
    if (hit !== undefined) out.set(id, hit);
    else misses.push(id);
  }
  if (misses.length === 0) return out;
  for (const r of await selectKeysById(ctx.pool, misses)) {
    if (r.shredded) {
      out.set(r.key_id, null);
      ctx.cache.rememberShredded(r.key_id, now);
    } else if (!out.has(r.key_id)) {
      const k = toDataKey(ctx.masters, r);
      ctx.cache.remember(k, now);
      out.set(r.key_id, k);
    }
  }
  return out;
}

async function shred(
  ctx: Context,
  authorRefs: readonly string[],
  client: PoolClient | undefined,
): Promise<number> {
  const refs = [...new Set(authorRefs)];
  if (refs.length === 0) return 0;
  // Inside the caller's transaction, eviction waits for its commit's NOTIFY.
  if (client) return (await deleteKeysAndNotify(client, refs)).length;
  const ids = await inKeyringTransaction(ctx.pool, (c) => deleteKeysAndNotify(c, refs));
  ctx.cache.evict(ids, Date.now());
  ctx.log?.info({ keys: ids.length }, 'shredded data keys');
  return ids.length;
}

function toDataKey(masters: ReadonlyMap<string, MasterKey>, row: KeyRow): DataKey {
  const master = masters.get(row.kek_id);
  if (!master) {
    throw new HarkError(
      'HARK_PRIVACY_KEY_UNWRAP_FAILED',
      `data key ${row.key_id} is wrapped with master key ${row.kek_id}, which this process does not have`,
      { context: { keyId: row.key_id, kekId: row.kek_id } },
    );
  }
  return Object.freeze({
    keyId: row.key_id,
    authorRef: row.author_ref,
    key: unwrapDataKey(master, row.wrapped_key, row.key_id),
  });
}
