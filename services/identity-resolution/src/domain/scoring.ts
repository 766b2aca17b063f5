import type { Evidence } from '@hark/events';
import type { PreparedAuthor } from './author.ts';
import type { CustomerIndex } from './customer-index.ts';
import { jaroWinkler } from './jaro-winkler.ts';
import { areNicknames, nameVariants } from './nicknames.ts';
import { emailDomain, emailLocal, handleCompact } from './normalize.ts';
import { PairMemo } from './pair-memo.ts';
import { isOneEdit } from './one-edit.ts';
import { sharedArea } from './gazetteer.ts';
import { mentionsPlace } from './places.ts';
import { soundAlike } from './phonetic.ts';

/** m = P(outcome | same person), u = P(outcome | different people). */
export interface MU {
  m: number;
  u: number;
}

/**
 * Fellegi–Sunter parameters. m values are priors from the record-linkage
 * literature for person names (agreement rates of true pairs under typical
 * data-entry and self-description noise); u values for exact agreement come
 * from the customer base itself (term frequencies: agreeing on "Smith" says
 * less than agreeing on "Zywicki"), smoothed towards `tfPrior` so a small
 * CRM does not claim every name is rare. Nothing here is fitted to the
 * benchmark generator.
 */
export interface MatchModel {
  firstName: {
    exactM: number;
    tfPrior: number;
    nickname: MU;
    jwHigh: MU;
    /** One typing slip apart (see isOneEdit), where Jaro–Winkler is not already high. */
    oneEdit: MU;
    jwMid: MU;
    /** Spelled apart but sounding alike (Lewis/Louis, Reuben/Rubin). */
    phonetic: MU;
    /** Display names of unverified accounts are often pseudonyms: a mismatch says less. */
    disagree: MU;
    disagreeVerified: MU;
    initialAgree: MU;
    initialDisagree: MU;
  };
  lastName: {
    exactM: number;
    tfPrior: number;
    jwHigh: MU;
    oneEdit: MU;
    jwMid: MU;
    phonetic: MU;
    disagree: MU;
    initialAgree: MU;
    initialDisagree: MU;
  };
  location: {
    cityAgreeM: number;
    cityTfPrior: number;
    /** A misspelled town ("Manchster" for Manchester): Jaro–Winkler ≥ 0.9 with a location part. */
    cityFuzzy: MU;
    /**
     * Another name for a place inside the same area: a town in the district or
     * county the other side names, or two towns of one district or county
     * (gazetteer). u is the share of customers in the smallest area both share.
     */
    areaAgreeM: number;
    areaTfPrior: number;
    cityDisagree: MU;
    /** Region agreement: u is the region's share of customers (a state holding 20% says little). */
    regionAgreeM: number;
    regionTfPrior: number;
    regionDisagree: MU;
    countryAgree: MU;
    countryDisagree: MU;
  };
  /**
   * An identifier string (an e-mail local part, a CRM handle on another
   * platform) agrees. `u` is per the string's distinctiveness: a pseudonym
   * (`sunflower`) is rarer than a name (`janedoe`), and each digit cuts u
   * tenfold, up to three (`janedoe1984`).
   */
  identifierAgree: { m: number; uPseudonym: number; uNameLike: number };
  /** Both sides have e-mails and no local part agrees: people keep several addresses. */
  emailDisagree: MU;
  companyAgree: MU;
  companyDisagree: MU;
  /** Pseudo-count for term-frequency smoothing. */
  tfSmoothing: number;
}

export const DEFAULT_MODEL: MatchModel = {
  firstName: {
    exactM: 0.82,
    tfPrior: 0.003,
    nickname: { m: 0.07, u: 0.008 },
    jwHigh: { m: 0.04, u: 0.006 },
    oneEdit: { m: 0.02, u: 0.004 },
    jwMid: { m: 0.02, u: 0.02 },
    phonetic: { m: 0.01, u: 0.005 },
    disagree: { m: 0.06, u: 0.95 },
    disagreeVerified: { m: 0.02, u: 0.95 },
    initialAgree: { m: 0.96, u: 0.08 },
    initialDisagree: { m: 0.04, u: 0.92 },
  },
  lastName: {
    exactM: 0.86,
    tfPrior: 0.0003,
    jwHigh: { m: 0.05, u: 0.002 },
    oneEdit: { m: 0.02, u: 0.001 },
    jwMid: { m: 0.02, u: 0.006 },
    phonetic: { m: 0.02, u: 0.004 },
    disagree: { m: 0.05, u: 0.985 },
    initialAgree: { m: 0.96, u: 0.07 },
    initialDisagree: { m: 0.04, u: 0.93 },
  },
  location: {
    cityAgreeM: 0.8,
    cityTfPrior: 0.005,
    cityFuzzy: { m: 0.05, u: 0.002 },
    areaAgreeM: 0.05,
    areaTfPrior: 0.02,
    cityDisagree: { m: 0.15, u: 0.95 },
    regionAgreeM: 0.85,
    regionTfPrior: 0.05,
    regionDisagree: { m: 0.15, u: 0.95 },
    countryAgree: { m: 0.92, u: 0.3 },
    countryDisagree: { m: 0.08, u: 0.7 },
  },
  identifierAgree: { m: 0.3, uPseudonym: 1e-4, uNameLike: 0.15 },
  emailDisagree: { m: 0.7, u: 0.99999 },
  companyAgree: { m: 0.5, u: 0.001 },
  companyDisagree: { m: 0.5, u: 0.999 },
  tfSmoothing: 1000,
};

const log2 = Math.log2;
const w = (mu: MU): number => log2(mu.m / mu.u);

/** Term-frequency u for exact agreement: share of customers with the value, smoothed. */
function tfU(count: number, n: number, prior: number, alpha: number): number {
  return (count + alpha * prior) / (n + alpha);
}

export type FirstLevel =
  | 'exact'
  | 'nickname'
  | 'jw_high'
  | 'one_edit'
  | 'jw_mid'
  | 'phonetic'
  | 'disagree'
  | 'initial'
  | 'initial_disagree';
/** Family names have the same levels, bar nicknames. */
export type LastLevel = Exclude<FirstLevel, 'nickname'>;

export type PlaceLevel =
  | 'city'
  | 'city_fuzzy'
  | 'city_area'
  | 'city_other'
  | 'region'
  | 'region_other'
  | 'country'
  | 'country_other';

/** One author–customer pair as the estimator sees it (see CandidateScorer.vectorOf). */
export interface ComparisonVector {
  first: FirstLevel | null;
  last: LastLevel | null;
  place: PlaceLevel | null;
  /** Term-frequency u of an exact first name, family name, city or region (else 0). */
  firstU: number;
  lastU: number;
  placeU: number;
  /** The weights these comparisons had under the model used. */
  firstW: number;
  lastW: number;
  placeW: number;
  /** Weight of the comparisons not re-estimated (handle, e-mail, company). */
  rest: number;
}

/** Town names a typo apart: "manchster" and "manchester", not "york" and "cork". */
export function isFuzzyTown(segments: readonly string[], city: string): boolean {
  if (city.length < 5) return false;
  for (const s of segments) {
    if (Math.abs(s.length - city.length) <= 2 && s[0] === city[0] && jaroWinkler(s, city) >= 0.92)
      return true;
  }
  return false;
}

/** One slip apart, and long enough that the slip is not the whole name ("jon"/"joe"). */
const isTypo = (a: string, c: string): boolean =>
  Math.min(a.length, c.length) >= 3 && Math.max(a.length, c.length) >= 4 && isOneEdit(a, c);

export function compareFirst(a: string, c: string): FirstLevel | null {
  if (!a || !c) return null;
  if (a.length === 1 || c.length === 1) return a[0] === c[0] ? 'initial' : 'initial_disagree';
  if (a === c) return 'exact';
  if (areNicknames(a, c)) return 'nickname';
  const jw = jaroWinkler(a, c);
  if (jw >= 0.94) return 'jw_high';
  if (isTypo(a, c)) return 'one_edit';
  if (jw >= 0.88) return 'jw_mid';
  // Spellings of one name (Lewis/Louis); names that share little are not looked up.
  if (jw >= 0.7 && soundAlike(a, c)) return 'phonetic';
  return 'disagree';
}

export function compareLast(a: string, c: string): LastLevel | null {
  if (!a || !c) return null;
  if (a.length === 1 || c.length === 1) return a[0] === c[0] ? 'initial' : 'initial_disagree';
  if (a === c) return 'exact';
  const jw = jaroWinkler(a, c);
  if (jw >= 0.94) return 'jw_high';
  if (isTypo(a, c)) return 'one_edit';
  if (jw >= 0.88) return 'jw_mid';
  // Sound-alikes spelled apart (Smith/Schmidt, Thompson/Tomson) still share most letters;
  // the phonetic lookup is skipped for names that share little.
  if (jw >= 0.7 && soundAlike(a, c)) return 'phonetic';
  return 'disagree';
}

/** Weight of an exact agreement on a value held by `count` of `n` customers. */
function exactWeight(m: number, count: number, n: number, prior: number, alpha: number): number {
  return log2(m / tfU(count, n, prior, alpha));
}

/** The keys of a model section that hold an m/u pair. */
type MUKey<T> = { [K in keyof T]: T[K] extends MU ? K : never }[keyof T];

/** Where each family-name level other than exact agreement keeps its m and u. */
const LAST_MU = {
  jw_high: 'jwHigh',
  one_edit: 'oneEdit',
  jw_mid: 'jwMid',
  phonetic: 'phonetic',
  disagree: 'disagree',
  initial: 'initialAgree',
  initial_disagree: 'initialDisagree',
} as const satisfies Record<Exclude<LastLevel, 'exact'>, MUKey<MatchModel['lastName']>>;

/** The same for first names, which add nicknames. */
const FIRST_MU = { ...LAST_MU, nickname: 'nickname' } as const satisfies Record<
  Exclude<FirstLevel, 'exact'>,
  MUKey<MatchModel['firstName']>
>;

/** Levels that are the name spelled nearly right: never worth more than spelled right. */
const NEAR_MISSES: ReadonlySet<string> = new Set([
  'nickname',
  'jw_high',
  'one_edit',
  'jw_mid',
  'phonetic',
]);

/**
 * Weight of a name level other than exact agreement. A near miss (nickname,
 * typo) of a name never says more than the name itself agreeing would: the
 * fuzzy levels' u comes from random pairs and knows nothing of the name's
 * frequency, so "Wikliam" would otherwise outweigh "William". (No closures
 * here: this runs per candidate, and tsx wraps every closure it creates.)
 */
function levelWeight(
  level: string,
  weight: number,
  part: { exactM: number; tfPrior: number },
  count: number,
  n: number,
  alpha: number,
): number {
  if (!NEAR_MISSES.has(level)) return weight;
  return Math.min(weight, exactWeight(part.exactM, count, n, part.tfPrior, alpha));
}

/** log2(m/u) of every name level but exact agreement: first names (unverified, verified), family names. */
interface LevelWeights {
  first: Record<string, number>;
  firstVerified: Record<string, number>;
  last: Record<string, number>;
}

/**
 * Made once per model (models are never changed, a fit makes a new one)
 * instead of once per candidate and level; per author it allocated more
 * than a small CRM's few candidates save.
 */
const levelWeightsOf = new WeakMap<MatchModel, LevelWeights>();

function levelWeights(model: MatchModel): LevelWeights {
  let lw = levelWeightsOf.get(model);
  if (!lw) {
    const f = model.firstName;
    const first: Record<string, number> = {};
    const firstVerified: Record<string, number> = {};
    for (const [level, key] of Object.entries(FIRST_MU)) {
      first[level] = w(f[key]);
      firstVerified[level] = w(level === 'disagree' ? f.disagreeVerified : f[key]);
    }
    const last: Record<string, number> = {};
    for (const [level, key] of Object.entries(LAST_MU)) last[level] = w(model.lastName[key]);
    lw = { first, firstVerified, last };
    levelWeightsOf.set(model, lw);
  }
  return lw;
}

function firstWeight(
  level: FirstLevel,
  count: number,
  n: number,
  weights: Record<string, number>,
  model: MatchModel,
): number {
  const f = model.firstName;
  if (level === 'exact') return exactWeight(f.exactM, count, n, f.tfPrior, model.tfSmoothing);
  return levelWeight(level, weights[level]!, f, count, n, model.tfSmoothing);
}

function lastWeight(
  level: LastLevel,
  count: number,
  n: number,
  weights: Record<string, number>,
  model: MatchModel,
): number {
  const l = model.lastName;
  if (level === 'exact') return exactWeight(l.exactM, count, n, l.tfPrior, model.tfSmoothing);
  return levelWeight(level, weights[level]!, l, count, n, model.tfSmoothing);
}

const variantCache = new Map<string, string[]>();
function variantsOf(first: string): string[] {
  let v = variantCache.get(first);
  if (!v) {
    v = nameVariants(first).filter((x) => x.length >= 2);
    if (variantCache.size > 50_000) variantCache.clear();
    variantCache.set(first, v);
  }
  return v;
}

/** s is exactly x followed by y, without building x + y. */
function isConcat(s: string, x: string, y: string): boolean {
  return s.length === x.length + y.length && s.startsWith(x) && s.endsWith(y);
}

/**
 * Whether `rest` letters after a name leave it whole: none, or a word of its
 * own (`zywickifan`). One or two letters more make another name of it
 * (`smit` + h, `brown` + e, `john` + s): `richardsmith` does not spell
 * Richard Smit.
 */
const endsWord = (rest: number): boolean => rest === 0 || rest >= 3;

/** s contains x followed by y somewhere, y not running on into a longer name. */
function containsConcat(s: string, x: string, y: string): boolean {
  if (s.length < x.length + y.length) return false;
  let i = s.indexOf(x);
  while (i >= 0) {
    const end = i + x.length + y.length;
    if (s.startsWith(y, i + x.length) && endsWord(s.length - end)) return true;
    i = s.indexOf(x, i + 1);
  }
  return false;
}

type HandleLevels = { readonly first: FirstLevel | null; readonly last: LastLevel | null };
/** handleNameLevels' answers, made once: it runs per candidate pair. */
const EXACT_INITIAL: HandleLevels = { first: 'exact', last: 'initial' };
const EXACT_NONE: HandleLevels = { first: 'exact', last: null };
const INITIAL_EXACT: HandleLevels = { first: 'initial', last: 'exact' };
const EXACT_EXACT: HandleLevels = { first: 'exact', last: 'exact' };
const NICKNAME_EXACT: HandleLevels = { first: 'nickname', last: 'exact' };
const NONE_EXACT: HandleLevels = { first: null, last: 'exact' };

/**
 * What a handle says about a candidate's name: `janedoe`, `doe_jane`,
 * `bobsmith` (nickname), `jdoe`, `doej`, `janed`, `janemdoe`, `thejanedoe`,
 * `doe84`. Null parts when the handle says nothing about them.
 */
export function handleNameLevels(letters: string, cf: string, cl: string): HandleLevels | null {
  if (letters.length < 3 || (!cf && !cl)) return null;
  // Most candidates' family names are nowhere in the handle: only `janed` can still fit.
  if (cl && !letters.includes(cl)) {
    if (
      cf.length >= 3 &&
      letters.length === cf.length + 1 &&
      ((letters.startsWith(cf) && letters[cf.length] === cl[0]) ||
        (letters[0] === cl[0] && letters.endsWith(cf)))
    ) {
      return EXACT_INITIAL;
    }
    return cf.length >= 4 && letters === cf ? EXACT_NONE : null;
  }
  if (cf && cl && letters.length > cl.length) {
    for (const v of variantsOf(cf)) {
      if (
        isConcat(letters, v, cl) ||
        isConcat(letters, cl, v) ||
        (v.length >= 3 && (containsConcat(letters, v, cl) || containsConcat(letters, cl, v)))
      ) {
        return v === cf ? EXACT_EXACT : NICKNAME_EXACT;
      }
    }
    const i = cf[0]!;
    if (
      letters.length === cl.length + 1 &&
      ((letters[0] === i && letters.endsWith(cl)) ||
        (letters.startsWith(cl) && letters[cl.length] === i))
    ) {
      return INITIAL_EXACT;
    }
    if (
      letters.length === cf.length + cl.length + 1 &&
      letters.startsWith(cf) &&
      letters.endsWith(cl)
    ) {
      return EXACT_EXACT;
    }
    if (
      cf.length >= 3 &&
      letters.length === cf.length + 1 &&
      ((letters.startsWith(cf) && letters[cf.length] === cl[0]) ||
        (letters[0] === cl[0] && letters.endsWith(cf)))
    ) {
      return EXACT_INITIAL;
    }
  }
  if (
    cl.length >= 4 &&
    ((letters.startsWith(cl) && endsWord(letters.length - cl.length)) || letters.endsWith(cl))
  ) {
    return NONE_EXACT;
  }
  if (cf.length >= 4 && letters === cf) return EXACT_NONE;
  return null;
}

/** Weight of an agreeing identifier string, by how distinctive it is for this candidate. */
export function identifierWeight(
  compact: string,
  cf: string,
  cl: string,
  model: MatchModel,
): number {
  const letters = compact.replace(/[0-9]/g, '');
  const digitCount = Math.min(3, compact.length - letters.length);
  const nameLike =
    letters.length === 0 ||
    handleNameLevels(letters, cf, cl) !== null ||
    letters === cf ||
    letters === cl;
  const base = nameLike ? model.identifierAgree.uNameLike : model.identifierAgree.uPseudonym;
  return log2(model.identifierAgree.m / (base * 10 ** -digitCount));
}

const GENERIC_LOCALS = new Set([
  'info',
  'contact',
  'hello',
  'admin',
  'mail',
  'support',
  'sales',
  'office',
  'me',
  'hi',
]);

/**
 * Fellegi–Sunter match weights (log2 likelihood ratios) of one author
 * against candidate customers: the sum of per-comparison weights, missing
 * data adding 0. Name and location weights depend only on interned ids, so
 * they are memoised per author: a block of 300 "Mary Brown"s costs a few
 * map lookups each, not 300 string comparisons.
 */
export class CandidateScorer {
  private readonly nameMemo: PairMemo;
  private readonly placeMemo: PairMemo;
  private readonly n: number;
  /** First label of the author's work e-mail domain (`acme` of `acme.io`), compared with company names. */
  private readonly corporateLabel: string;
  private readonly firstLevelW: Record<string, number>;
  private readonly lastLevelW: Record<string, number>;
  private evidence: Evidence[] | null = null;
  private vector: ComparisonVector | null = null;

  /**
   * @param identifierSlots customers whose e-mail local part or CRM handle may equal the
   *   author's handle or e-mail local part (from the `m|` blocking keys); null checks all.
   */
  constructor(
    private readonly a: PreparedAuthor,
    private readonly index: CustomerIndex,
    private readonly model: MatchModel,
    private readonly identifierSlots: ReadonlySet<number> | null = null,
    memos: { name: PairMemo; place: PairMemo } = { name: new PairMemo(), place: new PairMemo() },
  ) {
    this.n = Math.max(1, index.size);
    this.corporateLabel = a.corporateDomain ? a.corporateDomain.split('.')[0]! : '';
    const lw = levelWeights(model);
    this.firstLevelW = a.verified ? lw.firstVerified : lw.first;
    this.lastLevelW = lw.last;
    this.nameMemo = memos.name;
    this.placeMemo = memos.place;
    this.nameMemo.clear();
    this.placeMemo.clear();
  }

  weight(slot: number): number {
    const idx = this.index;
    const firstId = idx.firstId(slot);
    const lastId = idx.lastId(slot);
    let total = this.nameMemo.get(firstId, lastId);
    if (Number.isNaN(total)) {
      total = this.nameWeight(slot);
      this.nameMemo.set(firstId, lastId, total);
    }
    if (this.a.location) {
      const cityId = idx.cityId(slot);
      // When both sides name a city, the city and the customer's gazetteer
      // areas decide: one memo entry per city and area list.
      const area =
        cityId !== 0 && this.a.cityIds.size > 0
          ? idx.areaListId(slot)
          : idx.regionId(slot) * 65_536 + idx.countryId(slot);
      let placeW = this.placeMemo.get(cityId, area);
      if (Number.isNaN(placeW)) {
        placeW = this.locationWeight(slot);
        this.placeMemo.set(cityId, area, placeW);
      }
      total += placeW;
    }
    if (this.a.emailLocal || this.identifierSlots === null || this.identifierSlots.has(slot)) {
      total += this.identifierAndEmailWeight(slot);
    }
    if (this.a.corporateDomain) total += this.companyWeight(slot);
    return total;
  }

  /** The weight with one evidence entry per comparison that counted (no personal data). */
  explain(slot: number): { weight: number; evidence: Evidence[] } {
    this.evidence = [];
    try {
      const weight =
        this.nameWeight(slot) +
        (this.a.location ? this.locationWeight(slot) : 0) +
        this.identifierAndEmailWeight(slot) +
        this.companyWeight(slot);
      return { weight, evidence: this.evidence };
    } finally {
      this.evidence = null;
    }
  }

  /**
   * The comparison vector of one pair, for estimating the model: the level of
   * each re-estimated comparison, its term-frequency u where it has one, and
   * the weight of everything else.
   */
  vectorOf(slot: number): ComparisonVector {
    const v: ComparisonVector = {
      first: null,
      last: null,
      place: null,
      firstU: 0,
      lastU: 0,
      placeU: 0,
      firstW: 0,
      lastW: 0,
      placeW: 0,
      rest: 0,
    };
    this.vector = v;
    try {
      const total =
        this.nameWeight(slot) +
        (this.a.location ? this.locationWeight(slot) : 0) +
        this.identifierAndEmailWeight(slot) +
        this.companyWeight(slot);
      v.rest = total - v.firstW - v.lastW - v.placeW;
      return v;
    } finally {
      this.vector = null;
    }
  }

  private push(kind: string, detail: string, weight: number): number {
    this.evidence?.push({ kind, detail, weight: Math.round(weight * 100) / 100 });
    return weight;
  }

  /** Levels of a customer first name against the author's first [0] and last [1] display-name tokens. */
  private readonly firstLevels = new Map<
    number,
    [FirstLevel | null, FirstLevel | null | undefined]
  >();
  /** Levels of a customer family name against the author's last [0] and first [1] tokens. */
  private readonly lastLevels = new Map<number, [LastLevel | null, LastLevel | null | undefined]>();

  private fw(level: FirstLevel | null, count: number): number | null {
    return level ? firstWeight(level, count, this.n, this.firstLevelW, this.model) : null;
  }

  private lw(level: LastLevel | null, count: number): number | null {
    return level ? lastWeight(level, count, this.n, this.lastLevelW, this.model) : null;
  }

  /**
   * The display name (in the better of both orders) and the handle are two
   * views of one name: each name part counts once, from the source that
   * says most about it.
   */
  private nameWeight(slot: number): number {
    const { a, index } = this;
    const firstId = index.firstId(slot);
    const lastId = index.lastId(slot);
    const cf = index.first(slot);
    const cl = index.last(slot);
    const fc = index.firstCountById(firstId);
    const lc = index.lastCountById(lastId);
    // When the reading of the display name is chosen after the fact (swapped order, one
    // token), a value agrees by chance as often as it appears in either field: "smith"
    // is a rare first name but no rare family name, and "Henry Smith" read backwards
    // must not count as a rare first name agreeing. (Counts only matter for exact agreement.)
    let dfc = fc;
    let dlc = lc;
    let dFirst: FirstLevel | null = null;
    let dLast: LastLevel | null = null;
    const name = a.name;
    if (name) {
      let fl = this.firstLevels.get(firstId);
      if (!fl) {
        fl = [compareFirst(name.first ?? '', cf), undefined];
        this.firstLevels.set(firstId, fl);
      }
      let ll = this.lastLevels.get(lastId);
      if (!ll) {
        ll = [name.single ? null : compareLast(name.last ?? '', cl), undefined];
        this.lastLevels.set(lastId, ll);
      }
      if (name.single) {
        // One token: it is either the first or the family name, whichever fits better.
        ll[1] ??= compareLast(name.first ?? '', cl);
        const asFirst = fl[0] === 'exact' ? fc + index.lastNameCount(cf) : fc;
        const asLast = ll[1] === 'exact' ? lc + index.firstNameCount(cl) : lc;
        if ((this.fw(fl[0], asFirst) ?? 0) >= (this.lw(ll[1], asLast) ?? 0)) {
          dFirst = fl[0];
          dfc = asFirst;
        } else {
          dLast = ll[1];
          dlc = asLast;
        }
      } else {
        const straight = (this.fw(fl[0], fc) ?? 0) + (this.lw(ll[0], lc) ?? 0);
        dFirst = fl[0];
        dLast = ll[0];
        // The swapped reading ("Doe Jane") only matters when the straight one fits badly.
        if (straight <= 0) {
          fl[1] ??= compareFirst(name.last ?? '', cf);
          ll[1] ??= compareLast(name.first ?? '', cl);
          const sfc = fl[1] === 'exact' ? fc + index.lastNameCount(cf) : fc;
          const slc = ll[1] === 'exact' ? lc + index.firstNameCount(cl) : lc;
          if ((this.fw(fl[1], sfc) ?? 0) + (this.lw(ll[1], slc) ?? 0) > straight) {
            dFirst = fl[1];
            dLast = ll[1];
            dfc = sfc;
            dlc = slc;
          }
        }
      }
    }
    const h = handleNameLevels(a.handleLetters, cf, cl);
    let total = 0;
    // Which source says more of each part (0 the display name, 1 the handle, -1 neither).
    const firstD = this.fw(dFirst, dfc);
    const firstH = this.fw(h?.first ?? null, fc);
    const firstFrom = bestOf(firstD, firstH);
    const firstW = firstFrom === 0 ? firstD! : firstH!;
    const lastD = this.lw(dLast, dlc);
    const lastH = this.lw(h?.last ?? null, lc);
    const lastFrom = bestOf(lastD, lastH);
    const lastW = lastFrom === 0 ? lastD! : lastH!;
    if (firstFrom >= 0 && this.vector) {
      this.vector.first = firstFrom === 0 ? dFirst : (h?.first ?? null);
      this.vector.firstU =
        this.vector.first === 'exact'
          ? tfU(
              firstFrom === 0 ? dfc : fc,
              this.n,
              this.model.firstName.tfPrior,
              this.model.tfSmoothing,
            )
          : 0;
      this.vector.firstW = firstW;
    }
    if (lastFrom >= 0 && this.vector) {
      this.vector.last = lastFrom === 0 ? dLast : (h?.last ?? null);
      this.vector.lastU =
        this.vector.last === 'exact'
          ? tfU(
              lastFrom === 0 ? dlc : lc,
              this.n,
              this.model.lastName.tfPrior,
              this.model.tfSmoothing,
            )
          : 0;
      this.vector.lastW = lastW;
    }
    if (firstFrom >= 0) {
      total += firstW;
      if (this.evidence) {
        const level = firstFrom === 0 ? dFirst : h?.first;
        this.push('first_name', `${firstFrom === 0 ? 'display name' : 'handle'}: ${level}`, firstW);
      }
    }
    if (lastFrom >= 0) {
      total += lastW;
      if (this.evidence) {
        const level = lastFrom === 0 ? dLast : h?.last;
        this.push('last_name', `${lastFrom === 0 ? 'display name' : 'handle'}: ${level}`, lastW);
      }
    }
    return total;
  }

  /** An identifier reused elsewhere; or, both having e-mails that share nothing, a mild disagreement. */
  private identifierAndEmailWeight(slot: number): number {
    const { a, index, model } = this;
    const mayAgree = this.identifierSlots === null || this.identifierSlots.has(slot);
    if (!mayAgree) {
      return a.emailLocal && index.hasEmails(slot)
        ? this.push('email', 'e-mails differ', w(model.emailDisagree))
        : 0;
    }
    const emails = index.emailsOf(slot);
    const cf = index.first(slot);
    const cl = index.last(slot);
    if (a.handleCompact.length >= 5) {
      for (const e of emails) {
        if (emailLocal(e) === a.handleCompact) {
          return this.push(
            'handle_email',
            'handle equals an e-mail local part',
            identifierWeight(a.handleCompact, cf, cl, model),
          );
        }
      }
      for (const ch of index.handlesOf(slot)) {
        if (handleCompact(ch.handle) === a.handleCompact) {
          return this.push(
            'handle',
            'same handle as on another platform',
            identifierWeight(a.handleCompact, cf, cl, model),
          );
        }
      }
    }
    if (a.emailLocal && emails.length > 0) {
      for (const e of emails) {
        const local = emailLocal(e);
        if (local === a.emailLocal && local.length >= 4 && !GENERIC_LOCALS.has(local)) {
          return this.push(
            'email_local',
            'same e-mail local part, other domain',
            identifierWeight(local, cf, cl, model),
          );
        }
      }
      return this.push('email', 'e-mails differ', w(model.emailDisagree));
    }
    return 0;
  }

  /**
   * Company, through the author's work e-mail domain. The customer's
   * e-mails are only split when one is at a work domain (a flag in the
   * index): most are not, and this runs for every candidate of such an author.
   */
  private companyWeight(slot: number): number {
    const { a, index, model } = this;
    if (!a.corporateDomain) return 0;
    const company = index.company(slot);
    const hasWorkEmail = index.hasWorkEmail(slot);
    if (
      (hasWorkEmail && sameDomain(index.emailsOf(slot), a.corporateDomain)) ||
      (company.length >= 3 && this.corporateLabel === company)
    ) {
      return this.push('company', 'work e-mail domain agrees', w(model.companyAgree));
    }
    if (index.website(slot) === a.corporateDomain) {
      return this.push(
        'company',
        "work e-mail domain is the customer's website",
        w(model.companyAgree),
      );
    }
    if (hasWorkEmail)
      return this.push('company', 'work e-mail domains differ', w(model.companyDisagree));
    return 0;
  }

  /** At the finest level both sides give: city (or an area holding both places), else region, else country. */
  private locationWeight(slot: number): number {
    const { a, index, model } = this;
    const loc = a.location!;
    const l = model.location;
    const cityId = index.cityId(slot);
    if (cityId !== 0) {
      const city = index.city(slot);
      if (a.cityIds.has(cityId) || mentionsPlace(loc, city)) {
        const u = tfU(index.cityCount(cityId), this.n, l.cityTfPrior, model.tfSmoothing);
        return this.place('city', u, 'city agrees', log2(l.cityAgreeM / u));
      }
      if (isFuzzyTown(loc.segments, city)) {
        return this.place('city_fuzzy', 0, 'town spelled differently', w(l.cityFuzzy));
      }
      const shared =
        a.areas.length > 0 ? sharedArea(index.areasOf(slot), a.areas, index.areaCounts) : -1;
      if (shared !== -1) {
        const u = tfU(index.areaCounts[shared]!, this.n, l.areaTfPrior, model.tfSmoothing);
        return this.place(
          'city_area',
          u,
          `same ${index.gazetteer.kind(shared)}`,
          log2(l.areaAgreeM / u),
        );
      }
      if (a.cityIds.size > 0) return this.place('city_other', 0, 'another city', w(l.cityDisagree));
    }
    const region = index.region(slot);
    if (region && loc.regions.size > 0) {
      if (loc.regions.has(region)) {
        const count = index.regionNames.count(index.regionId(slot));
        const u = tfU(count, this.n, l.regionTfPrior, model.tfSmoothing);
        return this.place('region', u, 'region agrees', log2(l.regionAgreeM / u));
      }
      return this.place('region_other', 0, 'another region', w(l.regionDisagree));
    }
    const country = index.country(slot);
    if (country && loc.countries.size > 0) {
      return loc.countries.has(country)
        ? this.place('country', 0, 'country agrees', w(l.countryAgree))
        : this.place('country_other', 0, 'another country', w(l.countryDisagree));
    }
    return 0;
  }

  private place(level: PlaceLevel, u: number, detail: string, weight: number): number {
    if (this.vector) {
      this.vector.place = level;
      this.vector.placeU = u;
      this.vector.placeW = weight;
    }
    return this.push('location', detail, weight);
  }
}

/** One author against one customer, with evidence when asked (tests, the exact steps). */
export function scoreCandidate(
  a: PreparedAuthor,
  slot: number,
  index: CustomerIndex,
  model: MatchModel,
  evidence: Evidence[] | null = null,
): number {
  const scorer = new CandidateScorer(a, index, model);
  if (!evidence) return scorer.weight(slot);
  const r = scorer.explain(slot);
  evidence.push(...r.evidence);
  return r.weight;
}

/** Whether one of the e-mails is at `domain` (a work domain: no consumer mail provider). */
function sameDomain(emails: readonly string[], domain: string): boolean {
  for (const e of emails) if (emailDomain(e) === domain) return true;
  return false;
}

/** Which of two weights counts: 0 the first, 1 the second, -1 neither (no object: it runs per pair). */
function bestOf(x: number | null, y: number | null): -1 | 0 | 1 {
  if (x === null && y === null) return -1;
  if (y === null || (x !== null && x >= y)) return 0;
  return 1;
}
