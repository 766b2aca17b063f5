/**
 * A labeled record-linkage benchmark, reproducible from a seed: CRM
 * customers, social authors derived from some of them through realistic
 * noise, and authors who are not customers but look like one. Every author
 * carries its ground truth (the customer's external id, or null).
 */
import type { AuthorInput } from '../src/domain/author.ts';
import type { StoredCustomer } from '../src/domain/customer.ts';
import {
  COMPANIES,
  COUNTRY_NAMES,
  DECORATIONS,
  FIRST_NAMES,
  FREEMAIL,
  JUNK_LOCATIONS,
  LAST_NAMES,
  PLACES,
  PSEUDONYMS,
  syntheticLastName,
  type Place,
} from './world.ts';

/** sfc32: small, fast, good enough for test data, and identical on every machine. */
export function createRng(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

type Rng = () => number;

function zipf<T>(items: readonly T[], s: number): (r: Rng) => T {
  const cum: number[] = [];
  let total = 0;
  items.forEach((_, i) => {
    total += 1 / (i + 1) ** s;
    cum.push(total);
  });
  return (r) => {
    const x = r() * total;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return items[lo]!;
  };
}

function weighted<T extends string>(table: Record<T, number>): (r: Rng) => T {
  const entries = Object.entries(table) as [T, number][];
  const total = entries.reduce((s, [, w]) => s + w, 0);
  return (r) => {
    let x = r() * total;
    for (const [k, w] of entries) {
      x -= w;
      if (x < 0) return k;
    }
    return entries[entries.length - 1]![0];
  };
}

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const digits = (r: Rng) => String(Math.floor(r() * (r() < 0.5 ? 100 : 10000)));

const firstNames = [...new Set(FIRST_NAMES.split(/\s+/).filter(Boolean))];
const lastNames = [
  ...new Set(
    LAST_NAMES.split(/\s+/)
      .filter(Boolean)
      .map((s) => s.toLowerCase()),
  ),
];
const sampleFirst = zipf(firstNames, 0.9);
const sampleHeadLast = zipf(lastNames, 0.9);
const placeCum: number[] = [];
let placeTotal = 0;
for (const p of PLACES) placeCum.push((placeTotal += p.weight));
function samplePlace(r: Rng): Place {
  const x = r() * placeTotal;
  return PLACES[placeCum.findIndex((c) => c >= x)]!;
}

/**
 * Short forms people use, written for the generator on its own: some are in
 * the matcher's table, some (jenna, mags, tone, xan, …) are not.
 */
const GENERATOR_NICKNAMES: Record<string, string[]> = {
  william: ['bill', 'will', 'billy', 'liam'],
  robert: ['bob', 'rob', 'bobby', 'robbie'],
  richard: ['rick', 'dick', 'rich'],
  elizabeth: ['liz', 'beth', 'lizzie', 'betsy'],
  katherine: ['kate', 'kathy', 'kat'],
  catherine: ['cathy', 'cat', 'kate'],
  james: ['jim', 'jimmy', 'jamie'],
  john: ['johnny', 'jack'],
  michael: ['mike', 'mick', 'mikey'],
  jennifer: ['jen', 'jenny', 'jenna'],
  margaret: ['maggie', 'meg', 'mags'],
  christopher: ['chris', 'topher'],
  anthony: ['tony', 'tone'],
  alexander: ['alex', 'xan', 'sasha'],
  deborah: ['deb', 'debbie', 'debs'],
  jessica: ['jess', 'jessie'],
  patricia: ['pat', 'trish', 'patty'],
  joseph: ['joe', 'joey'],
  thomas: ['tom', 'tommy'],
  daniel: ['dan', 'danny'],
  matthew: ['matt'],
  nicholas: ['nick', 'nico'],
  samuel: ['sam'],
  samantha: ['sam', 'sammy'],
  benjamin: ['ben', 'benji'],
  rebecca: ['becky', 'becca'],
  stephanie: ['steph'],
  jonathan: ['jon', 'jonny'],
  edward: ['ed', 'eddie', 'ted'],
  victoria: ['vicky', 'tori'],
  kimberly: ['kim'],
  timothy: ['tim'],
  gregory: ['greg'],
  jacqueline: ['jackie'],
  alejandro: ['alejo'],
  giovanni: ['gianni'],
  francesca: ['fran', 'franca'],
  dmitri: ['dima'],
  tatiana: ['tanya'],
};

const KEYBOARD = 'qwertyuiopasdfghjklzxcvbnm';
function typo(r: Rng, s: string): string {
  if (s.length < 3) return s;
  const i = 1 + Math.floor(r() * (s.length - 1));
  switch (Math.floor(r() * 4)) {
    case 0:
      return s.slice(0, i) + s.slice(i + 1);
    case 1:
      return s.slice(0, i) + pick(r, KEYBOARD.split('')) + s.slice(i);
    case 2:
      return s.slice(0, i) + pick(r, KEYBOARD.split('')) + s.slice(i + 1);
    default:
      return i < s.length - 1
        ? s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2)
        : s.slice(0, i - 1) + s[i] + s[i - 1];
  }
}

export interface BenchCustomer extends StoredCustomer {
  /** Folded names as generated, for building authors. */
  gen: { first: string; last: string; place: Place };
}

export interface BenchAuthor {
  input: AuthorInput;
  /** The customer this author is, or null. */
  truth: string | null;
  /** How it was made: derived / lookalike / unrelated, then the noise applied. */
  kind: 'derived' | 'lookalike' | 'unrelated';
  variants: string[];
}

export interface WorldOptions {
  seed: number;
  customers: number;
  derived: number;
  lookalikes: number;
  unrelated: number;
}

const PLATFORMS = weighted({ x: 50, instagram: 20, reddit: 15, mastodon: 10, review: 5 });

/**
 * Handles are unique per platform and e-mail addresses per person, as on the
 * real services: a second "jameshill" on x has to pick "jameshill7".
 */
class Registry {
  readonly emails = new Set<string>();
  private readonly handles = new Set<string>();
  claimHandle(r: Rng, platform: string, handle: string): string {
    let h = handle;
    while (this.handles.has(`${platform}:${h.toLowerCase()}`))
      h = `${handle}${Math.floor(r() * 1000)}`;
    this.handles.add(`${platform}:${h.toLowerCase()}`);
    return h;
  }
  claimEmail(r: Rng, email: string): string {
    let e = email;
    const at = email.indexOf('@');
    while (this.emails.has(e))
      e = `${email.slice(0, at)}${Math.floor(r() * 1000)}${email.slice(at)}`;
    this.emails.add(e);
    return e;
  }
}

function sampleLast(r: Rng): string {
  return r() < 0.6 ? sampleHeadLast(r) : syntheticLastName(r);
}

function emailFor(
  r: Rng,
  first: string,
  last: string,
  company: string | null,
  reg: Registry,
): string {
  const local = weighted({
    dot: 30,
    plain: 15,
    initial: 15,
    underscore: 5,
    digits: 20,
    reversed: 5,
    word: 10,
  })(r);
  const l =
    local === 'dot'
      ? `${first}.${last}`
      : local === 'plain'
        ? `${first}${last}`
        : local === 'initial'
          ? `${first[0]}${last}`
          : local === 'underscore'
            ? `${first}_${last}`
            : local === 'digits'
              ? `${first}${last}${digits(r)}`
              : local === 'reversed'
                ? `${last}.${first}`
                : `${pick(r, PSEUDONYMS)}${digits(r)}`;
  const domain = company && r() < 0.6 ? `${company.toLowerCase()}.com` : pick(r, FREEMAIL);
  return reg.claimEmail(r, `${l}@${domain}`);
}

function handleFrom(r: Rng, first: string, last: string): { handle: string; variant: string } {
  const v = weighted({
    firstlast: 18,
    first_last: 10,
    first_dot_last: 5,
    flast: 14,
    firstlast_digits: 20,
    lastfirst: 5,
    firstl: 5,
    camel: 5,
    pseudonym: 18,
  })(r);
  const h =
    v === 'firstlast'
      ? first + last
      : v === 'first_last'
        ? `${first}_${last}`
        : v === 'first_dot_last'
          ? `${first}.${last}`
          : v === 'flast'
            ? first[0] + last + (r() < 0.5 ? digits(r) : '')
            : v === 'firstlast_digits'
              ? first + last + digits(r)
              : v === 'lastfirst'
                ? last + first
                : v === 'firstl'
                  ? first + last[0] + (r() < 0.5 ? digits(r) : '')
                  : v === 'camel'
                    ? cap(first) + cap(last)
                    : pick(r, PSEUDONYMS) + (r() < 0.7 ? digits(r) : '');
  return { handle: h, variant: `handle:${v}` };
}

function locationText(r: Rng, p: Place): { text: string | null; variant: string } {
  const v = weighted({
    city: 30,
    city_region: 10,
    city_country: 10,
    region: 5,
    country: 8,
    moved: 7,
    junk: 5,
    missing: 25,
  })(r);
  switch (v) {
    case 'city':
      return { text: p.city, variant: 'loc:city' };
    case 'city_region':
      return { text: `${p.city}, ${p.region}`, variant: 'loc:city_region' };
    case 'city_country':
      return {
        text: `${p.city}, ${COUNTRY_NAMES[p.country] ?? p.country}`,
        variant: 'loc:city_country',
      };
    case 'region':
      return { text: p.region, variant: 'loc:region' };
    case 'country':
      return { text: COUNTRY_NAMES[p.country] ?? p.country, variant: 'loc:country' };
    case 'moved':
      return { text: samplePlace(r).city, variant: 'loc:moved' };
    case 'junk':
      return { text: pick(r, JUNK_LOCATIONS), variant: 'loc:junk' };
    default:
      return { text: null, variant: 'loc:missing' };
  }
}

/** Generates customers only (for the speed benchmark at 1M). */
export function generateCustomers(
  seed: number,
  n: number,
  startId = 1,
  reg = new Registry(),
): BenchCustomer[] {
  const r = createRng(seed);
  const out: BenchCustomer[] = [];
  const tiers = weighted({ bronze: 50, silver: 30, gold: 15, platinum: 5 });
  for (let i = 0; i < n; i++) {
    const first = sampleFirst(r);
    const last = sampleLast(r);
    const place = samplePlace(r);
    const company = r() < 0.4 ? pick(r, COMPANIES) : null;
    const handles: { platform: string; handle: string }[] = [];
    for (const [platform, share] of [
      ['x', 0.12],
      ['instagram', 0.05],
    ] as const) {
      if (r() < share) {
        handles.push({
          platform,
          handle: reg.claimHandle(r, platform, handleFrom(r, first, last).handle.toLowerCase()),
        });
      }
    }
    out.push({
      id: startId + i,
      externalId: `CRM-${String(startId + i).padStart(7, '0')}`,
      firstName: cap(first),
      lastName: cap(last),
      fullName: `${cap(first)} ${cap(last)}`,
      emails: r() < 0.9 ? [emailFor(r, first, last, company, reg)] : [],
      phones: [],
      company,
      city: r() < 0.9 ? place.city : null,
      region: r() < 0.8 ? place.region : null,
      country:
        r() < 0.95
          ? r() < 0.5
            ? place.country
            : (COUNTRY_NAMES[place.country] ?? place.country)
          : null,
      tier: tiers(r),
      value: Math.round(Math.exp(5 + r() * 4)),
      handles,
      gen: { first, last, place },
    });
  }
  return out;
}

function baseAuthor(r: Rng, id: string): Omit<AuthorInput, 'handle' | 'name'> {
  return {
    platform: PLATFORMS(r),
    id,
    email: null,
    location: null,
    verified: r() < 0.02,
  };
}

function derivedAuthor(r: Rng, c: BenchCustomer, id: string, reg: Registry): BenchAuthor {
  const { first, last, place } = c.gen;
  const variants: string[] = [];
  const a = baseAuthor(r, id);
  const nameVariant = weighted({
    exact: 40,
    decorated: 8,
    nickname: 8,
    typo: 10,
    initial: 6,
    swapped: 5,
    first_only: 6,
    missing: 7,
    pseudonym: 10,
  })(r);
  let name: string | null;
  switch (nameVariant) {
    case 'decorated':
      name = `${cap(first)} ${cap(last)} ${pick(r, DECORATIONS)}`;
      break;
    case 'nickname': {
      const nicks = GENERATOR_NICKNAMES[first];
      name = nicks ? `${cap(pick(r, nicks))} ${cap(last)}` : `${cap(first)} ${cap(last)}`;
      break;
    }
    case 'typo':
      name =
        r() < 0.5 ? `${cap(typo(r, first))} ${cap(last)}` : `${cap(first)} ${cap(typo(r, last))}`;
      break;
    case 'initial':
      name = `${first[0]!.toUpperCase()}. ${cap(last)}`;
      break;
    case 'swapped':
      name = r() < 0.5 ? `${cap(last)} ${cap(first)}` : `${cap(last)}, ${cap(first)}`;
      break;
    case 'first_only':
      name = cap(first);
      break;
    case 'missing':
      name = null;
      break;
    case 'pseudonym':
      name = cap(pick(r, PSEUDONYMS));
      break;
    default:
      name = `${cap(first)} ${cap(last)}`;
  }
  variants.push(`name:${nameVariant}`);

  let handle: string;
  const known = c.handles.find((h) => h.platform === a.platform);
  if (known && r() < 0.6) {
    handle = known.handle;
    variants.push('handle:crm_same_platform');
  } else if (c.handles.length > 0 && c.handles[0]!.platform !== a.platform && r() < 0.4) {
    handle = reg.claimHandle(r, a.platform, c.handles[0]!.handle);
    variants.push('handle:crm_other_platform');
  } else {
    const h = handleFrom(r, first, last);
    handle = reg.claimHandle(r, a.platform, h.handle);
    variants.push(h.variant);
  }

  const loc = locationText(r, place);
  variants.push(loc.variant);
  const e = weighted({ none: 88, same: 4, same_local: 4, other: 4 })(r);
  let email: string | null = null;
  if (e === 'same' && c.emails[0]) email = c.emails[0];
  else if (e === 'same_local' && c.emails[0])
    email = reg.claimEmail(r, `${c.emails[0].split('@')[0]}@${pick(r, FREEMAIL)}`);
  else if (e === 'other')
    email = reg.claimEmail(r, `${pick(r, PSEUDONYMS)}${digits(r)}@${pick(r, FREEMAIL)}`);
  if (email) variants.push(`email:${e}`);
  return {
    input: { ...a, name, handle, location: loc.text, email },
    truth: c.externalId,
    kind: 'derived',
    variants,
  };
}

function lookalikeAuthor(
  r: Rng,
  c: BenchCustomer,
  id: string,
  commonFirst: string[],
  commonLast: string[],
  reg: Registry,
): BenchAuthor {
  const a = baseAuthor(r, id);
  const kind = weighted({ same_last_other_first: 35, namesake_other_city: 35, common_name: 30 })(r);
  let first = c.gen.first;
  let last = c.gen.last;
  let place = samplePlace(r);
  if (kind === 'same_last_other_first') {
    while (first === c.gen.first) first = sampleFirst(r);
    if (r() < 0.4) place = c.gen.place;
  } else if (kind === 'namesake_other_city') {
    while (place.city === c.gen.place.city) place = samplePlace(r);
  } else {
    first = pick(r, commonFirst);
    last = pick(r, commonLast);
  }
  const h = handleFrom(r, first, last);
  const loc =
    r() < 0.4 ? { text: null, variant: 'loc:missing' } : { text: place.city, variant: 'loc:city' };
  return {
    input: {
      ...a,
      name: `${cap(first)} ${cap(last)}`,
      handle: reg.claimHandle(r, a.platform, h.handle),
      location: loc.text,
    },
    truth: null,
    kind: 'lookalike',
    variants: [`lookalike:${kind}`, h.variant, loc.variant],
  };
}

function unrelatedAuthor(r: Rng, id: string, reg: Registry): BenchAuthor {
  const a = baseAuthor(r, id);
  const first = sampleFirst(r);
  const last = sampleLast(r);
  const h = handleFrom(r, first, last);
  const named = r() < 0.8;
  const loc = locationText(r, samplePlace(r));
  return {
    input: {
      ...a,
      name: named ? `${cap(first)} ${cap(last)}` : null,
      handle: reg.claimHandle(r, a.platform, h.handle),
      location: loc.text,
    },
    truth: null,
    kind: 'unrelated',
    variants: ['unrelated', h.variant],
  };
}

/** Customers plus labeled authors; the same seed gives the same world. */
export function generateWorld(o: WorldOptions): {
  customers: BenchCustomer[];
  authors: BenchAuthor[];
} {
  const reg = new Registry();
  const customers = generateCustomers(o.seed, o.customers, 1, reg);
  const r = createRng(o.seed ^ 0x5bd1e995);
  const authors: BenchAuthor[] = [];
  const used = new Set<number>();
  for (let i = 0; i < o.derived; i++) {
    let k = Math.floor(r() * customers.length);
    while (used.has(k)) k = Math.floor(r() * customers.length);
    used.add(k);
    authors.push(derivedAuthor(r, customers[k]!, `d${i}`, reg));
  }
  const commonFirst = firstNames.slice(0, 20);
  const commonLast = lastNames.slice(0, 20);
  for (let i = 0; i < o.lookalikes; i++) {
    authors.push(
      lookalikeAuthor(
        r,
        customers[Math.floor(r() * customers.length)]!,
        `l${i}`,
        commonFirst,
        commonLast,
        reg,
      ),
    );
  }
  for (let i = 0; i < o.unrelated; i++) authors.push(unrelatedAuthor(r, `u${i}`, reg));
  // Shuffle so no step sees the classes in order.
  for (let i = authors.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [authors[i], authors[j]] = [authors[j]!, authors[i]!];
  }
  return { customers, authors };
}
