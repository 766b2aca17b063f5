/** FNV-1a over UTF-16 code units: blocking keys are short ASCII strings. */
export function hashKey(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A compact multimap from 32-bit key hashes to int values (customer slots).
 * Bulk pairs are radix-sorted into two typed arrays (sorted unique keys
 * interleaved with their range starts, values): about 12 bytes per pair
 * instead of a JS Map's ~80. Later additions go to a small Map overlay that
 * is merged back when it grows. Hash collisions only add candidates, which
 * are scored anyway.
 */
export class IntMultiMap {
  /**
   * Key i at [2i], the start of its values at [2i + 1], the end of the last
   * range at [2u + 1]: a key, its start and its end share a cache line,
   * where separate key and start arrays cost a miss each per lookup.
   */
  private entries = new Uint32Array(2);
  private unique = 0;
  private values = new Int32Array(0);
  /**
   * Open-addressing table over the keys (index + 1, 0 = empty): one or two
   * cache misses per lookup where a binary search over millions of keys
   * costs twenty.
   */
  private table = new Int32Array(1);
  private tableMask = 0;
  private pendingKeys = new Uint32Array(1024);
  private pendingValues = new Int32Array(1024);
  private pendingCount = 0;
  private overlay = new Map<number, number[]>();
  private overlayPairs = 0;

  /** Queues a pair for the next `build()`; cheap, for bulk loads. */
  addBulk(key: number, value: number): void {
    if (this.pendingCount === this.pendingKeys.length) {
      const k = new Uint32Array(this.pendingKeys.length * 2);
      k.set(this.pendingKeys);
      this.pendingKeys = k;
      const v = new Int32Array(this.pendingValues.length * 2);
      v.set(this.pendingValues);
      this.pendingValues = v;
    }
    this.pendingKeys[this.pendingCount] = key;
    this.pendingValues[this.pendingCount] = value;
    this.pendingCount++;
  }

  /** Adds a pair that is visible at once (incremental updates). */
  add(key: number, value: number): void {
    const list = this.overlay.get(key);
    if (list) {
      if (list.includes(value)) return;
      list.push(value);
    } else {
      this.overlay.set(key, [value]);
    }
    this.overlayPairs++;
    if (this.overlayPairs > Math.max(100_000, this.values.length / 4)) this.build();
  }

  /** Merges queued and overlay pairs into the sorted arrays. */
  build(): void {
    const total = this.values.length + this.pendingCount + this.overlayPairs;
    let ks: Uint32Array = new Uint32Array(total);
    let vs: Int32Array = new Int32Array(total);
    let n = 0;
    const e = this.entries;
    for (let i = 0; i < this.unique; i++) {
      for (let j = e[2 * i + 1]!; j < e[2 * i + 3]!; j++) {
        ks[n] = e[2 * i]!;
        vs[n++] = this.values[j]!;
      }
    }
    ks.set(this.pendingKeys.subarray(0, this.pendingCount), n);
    vs.set(this.pendingValues.subarray(0, this.pendingCount), n);
    n += this.pendingCount;
    for (const [k, list] of this.overlay) {
      for (const v of list) {
        ks[n] = k;
        vs[n++] = v;
      }
    }
    [ks, vs] = radixSortPairs(ks, vs, n);
    // Unique keys and range starts; drop exact duplicate pairs.
    const entries = new Uint32Array(2 * n + 2);
    const values = new Int32Array(n);
    let u = 0;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const k = ks[i]!;
      if (u === 0 || entries[2 * (u - 1)] !== k) {
        entries[2 * u] = k;
        entries[2 * u + 1] = m;
        u++;
      } else if (values[m - 1] === vs[i] && ks[i - 1] === k) {
        continue;
      }
      values[m++] = vs[i]!;
    }
    entries[2 * u + 1] = m;
    this.entries = entries.slice(0, 2 * u + 2);
    this.unique = u;
    this.values = values.slice(0, m);
    let cap = 1;
    while (cap < u * 1.5) cap *= 2;
    this.table = new Int32Array(cap);
    this.tableMask = cap - 1;
    for (let i = 0; i < u; i++) {
      let p = mix(this.entries[2 * i]!) & this.tableMask;
      while (this.table[p] !== 0) p = (p + 1) & this.tableMask;
      this.table[p] = i + 1;
    }
    this.pendingKeys = new Uint32Array(1024);
    this.pendingValues = new Int32Array(1024);
    this.pendingCount = 0;
    this.overlay.clear();
    this.overlayPairs = 0;
  }

  /** How many values a key has (its block size). */
  count(key: number): number {
    const i = this.find(key);
    const base = i < 0 ? 0 : this.entries[2 * i + 3]! - this.entries[2 * i + 1]!;
    return this.overlayPairs === 0 ? base : base + (this.overlay.get(key)?.length ?? 0);
  }

  /** Calls `visit` for every value under `key`. */
  forEach(key: number, visit: (value: number) => void): void {
    this.forEachUpTo(key, Infinity, visit);
  }

  /**
   * Calls `visit` for every value under `key` unless there are more than
   * `cap`; returns the block size either way (one lookup for both).
   */
  forEachUpTo(key: number, cap: number, visit: (value: number) => void): number {
    const i = this.find(key);
    const list = this.overlayPairs === 0 ? undefined : this.overlay.get(key);
    const start = i < 0 ? 0 : this.entries[2 * i + 1]!;
    const end = i < 0 ? 0 : this.entries[2 * i + 3]!;
    const size = end - start + (list?.length ?? 0);
    if (size === 0 || size > cap) return size;
    for (let j = start; j < end; j++) visit(this.values[j]!);
    if (list) for (const v of list) visit(v);
    return size;
  }

  get size(): number {
    return this.values.length + this.overlayPairs;
  }

  /** Bytes held by the typed arrays (the overlay is estimated). */
  get bytes(): number {
    return (
      this.entries.byteLength +
      this.values.byteLength +
      this.table.byteLength +
      this.overlayPairs * 40
    );
  }

  private find(key: number): number {
    let p = mix(key) & this.tableMask;
    for (;;) {
      const i = this.table[p]!;
      if (i === 0) return -1;
      if (this.entries[2 * (i - 1)] === key) return i - 1;
      p = (p + 1) & this.tableMask;
    }
  }
}

/** Spreads FNV output over the table's low bits. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return (h ^ (h >>> 16)) >>> 0;
}

/** LSD radix sort of (key, value) pairs by key, two 16-bit passes; stable. */
function radixSortPairs(ks: Uint32Array, vs: Int32Array, n: number): [Uint32Array, Int32Array] {
  // Plain typed arrays over ArrayBuffer throughout, so the swaps below type-check.
  let srcK: Uint32Array = ks;
  let srcV: Int32Array = vs;
  let dstK: Uint32Array = new Uint32Array(n);
  let dstV: Int32Array = new Int32Array(n);
  const counts = new Uint32Array(65537);
  for (const shift of [0, 16]) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[((srcK[i]! >>> shift) & 0xffff) + 1]!++;
    for (let i = 0; i < 65536; i++) counts[i + 1]! += counts[i]!;
    for (let i = 0; i < n; i++) {
      const b = (srcK[i]! >>> shift) & 0xffff;
      const at = counts[b]!++;
      dstK[at] = srcK[i]!;
      dstV[at] = srcV[i]!;
    }
    [srcK, dstK] = [dstK, srcK];
    [srcV, dstV] = [dstV, srcV];
  }
  return [srcK, srcV];
}
