import { hashEmail } from '@hark/privacy';
import { customerKeys, exactEmailKey, exactHandleKey } from './blocking-keys.ts';
import type { CustomerHandle, StoredCustomer } from './customer.ts';
import { IntMultiMap, hashKey } from './int-multimap.ts';
import {
  FREEMAIL_DOMAINS,
  emailDomain,
  foldAscii,
  normalizeCompany,
  normalizeNamePart,
  normalizeWords,
  parseDisplayName,
} from './normalize.ts';
import { Gazetteer } from './gazetteer.ts';
import { canonicalCountry, canonicalRegion } from './places.ts';

/** Interned strings with a use count per string, for term-frequency weights. */
class Interner {
  private readonly ids = new Map<string, number>([['', 0]]);
  private readonly strings: string[] = [''];
  private counts = new Int32Array(1024);

  intern(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.ids.set(s, id);
      this.strings.push(s);
      if (id >= this.counts.length) {
        const c = new Int32Array(this.counts.length * 2);
        c.set(this.counts);
        this.counts = c;
      }
    }
    return id;
  }

  idOf(s: string): number | undefined {
    return this.ids.get(s);
  }

  str(id: number): string {
    return this.strings[id]!;
  }

  count(id: number): number {
    return this.counts[id]!;
  }

  countOf(s: string): number {
    const id = this.ids.get(s);
    return id === undefined ? 0 : this.counts[id]!;
  }

  adjust(id: number, delta: number): void {
    if (id !== 0) this.counts[id]! += delta;
  }

  get size(): number {
    return this.strings.length - 1;
  }
}

const NULL_VALUE = Number.NaN;
const NO_AREAS = new Int32Array(0);
const STRIDE = 8;
const FIRST = 0;
const LAST = 1;
const CITY = 2;
const REGION = 3;
const COUNTRY = 4;
const COMPANY = 5;
/** Index of the area list of the customer's city (see areaListOf; 0: none). */
const AREA = 6;
/** The flags below in the low bits, the interned tier above them. */
const FLAGS = 7;
const HAS_EMAILS = 1;
const HAS_HANDLES = 2;
/** An e-mail at a domain that is no consumer mail provider: the company comparison reads it. */
const HAS_WORK_EMAIL = 4;
const TIER_SHIFT = 3;

/** The index's folded view of one customer: what matching compares. */
export interface IndexedFields {
  first: string;
  last: string;
  city: string;
  region: string;
  country: string;
  company: string;
}

/** Folds a stored customer into the fields the index keeps. */
export function indexedFields(c: StoredCustomer): IndexedFields {
  let first = firstToken(c.firstName);
  let last = normalizeNamePart(c.lastName);
  if (!first && !last && c.fullName) {
    const p = parseDisplayName(c.fullName);
    first = p?.first ?? '';
    last = p?.last ?? '';
  }
  return {
    first,
    last,
    city: normalizeWords(c.city),
    region: c.region ? canonicalRegion(c.region) : '',
    country: c.country ? canonicalCountry(c.country) : '',
    company: normalizeCompany(c.company),
  };
}

/** `https://www.Acme.io/about` → `acme.io`; '' for nothing usable. */
export function websiteDomain(url: string | null | undefined): string {
  if (!url) return '';
  const host = url
    .trim()
    .toLowerCase()
    .replace(/^[a-z]+:\/\//, '')
    .split(/[/?#:]/)[0]!
    .replace(/^www\./, '');
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host) ? host : '';
}

function firstToken(s: string | null): string {
  if (!s) return '';
  return (
    foldAscii(s)
      .replace(/['’`]/g, '')
      .replace(/(\p{L})-(\p{L})/gu, '$1$2')
      .split(/[^a-z]+/)
      .find(Boolean) ?? ''
  );
}

/**
 * Every customer, in memory, in columns: interned strings as Int32Array ids,
 * numbers in typed arrays, e-mails and handles as one joined string per
 * customer, and the blocking keys in a compact hash multimap. The hot path
 * (resolving an author) never touches PostgreSQL; an adapter loads the index
 * at start and feeds it changed customers.
 */
export class CustomerIndex {
  private count = 0;
  private capacity = 0;
  private ids = new Float64Array(0);
  /**
   * The fields scoring reads, interleaved per customer (first, last, city,
   * region, country, company, area list, flags and tier): one cache line per
   * candidate instead of one miss per column, which is what bounds the hot
   * loop (the area list had a column of its own: one more miss per candidate).
   */
  private fields = new Int32Array(0);
  private values = new Float64Array(0);
  private readonly externalIds: string[] = [];
  private readonly emails: (string | undefined)[] = [];
  /** Web domain of the customer's website attribute (`acme.io`), sparse. */
  private readonly websites: (string | undefined)[] = [];
  /** `sha256:<hex>` of each e-mail: mentions carry hashed addresses (collector PRIVACY_HASH_EMAILS). */
  private readonly emailHashes: (string | undefined)[] = [];
  private readonly handles: (string | undefined)[] = [];
  /** Slots [0, sortedCount) hold strictly ascending ids (the bulk load): binary search. */
  private sortedCount = 0;
  private readonly laterIds = new Map<number, number>();
  private loading = true;

  readonly firstNames = new Interner();
  readonly lastNames = new Interner();
  readonly cityNames = new Interner();
  readonly regionNames = new Interner();
  readonly countryNames = new Interner();
  private readonly companyNames = new Interner();
  private readonly tierNames = new Interner();
  /** Blocking key hash → slots. */
  readonly blocks = new IntMultiMap();
  /** Exact e-mail and handle key hash → slots (verified on lookup). */
  private readonly exact = new IntMultiMap();
  /** The place hierarchy the location comparison reads (empty: towns agree only by name). */
  readonly gazetteer: Gazetteer;
  /**
   * Per city, region and country (see areaKey), the index of its area list
   * in `areaLists`; per customer, that index (0: none, in `fields`), so that
   * scoring reads a customer's areas with two array reads.
   */
  private readonly areaListOf = new Map<string, number>();
  private readonly areaLists: Int32Array[] = [NO_AREAS];
  /** Areas of profile locations that name no country or state, by their padded text (bounded). */
  private readonly locationAreas = new Map<string, Int32Array>();
  /** Customers per gazetteer node: those whose city lies in it (term frequency of an area). */
  readonly areaCounts: Int32Array;

  constructor(options: { gazetteer?: Gazetteer } = {}) {
    this.gazetteer = options.gazetteer ?? Gazetteer.EMPTY;
    this.areaCounts = new Int32Array(this.gazetteer.size);
  }

  /** Adds or replaces a customer; returns its slot. */
  upsert(c: StoredCustomer): number {
    const f = indexedFields(c);
    let slot = this.slotOfId(c.id);
    const isNew = slot === undefined;
    if (slot === undefined) {
      slot = this.count++;
      this.grow(this.count);
      this.ids[slot] = c.id;
      if (this.loading && (slot === 0 || c.id > this.ids[slot - 1]!) && this.sortedCount === slot) {
        this.sortedCount++;
      } else {
        this.laterIds.set(c.id, slot);
      }
    } else {
      this.adjustCounts(slot, -1);
    }
    const o = slot * STRIDE;
    this.fields[o + FIRST] = this.firstNames.intern(f.first);
    this.fields[o + LAST] = this.lastNames.intern(f.last);
    this.fields[o + CITY] = this.cityNames.intern(f.city);
    this.fields[o + REGION] = this.regionNames.intern(f.region);
    this.fields[o + COUNTRY] = this.countryNames.intern(f.country);
    this.fields[o + AREA] = this.gazetteer.size > 0 && f.city ? this.areaListFor(o, f) : 0;
    this.fields[o + COMPANY] = this.companyNames.intern(f.company);
    this.fields[o + FLAGS] =
      (this.tierNames.intern(c.tier ?? '') << TIER_SHIFT) |
      (c.emails.length > 0 ? HAS_EMAILS : 0) |
      (c.handles.length > 0 ? HAS_HANDLES : 0) |
      (c.emails.some((e) => !FREEMAIL_DOMAINS.has(emailDomain(e))) ? HAS_WORK_EMAIL : 0);
    this.values[slot] = c.value ?? NULL_VALUE;
    this.externalIds[slot] = c.externalId;
    this.emails[slot] = c.emails.length > 0 ? c.emails.join('\n') : undefined;
    this.websites[slot] = websiteDomain(c.attributes?.website) || undefined;
    const hashes = c.emails.map(hashEmail);
    this.emailHashes[slot] = hashes.length > 0 ? hashes.join('\n') : undefined;
    this.handles[slot] =
      c.handles.length > 0
        ? c.handles.map((h) => `${h.platform}:${h.handle}`).join('\n')
        : undefined;
    this.adjustCounts(slot, +1);

    // A changed customer keeps its old keys (harmless: candidates are re-scored against
    // current data) and gains its new ones.
    const add = this.loading && isNew ? 'addBulk' : 'add';
    for (const key of customerKeys({
      first: f.first,
      last: f.last,
      city: f.city,
      region: f.region,
      emails: c.emails,
      handles: c.handles,
    })) {
      this.blocks[add](hashKey(key), slot);
    }
    for (const e of c.emails) this.exact[add](hashKey(exactEmailKey(e)), slot);
    for (const h of hashes) this.exact[add](hashKey(exactEmailKey(h)), slot);
    for (const h of c.handles) this.exact[add](hashKey(exactHandleKey(h.platform, h.handle)), slot);
    return slot;
  }

  /** Ends the bulk load: sorts the queued keys. Later upserts are visible at once. */
  finishLoad(): void {
    this.blocks.build();
    this.exact.build();
    this.loading = false;
  }

  get size(): number {
    return this.count;
  }

  slotOfId(id: number): number | undefined {
    const later = this.laterIds.get(id);
    if (later !== undefined) return later;
    let lo = 0;
    let hi = this.sortedCount - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.ids[mid]!;
      if (v < id) lo = mid + 1;
      else if (v > id) hi = mid - 1;
      else return mid;
    }
    return undefined;
  }

  /** Slots of customers holding exactly this (normalised) e-mail. */
  lookupEmail(email: string): number[] {
    const out: number[] = [];
    this.exact.forEach(hashKey(exactEmailKey(email)), (slot) => {
      if (!out.includes(slot) && (this.emails[slot] ?? '').split('\n').includes(email))
        out.push(slot);
    });
    return out;
  }

  /** Slots of customers holding an e-mail whose hash (`sha256:<hex>`, see hashEmail) is this. */
  lookupEmailHash(hash: string): number[] {
    const out: number[] = [];
    this.exact.forEach(hashKey(exactEmailKey(hash)), (slot) => {
      if (!out.includes(slot) && (this.emailHashes[slot] ?? '').split('\n').includes(hash))
        out.push(slot);
    });
    return out;
  }

  /** Slots of customers whose CRM record lists this handle on this platform. */
  lookupHandle(platform: string, handle: string): number[] {
    const out: number[] = [];
    const want = `${platform}:${handle}`;
    this.exact.forEach(hashKey(exactHandleKey(platform, handle)), (slot) => {
      if (!out.includes(slot) && (this.handles[slot] ?? '').split('\n').includes(want))
        out.push(slot);
    });
    return out;
  }

  id(slot: number): number {
    return this.ids[slot]!;
  }
  externalId(slot: number): string {
    return this.externalIds[slot]!;
  }
  first(slot: number): string {
    return this.firstNames.str(this.fields[slot * STRIDE + FIRST]!);
  }
  last(slot: number): string {
    return this.lastNames.str(this.fields[slot * STRIDE + LAST]!);
  }
  /** Interned first-name id (0 = none): equal ids mean equal names. */
  firstId(slot: number): number {
    return this.fields[slot * STRIDE + FIRST]!;
  }
  lastId(slot: number): number {
    return this.fields[slot * STRIDE + LAST]!;
  }
  regionId(slot: number): number {
    return this.fields[slot * STRIDE + REGION]!;
  }
  countryId(slot: number): number {
    return this.fields[slot * STRIDE + COUNTRY]!;
  }
  hasEmails(slot: number): boolean {
    return (this.fields[slot * STRIDE + FLAGS]! & HAS_EMAILS) !== 0;
  }
  hasHandles(slot: number): boolean {
    return (this.fields[slot * STRIDE + FLAGS]! & HAS_HANDLES) !== 0;
  }
  /** Whether one of the customer's e-mails is at a domain other than a consumer mail provider. */
  hasWorkEmail(slot: number): boolean {
    return (this.fields[slot * STRIDE + FLAGS]! & HAS_WORK_EMAIL) !== 0;
  }
  cityId(slot: number): number {
    return this.fields[slot * STRIDE + CITY]!;
  }
  city(slot: number): string {
    return this.cityNames.str(this.fields[slot * STRIDE + CITY]!);
  }
  region(slot: number): string {
    return this.regionNames.str(this.fields[slot * STRIDE + REGION]!);
  }
  country(slot: number): string {
    return this.countryNames.str(this.fields[slot * STRIDE + COUNTRY]!);
  }
  /** The customer's website domain, or '' when the CRM gave none. */
  website(slot: number): string {
    return this.websites[slot] ?? '';
  }
  company(slot: number): string {
    return this.companyNames.str(this.fields[slot * STRIDE + COMPANY]!);
  }
  tier(slot: number): string | null {
    return this.tierNames.str(this.fields[slot * STRIDE + FLAGS]! >>> TIER_SHIFT) || null;
  }
  value(slot: number): number | null {
    const v = this.values[slot]!;
    return Number.isNaN(v) ? null : v;
  }
  emailsOf(slot: number): string[] {
    const e = this.emails[slot];
    return e ? e.split('\n') : [];
  }
  handlesOf(slot: number): CustomerHandle[] {
    const h = this.handles[slot];
    if (!h) return [];
    return h.split('\n').map((p) => {
      const i = p.indexOf(':');
      return { platform: p.slice(0, i), handle: p.slice(i + 1) };
    });
  }

  /** How many customers have this folded first name (term frequency). */
  firstNameCount(name: string): number {
    return this.firstNames.countOf(name);
  }
  /** How many customers have this folded family name. */
  lastNameCount(name: string): number {
    return this.lastNames.countOf(name);
  }
  firstCountById(id: number): number {
    return this.firstNames.count(id);
  }
  lastCountById(id: number): number {
    return this.lastNames.count(id);
  }
  cityCount(cityId: number): number {
    return this.cityNames.count(cityId);
  }
  /** The gazetteer areas (towns, districts, counties) the customer's city lies in, sorted. */
  areasOf(slot: number): Int32Array {
    return this.areaLists[this.fields[slot * STRIDE + AREA]!]!;
  }

  /** Which area list the customer's city has (0: none); equal ids, equal areas. */
  areaListId(slot: number): number {
    return this.fields[slot * STRIDE + AREA]!;
  }

  /**
   * The gazetteer areas a profile location naming no country or state lies
   * in (ParsedLocation.padded), memoised: the same few thousand locations
   * come back in every batch.
   */
  areasOfLocation(padded: string): Int32Array {
    let areas = this.locationAreas.get(padded);
    if (areas === undefined) {
      areas = this.gazetteer.areasOf(padded.trim());
      if (this.locationAreas.size >= 50_000) this.locationAreas.clear();
      this.locationAreas.set(padded, areas);
    }
    return areas;
  }

  /** Rough heap use of the columns and keys, for the benchmark and metrics. */
  stats(): {
    customers: number;
    blockingPairs: number;
    blockingBytes: number;
    columnBytes: number;
  } {
    const columnBytes = this.capacity * (8 + 4 * STRIDE + 8);
    return {
      customers: this.count,
      blockingPairs: this.blocks.size,
      blockingBytes: this.blocks.bytes + this.exact.bytes,
      columnBytes,
    };
  }

  private adjustCounts(slot: number, delta: number): void {
    const o = slot * STRIDE;
    this.firstNames.adjust(this.fields[o + FIRST]!, delta);
    this.lastNames.adjust(this.fields[o + LAST]!, delta);
    this.cityNames.adjust(this.fields[o + CITY]!, delta);
    for (const node of this.areasOf(slot)) this.areaCounts[node]! += delta;
    this.regionNames.adjust(this.fields[o + REGION]!, delta);
    this.countryNames.adjust(this.fields[o + COUNTRY]!, delta);
  }

  /** The area list of a customer's city, region and country, made when first seen. */
  private areaListFor(o: number, f: IndexedFields): number {
    const key = this.areaKey(o);
    let list = this.areaListOf.get(key);
    if (list === undefined) {
      // Only places in the customer's country and state count (a state the
      // gazetteer does not know, like a UK county in the region field, does not narrow).
      const areas = this.gazetteer.areasOf(
        f.city,
        f.country ? new Set([f.country]) : null,
        this.gazetteer.hasRegion(f.region) ? new Set([f.region]) : null,
      );
      list = areas.length === 0 ? 0 : this.areaLists.push(areas) - 1;
      this.areaListOf.set(key, list);
    }
    return list;
  }

  /**
   * City, region and country ids as one key. A string: a CRM's free-text country and
   * region columns can hold any number of distinct values, which bit fields would fold
   * onto each other (and give a customer another place's areas).
   */
  private areaKey(o: number): string {
    const f = this.fields;
    return `${f[o + CITY]!}|${f[o + REGION]!}|${f[o + COUNTRY]!}`;
  }

  private grow(min: number): void {
    if (min <= this.capacity) return;
    const cap = Math.max(1024, this.capacity * 2, min);
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    this.ids = f64(this.ids);
    this.values = f64(this.values);
    const fields = new Int32Array(cap * STRIDE);
    fields.set(this.fields);
    this.fields = fields;
    this.capacity = cap;
  }
}
