import { randomBytes } from 'node:crypto';
import { HarkError, isHarkError } from '@hark/errors';
import type { Pool, PoolClient } from '@hark/db';
import type { Logger } from 'pino';
import { parseMasterKey, unwrapDataKey, wrapDataKey, type MasterKey } from './master-key.ts';

/** One author's 256-bit data key, unwrapped, in memory only. */
export interface DataKey {
  readonly keyId: string;
  /** `platform:authorId`. */
  readonly authorRef: string;
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

/** The PostgreSQL channel that carries shredded key ids (comma-separated). */
export const SHRED_CHANNEL = 'hark_privacy_shredded';
const NOTIFY_CHUNK = 250; // 250 × 23 bytes stays under NOTIFY's 8000-byte payload limit

interface Entry<T> {
  value: T;
  expires: number;
}

/** A Map-ordered LRU with per-entry expiry. */
class Cache<T> {
  private readonly map = new Map<string, Entry<T>>();
  constructor(
    private readonly size: number,
    private readonly ttlMs: number,
  ) {}
  get(k: string, now: number): Entry<T> | undefined {
    const e = this.map.get(k);
    if (!e) return undefined;
    if (e.expires <= now) {
      this.map.delete(k);
      return undefined;
    }
    this.map.delete(k);
    this.map.set(k, e);
    return e;
  }
  set(k: string, value: T, now: number): void {
    this.map.delete(k);
    this.map.set(k, { value, expires: now + this.ttlMs });
    if (this.map.size > this.size) this.map.delete(this.map.keys().next().value!);
  }
  delete(k: string): void {
    this.map.delete(k);
  }
  entries(): IterableIterator<[string, Entry<T>]> {
    return this.map.entries();
  }
  clear(): void {
    this.map.clear();
  }
}

interface KeyRow {
  author_ref: string;
  key_id: string;
  wrapped_key: Buffer;
  kek_id: string;
}

/** Creates a keyring over `privacy_data_keys` (apply `migratePrivacy` first). */
export function createKeyring(opts: KeyringOptions): Keyring {
  const current =
    typeof opts.masterKey === 'string' ? parseMasterKey(opts.masterKey) : opts.masterKey;
  const masters = new Map<string, MasterKey>([[current.id, current]]);
  for (const k of opts.previousMasterKeys ?? []) {
    const m = typeof k === 'string' ? parseMasterKey(k) : k;
    if (!masters.has(m.id)) masters.set(m.id, m);
  }
  const log = opts.logger?.child({ component: 'keyring' });
  const ttlMs = opts.ttlMs ?? 60_000;
  const size = opts.cacheSize ?? 50_000;
  const byAuthor = new Cache<DataKey>(size, ttlMs);
  const byKeyId = new Cache<DataKey | null>(size, ttlMs);
  const wantListen = opts.listen !== false;
  // Caching is only safe while we hear about shreds (or when the caller chose TTL-only).
  let cacheOn = !wantListen;
  let closed = false;
  let listener: PoolClient | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let readyResolve!: () => void;
  const readyPromise = new Promise<void>((r) => (readyResolve = r));

  function toDataKey(row: KeyRow): DataKey {
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

  function remember(k: DataKey, now: number): void {
    if (!cacheOn) return;
    byAuthor.set(k.authorRef, k, now);
    byKeyId.set(k.keyId, k, now);
  }

  function evict(keyIds: readonly string[]): void {
    const gone = new Set(keyIds);
    const now = Date.now();
    for (const [ref, e] of byAuthor.entries()) if (gone.has(e.value.keyId)) byAuthor.delete(ref);
    for (const id of gone) {
      if (cacheOn) byKeyId.set(id, null, now);
      else byKeyId.delete(id);
    }
  }

  async function startListener(): Promise<void> {
    if (closed) return;
    try {
      const client = await opts.pool.connect();
      if (closed) {
        // close() ran while this connection was being opened: hand it straight back,
        // or pool.end() would wait for it forever.
        client.release();
        return;
      }
      listener = client;
      client.on('notification', (msg) => {
        if (msg.channel !== SHRED_CHANNEL || !msg.payload) return;
        const ids = msg.payload.split(',').filter(Boolean);
        evict(ids);
        log?.debug({ keys: ids.length }, 'evicted shredded keys');
      });
      client.once('end', () => onListenerLost(client));
      client.on('error', () => onListenerLost(client));
      await client.query(`listen ${SHRED_CHANNEL}`);
      // Anything cached before now may have missed a shred.
      byAuthor.clear();
      byKeyId.clear();
      cacheOn = true;
    } catch (err) {
      log?.warn({ err }, 'shred listener failed; key caching is off until it reconnects');
      if (listener) onListenerLost(listener);
      else scheduleReconnect();
    } finally {
      readyResolve();
    }
  }

  function onListenerLost(client: PoolClient): void {
    if (listener !== client) return;
    listener = undefined;
    cacheOn = false;
    byAuthor.clear();
    byKeyId.clear();
    try {
      client.release(true);
    } catch {
      // already released
    }
    if (!closed) log?.warn('shred listener lost; key caching is off until it reconnects');
    scheduleReconnect();
  }

  function scheduleReconnect(): void {
    if (closed || reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      void startListener();
    }, 1000);
    reconnectTimer.unref();
  }

  if (wantListen) void startListener();
  else readyResolve();

  async function query<R extends object>(
    sql: string,
    params: unknown[],
    client?: PoolClient,
  ): Promise<R[]> {
    try {
      const res = await (client ?? opts.pool).query<R>(sql, params);
      return res.rows;
    } catch (err) {
      throw dbError(err);
    }
  }

  return {
    async keysForWrite(authorRefs) {
      const now = Date.now();
      const out = new Map<string, DataKey>();
      const misses: string[] = [];
      for (const ref of new Set(authorRefs)) {
        if (typeof ref !== 'string' || ref.length === 0) {
          throw new HarkError(
            'HARK_STAGE_PROCESSING_FAILED',
            'author ref must be a non-empty string',
          );
        }
        const hit = cacheOn ? byAuthor.get(ref, now) : undefined;
        if (hit) out.set(ref, hit.value);
        else misses.push(ref);
      }
      if (misses.length === 0) return out;
      // Sorted so concurrent batches take unique-index locks in one order (no deadlocks).
      misses.sort();
      const keyIds = misses.map(() => randomBytes(16).toString('base64url'));
      const wrapped = misses.map((_, i) => wrapDataKey(current, randomBytes(32), keyIds[i]!));
      // One statement: insert what is new, read what exists. A key committed by
      // another process after this statement's snapshot is neither inserted nor
      // visible; the follow-up select below finds it.
      const rows = await query<KeyRow>(
        `with input as (
           select * from unnest($1::text[], $2::text[], $3::bytea[]) as t(author_ref, key_id, wrapped_key)
         ), ins as (
           insert into privacy_data_keys (author_ref, key_id, wrapped_key, kek_id)
           select author_ref, key_id, wrapped_key, $4 from input
           on conflict (author_ref) do nothing
           returning author_ref, key_id, wrapped_key, kek_id
         )
         select author_ref, key_id, wrapped_key, kek_id from ins
         union all
         select k.author_ref, k.key_id, k.wrapped_key, k.kek_id
           from privacy_data_keys k join input i on i.author_ref = k.author_ref`,
        [misses, keyIds, wrapped, current.id],
      );
      const found = new Map<string, KeyRow>();
      for (const r of rows) if (!found.has(r.author_ref)) found.set(r.author_ref, r);
      const raced = misses.filter((r) => !found.has(r));
      if (raced.length > 0) {
        const more = await query<KeyRow>(
          'select author_ref, key_id, wrapped_key, kek_id from privacy_data_keys where author_ref = any($1::text[])',
          [raced],
        );
        for (const r of more) found.set(r.author_ref, r);
      }
      for (const ref of misses) {
        const row = found.get(ref);
        if (!row) {
          // Shredded between our insert and select: retry the batch.
          throw new HarkError('HARK_DB_UNAVAILABLE', 'data key vanished while being created', {
            retriable: true,
            context: { authorRefs: misses.length },
          });
        }
        const k = toDataKey(row);
        remember(k, now);
        out.set(ref, k);
      }
      return out;
    },

    async keysForRead(keyIds) {
      const now = Date.now();
      const out = new Map<string, DataKey | null>();
      const misses: string[] = [];
      for (const id of new Set(keyIds)) {
        const hit = cacheOn ? byKeyId.get(id, now) : undefined;
        if (hit) out.set(id, hit.value);
        else misses.push(id);
      }
      if (misses.length === 0) return out;
      const rows = await query<KeyRow & { shredded: boolean }>(
        `select author_ref, key_id, wrapped_key, kek_id, false as shredded
           from privacy_data_keys where key_id = any($1::text[])
         union all
         select null, key_id, null, null, true from privacy_shredded_keys where key_id = any($1::text[])`,
        [misses],
      );
      for (const r of rows) {
        if (r.shredded) {
          out.set(r.key_id, null);
          if (cacheOn) byKeyId.set(r.key_id, null, now);
        } else if (!out.has(r.key_id)) {
          const k = toDataKey(r);
          remember(k, now);
          out.set(r.key_id, k);
        }
      }
      return out;
    },

    async shred(authorRefs, client) {
      const refs = [...new Set(authorRefs)];
      if (refs.length === 0) return 0;
      const run = async (c: PoolClient): Promise<string[]> => {
        const rows = await query<{ key_id: string }>(
          `with d as (
             delete from privacy_data_keys where author_ref = any($1::text[]) returning key_id
           ), t as (
             insert into privacy_shredded_keys (key_id) select key_id from d on conflict do nothing
           )
           select key_id from d`,
          [refs],
          c,
        );
        const ids = rows.map((r) => r.key_id);
        // NOTIFY is transactional: listeners hear it only when the caller commits.
        for (let i = 0; i < ids.length; i += NOTIFY_CHUNK) {
          await query(
            'select pg_notify($1, $2)',
            [SHRED_CHANNEL, ids.slice(i, i + NOTIFY_CHUNK).join(',')],
            c,
          );
        }
        return ids;
      };
      if (client) {
        const ids = await run(client);
        return ids.length;
      }
      let c: PoolClient;
      try {
        c = await opts.pool.connect();
      } catch (err) {
        throw dbError(err);
      }
      try {
        await query('begin', [], c);
        const ids = await run(c);
        await query('commit', [], c);
        evict(ids);
        log?.info({ keys: ids.length }, 'shredded data keys');
        return ids.length;
      } catch (err) {
        await c.query('rollback').catch(() => {});
        throw err;
      } finally {
        c.release();
      }
    },

    ready: () => readyPromise,

    async close() {
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      const l = listener;
      listener = undefined;
      cacheOn = false;
      if (l) {
        await l.query(`unlisten ${SHRED_CHANNEL}`).catch(() => {});
        l.release();
      }
      // Keys are not zeroed: a request still in flight may hold one, and
      // encrypting with a zeroed key would make its data unreadable.
      byAuthor.clear();
      byKeyId.clear();
    },
  };
}

function dbError(err: unknown): unknown {
  if (isHarkError(err)) return err;
  const code = (err as { code?: unknown }).code;
  // Syntax, undefined-table and data errors are bugs or a missing migration: not worth
  // retrying. Anything else (refused, reset, shutting down, not accepting connections,
  // pool timeout) is an outage the caller retries or answers 503 for.
  const permanent = typeof code === 'string' && /^(42|22|23)/.test(code);
  return new HarkError('HARK_DB_UNAVAILABLE', `keyring query failed: ${(err as Error).message}`, {
    cause: err,
    retriable: !permanent,
  });
}
