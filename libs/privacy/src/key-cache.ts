import type { DataKey } from './keyring.ts';

interface Entry<T> {
  value: T;
  expires: number;
}

/** A Map-ordered LRU with per-entry expiry. */
export class Cache<T> {
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

/**
 * The keyring's two caches (by author ref and by key id) behind one switch:
 * while off, lookups miss and nothing is remembered, so a keyring that may
 * have missed a shred notification always reads PostgreSQL.
 */
export interface KeyCache {
  readonly on: boolean;
  byAuthor(authorRef: string, now: number): DataKey | undefined;
  /** A DataKey, `null` for a key known to be shredded, undefined on a miss. */
  byKeyId(keyId: string, now: number): DataKey | null | undefined;
  remember(key: DataKey, now: number): void;
  rememberShredded(keyId: string, now: number): void;
  /** Forgets these keys; while on, their ids are remembered as shredded. */
  evict(keyIds: readonly string[], now: number): void;
  /** Clears both caches, then caches from now on (everything before may have missed a shred). */
  enable(): void;
  /** Stops caching and clears both caches. */
  disable(): void;
}

export function createKeyCache(opts: { size: number; ttlMs: number; on: boolean }): KeyCache {
  const authors = new Cache<DataKey>(opts.size, opts.ttlMs);
  const ids = new Cache<DataKey | null>(opts.size, opts.ttlMs);
  let on = opts.on;
  const clear = (): void => {
    authors.clear();
    ids.clear();
  };
  return {
    get on() {
      return on;
    },
    byAuthor: (ref, now) => (on ? authors.get(ref, now)?.value : undefined),
    byKeyId: (id, now) => (on ? ids.get(id, now)?.value : undefined),
    remember(k, now) {
      if (!on) return;
      authors.set(k.authorRef, k, now);
      ids.set(k.keyId, k, now);
    },
    rememberShredded(id, now) {
      if (on) ids.set(id, null, now);
    },
    evict(keyIds, now) {
      const gone = new Set(keyIds);
      for (const [ref, e] of authors.entries()) if (gone.has(e.value.keyId)) authors.delete(ref);
      for (const id of gone) {
        if (on) ids.set(id, null, now);
        else ids.delete(id);
      }
    },
    enable() {
      clear();
      on = true;
    },
    disable() {
      on = false;
      clear();
    },
  };
}
