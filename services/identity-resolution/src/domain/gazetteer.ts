import { canonicalCountry, canonicalRegion } from './places.ts';

/**
 * A place hierarchy (towns → district → county → region or state → nation),
 * so that a town and the district or county around it can agree: "Kendal"
 * lies in Westmorland and Furness (which took over South Lakeland) in
 * Cumbria, "Southwark" in Greater London, Beaverton in Washington County,
 * Oregon. Built from public data (scripts/build-gazetteer.ts,
 * data/README.md) and read once at start.
 */

export type AreaKind = 'nation' | 'region' | 'county' | 'district' | 'town';

const KINDS: Record<string, AreaKind> = {
  N: 'nation',
  R: 'region',
  C: 'county',
  D: 'district',
  T: 'town',
};
const KIND_CODES: readonly AreaKind[] = ['nation', 'region', 'county', 'district', 'town'];
/** Kinds whose agreement is the place level's: regions and nations are compared as regions and countries. */
const LOCAL = new Set<AreaKind>(['county', 'district', 'town']);
const NO_AREAS = new Int32Array(0);

export class Gazetteer {
  static readonly EMPTY = new Gazetteer(new Uint8Array(0), new Int32Array(0), [], new Map());
  /** ISO code of each node's country (its root nation's: England → gb). */
  private readonly countries: string[];
  /** Code of each node's region or state (`or`, `north west`), '' above or without one. */
  private readonly regions: string[];
  private readonly regionCodes = new Set<string>();
  /** Per first word of a name of several words, the most words such a name has. */
  private readonly longestFrom = new Map<string, number>();

  private constructor(
    private readonly kinds: Uint8Array,
    private readonly parents: Int32Array,
    private readonly names: readonly string[],
    private readonly byName: ReadonlyMap<string, number | number[]>,
  ) {
    this.countries = [];
    this.regions = [];
    for (let n = 0; n < parents.length; n++) {
      const p = parents[n]!;
      this.countries.push(p === -1 ? canonicalCountry(names[n]) : this.countries[p]!);
      const own = KIND_CODES[kinds[n]!] === 'region' ? canonicalRegion(names[n]) : '';
      if (own) this.regionCodes.add(own);
      this.regions.push(own || (p === -1 ? '' : this.regions[p]!));
    }
    for (const name of byName.keys()) {
      const space = name.indexOf(' ');
      if (space === -1) continue;
      const first = name.slice(0, space);
      const words = name.split(' ').length;
      if (words > (this.longestFrom.get(first) ?? 1)) this.longestFrom.set(first, words);
    }
  }

  /** For parseGazetteer: the columns as read. */
  static fromColumns(
    kinds: Uint8Array,
    parents: Int32Array,
    names: readonly string[],
    byName: ReadonlyMap<string, number | number[]>,
  ): Gazetteer {
    return new Gazetteer(kinds, parents, names, byName);
  }

  /** Builds the hierarchy; `parent` -1 for a root. Names must be folded (normalizeWords). */
  static of(
    nodes: readonly { kind: AreaKind; parent: number; names: readonly string[] }[],
  ): Gazetteer {
    const kinds = new Uint8Array(nodes.length);
    const parents = new Int32Array(nodes.length);
    const byName = new Map<string, number | number[]>();
    nodes.forEach((n, i) => {
      kinds[i] = KIND_CODES.indexOf(n.kind);
      parents[i] = n.parent;
      for (const name of n.names) addName(byName, name, i);
    });
    return new Gazetteer(
      kinds,
      parents,
      nodes.map((n) => n.names[0] ?? ''),
      byName,
    );
  }

  get size(): number {
    return this.kinds.length;
  }

  kind(node: number): AreaKind {
    return KIND_CODES[this.kinds[node]!]!;
  }

  parent(node: number): number {
    return this.parents[node]!;
  }

  name(node: number): string {
    return this.names[node]!;
  }

  /** ISO 3166 code of the node's country (`gb`). */
  country(node: number): string {
    return this.countries[node]!;
  }

  /** True when some node is this region or state (`or`, `north west`). */
  hasRegion(code: string): boolean {
    return this.regionCodes.has(code);
  }

  /** Every node with this folded name (a name can be several places: Newport, Richmond). */
  nodesNamed(name: string): readonly number[] {
    const v = this.byName.get(name);
    return v === undefined ? [] : typeof v === 'number' ? [v] : v;
  }

  /**
   * The places a folded text names, reading the longest name at each word
   * first: "bath and north east somerset" is the district, not Bath plus
   * Somerset plus the North East.
   */
  placesIn(words: string): number[] {
    if (this.byName.size === 0 || !words) return [];
    const tokens = words.split(' ');
    const out: number[] = [];
    for (let i = 0; i < tokens.length;) {
      // The longest name from word i; phrases are only built from a word some
      // longer name starts with (this runs per author).
      const longest = Math.min(tokens.length - i, this.longestFrom.get(tokens[i]!) ?? 1);
      let found = 0;
      for (let k = longest; k >= 1 && found === 0; k--) {
        const nodes = this.byName.get(k === 1 ? tokens[i]! : tokens.slice(i, i + k).join(' '));
        if (nodes === undefined) continue;
        if (typeof nodes === 'number') out.push(nodes);
        else out.push(...nodes);
        found = k;
      }
      i += found || 1;
    }
    return out;
  }

  /**
   * The towns, districts and counties a folded text's places lie in (the
   * places themselves included), sorted: what two sides must share for
   * their places to agree below the region. With `countries` or `regions`,
   * only places in them count (Boston, MA is not the Lincolnshire one, nor
   * Portland, OR the one in Maine).
   */
  areasOf(
    words: string,
    countries: ReadonlySet<string> | null = null,
    regions: ReadonlySet<string> | null = null,
  ): Int32Array {
    const places = this.placesIn(words);
    if (places.length === 0) return NO_AREAS;
    const set = new Set<number>();
    for (const p of places) {
      if (countries && countries.size > 0 && !countries.has(this.countries[p]!)) continue;
      if (regions && regions.size > 0 && !regions.has(this.regions[p]!)) continue;
      for (let n = p; n !== -1; n = this.parents[n]!) {
        if (LOCAL.has(this.kind(n))) set.add(n);
      }
    }
    return set.size === 0 ? NO_AREAS : Int32Array.from(set).sort();
  }
}

/**
 * Reads the `kind<TAB>parent<TAB>name|name…` lines of data/gazetteer.tsv
 * (`#` comments). One pass over the text, no object per line: the file has
 * 60,000 lines and is read at start.
 */
export function parseGazetteer(text: string): Gazetteer {
  const kinds: number[] = [];
  const parents: number[] = [];
  const firstNames: string[] = [];
  const byName = new Map<string, number | number[]>();
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (end > start && text[start] !== '#') {
      const node = kinds.length;
      const tab1 = text.indexOf('\t', start);
      const tab2 = tab1 === -1 ? -1 : text.indexOf('\t', tab1 + 1);
      const kind = KINDS[text.slice(start, tab1)];
      const parent = Number(text.slice(tab1 + 1, tab2));
      if (tab2 === -1 || tab2 > end || !kind || !Number.isInteger(parent) || parent >= node) {
        throw new Error(`gazetteer line ${node + 1}: expected kind, parent before it, names`);
      }
      kinds.push(KIND_CODES.indexOf(kind));
      parents.push(parent);
      const names = text.slice(tab2 + 1, end).split('|');
      firstNames.push(names[0] ?? '');
      for (const name of names) if (name) addName(byName, name, node);
    }
    start = end + 1;
  }
  return Gazetteer.fromColumns(
    Uint8Array.from(kinds),
    Int32Array.from(parents),
    firstNames,
    byName,
  );
}

/** Indexes `node` under `name`: one node as a number, several (Newport, Richmond) as a list. */
function addName(byName: Map<string, number | number[]>, name: string, node: number): void {
  const had = byName.get(name);
  if (had === undefined) byName.set(name, node);
  else if (typeof had === 'number') {
    if (had !== node) byName.set(name, [had, node]);
  } else if (!had.includes(node)) had.push(node);
}

/**
 * The node both sorted lists hold that the fewest customers lie in (the most
 * specific one they share), or -1 when they share none with a customer in
 * it. `counts` is customers per node (CustomerIndex.areaCounts).
 */
export function sharedArea(a: Int32Array, b: Int32Array, counts: Int32Array): number {
  let node = -1;
  let best = 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x < y) i++;
    else if (y < x) j++;
    else {
      const c = counts[x] ?? 0;
      if (c > 0 && (node === -1 || c < best)) {
        node = x;
        best = c;
      }
      i++;
      j++;
    }
  }
  return node;
}
