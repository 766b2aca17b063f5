import type { AuthorInput } from './author.ts';
import type { CustomerIndex } from './customer-index.ts';
import { sharedArea } from './gazetteer.ts';
import { jaroWinkler } from './jaro-winkler.ts';
import {
  compareFirst,
  compareLast,
  type ComparisonVector,
  type MatchModel,
  type MU,
} from './scoring.ts';

/**
 * Fellegi–Sunter parameters learned from the data, the way Splink and the
 * record-linkage literature do it: u-probabilities from random pairs of
 * customers (almost all of them different people), then m-probabilities and
 * the prior by expectation–maximisation over the comparison vectors of
 * observed authors and their blocking candidates. Exact agreement keeps its
 * term-frequency u (a rare surname agreeing says more than a common one).
 */

/** Levels that share one conditional distribution (their m's, and u's, sum to 1). */
export const LEVEL_GROUPS = {
  first: [
    ['exact', 'nickname', 'jw_high', 'one_edit', 'jw_mid', 'phonetic', 'disagree'],
    ['initial', 'initial_disagree'],
  ],
  last: [
    ['exact', 'jw_high', 'one_edit', 'jw_mid', 'phonetic', 'disagree'],
    ['initial', 'initial_disagree'],
  ],
  place: [
    ['city', 'city_fuzzy', 'city_area', 'city_other'],
    ['region', 'region_other'],
    ['country', 'country_other'],
  ],
} as const;

export type Field = keyof typeof LEVEL_GROUPS;
export const FIELDS: readonly Field[] = ['first', 'last', 'place'];
/** Levels whose u is the value's frequency among customers, not a table entry. */
const TF_LEVELS: Record<Field, ReadonlySet<string>> = {
  first: new Set(['exact']),
  last: new Set(['exact']),
  place: new Set(['city', 'city_area', 'region']),
};

export type LevelTable = Record<Field, Record<string, number>>;

/** The learned parameters, as stored and shown in evidence. */
export interface FittedModel {
  /** Share of observed authors who are customers. */
  prior: number;
  m: LevelTable;
  u: LevelTable;
  authors: number;
  pairs: number;
  customers: number;
  iterations: number;
  randomPairs: number;
}

/** The m and u tables a hand-set model implies (the EM's starting point). */
export function tablesOf(model: MatchModel): { m: LevelTable; u: LevelTable } {
  const f = model.firstName;
  const l = model.lastName;
  const p = model.location;
  return {
    m: {
      first: {
        exact: f.exactM,
        nickname: f.nickname.m,
        jw_high: f.jwHigh.m,
        one_edit: f.oneEdit.m,
        jw_mid: f.jwMid.m,
        phonetic: f.phonetic.m,
        disagree: f.disagree.m,
        initial: f.initialAgree.m,
        initial_disagree: f.initialDisagree.m,
      },
      last: {
        exact: l.exactM,
        jw_high: l.jwHigh.m,
        one_edit: l.oneEdit.m,
        jw_mid: l.jwMid.m,
        phonetic: l.phonetic.m,
        disagree: l.disagree.m,
        initial: l.initialAgree.m,
        initial_disagree: l.initialDisagree.m,
      },
      place: {
        city: p.cityAgreeM,
        city_fuzzy: p.cityFuzzy.m,
        city_area: p.areaAgreeM,
        city_other: p.cityDisagree.m,
        region: p.regionAgreeM,
        region_other: p.regionDisagree.m,
        country: p.countryAgree.m,
        country_other: p.countryDisagree.m,
      },
    },
    u: {
      first: {
        nickname: f.nickname.u,
        jw_high: f.jwHigh.u,
        one_edit: f.oneEdit.u,
        jw_mid: f.jwMid.u,
        phonetic: f.phonetic.u,
        disagree: f.disagree.u,
        initial: f.initialAgree.u,
        initial_disagree: f.initialDisagree.u,
      },
      last: {
        jw_high: l.jwHigh.u,
        one_edit: l.oneEdit.u,
        jw_mid: l.jwMid.u,
        phonetic: l.phonetic.u,
        disagree: l.disagree.u,
        initial: l.initialAgree.u,
        initial_disagree: l.initialDisagree.u,
      },
      place: {
        city_fuzzy: p.cityFuzzy.u,
        city_other: p.cityDisagree.u,
        region_other: p.regionDisagree.u,
        country: p.countryAgree.u,
        country_other: p.countryDisagree.u,
      },
    },
  };
}

/** The model with learned m and u in place of the hand-set ones. */
export function applyFit(model: MatchModel, fit: Pick<FittedModel, 'm' | 'u'>): MatchModel {
  const mu = (field: Field, level: string, fallback: MU): MU => ({
    m: fit.m[field][level] ?? fallback.m,
    u: fit.u[field][level] ?? fallback.u,
  });
  const f = model.firstName;
  const l = model.lastName;
  const p = model.location;
  const disagreeFirst = mu('first', 'disagree', f.disagree);
  return {
    ...model,
    firstName: {
      ...f,
      exactM: fit.m.first.exact ?? f.exactM,
      nickname: mu('first', 'nickname', f.nickname),
      jwHigh: mu('first', 'jw_high', f.jwHigh),
      oneEdit: mu('first', 'one_edit', f.oneEdit),
      jwMid: mu('first', 'jw_mid', f.jwMid),
      phonetic: mu('first', 'phonetic', f.phonetic),
      disagree: disagreeFirst,
      // A verified account's display name is its owner's: never more forgiving than the rest.
      disagreeVerified: { m: Math.min(f.disagreeVerified.m, disagreeFirst.m), u: disagreeFirst.u },
      initialAgree: mu('first', 'initial', f.initialAgree),
      initialDisagree: mu('first', 'initial_disagree', f.initialDisagree),
    },
    lastName: {
      ...l,
      exactM: fit.m.last.exact ?? l.exactM,
      jwHigh: mu('last', 'jw_high', l.jwHigh),
      oneEdit: mu('last', 'one_edit', l.oneEdit),
      jwMid: mu('last', 'jw_mid', l.jwMid),
      phonetic: mu('last', 'phonetic', l.phonetic),
      disagree: mu('last', 'disagree', l.disagree),
      initialAgree: mu('last', 'initial', l.initialAgree),
      initialDisagree: mu('last', 'initial_disagree', l.initialDisagree),
    },
    location: {
      ...p,
      cityAgreeM: fit.m.place.city ?? p.cityAgreeM,
      cityFuzzy: mu('place', 'city_fuzzy', p.cityFuzzy),
      areaAgreeM: fit.m.place.city_area ?? p.areaAgreeM,
      cityDisagree: mu('place', 'city_other', p.cityDisagree),
      regionAgreeM: fit.m.place.region ?? p.regionAgreeM,
      regionDisagree: mu('place', 'region_other', p.regionDisagree),
      countryAgree: mu('place', 'country', p.countryAgree),
      countryDisagree: mu('place', 'country_other', p.countryDisagree),
    },
  };
}

function placeLevelOf(index: CustomerIndex, x: number, y: number): string | null {
  const cx = index.city(x);
  const cy = index.city(y);
  if (cx && cy) {
    if (cx === cy) return 'city';
    if (cx[0] === cy[0] && jaroWinkler(cx, cy) >= 0.92) return 'city_fuzzy';
    const ax = index.areasOf(x);
    const ay = index.areasOf(y);
    return ax.length > 0 && ay.length > 0 && sharedArea(ax, ay, index.areaCounts) !== -1
      ? 'city_area'
      : 'city_other';
  }
  const rx = index.region(x);
  const ry = index.region(y);
  if (rx && ry) return rx === ry ? 'region' : 'region_other';
  const kx = index.country(x);
  const ky = index.country(y);
  if (kx && ky) return kx === ky ? 'country' : 'country_other';
  return null;
}

/**
 * u-probabilities from `pairs` random customer pairs (different people, bar
 * the rare CRM duplicate), with add-one smoothing inside each level group.
 * Initials are compared as first letters, since few customers are stored
 * with initials only. `random` is a uniform [0,1) source (seeded in tests).
 */
export function estimateU(
  index: CustomerIndex,
  pairs: number,
  random: () => number,
): { u: LevelTable; sampled: number } {
  const counts: LevelTable = { first: {}, last: {}, place: {} };
  const inc = (field: Field, level: string | null) => {
    if (level) counts[field][level] = (counts[field][level] ?? 0) + 1;
  };
  const n = index.size;
  let sampled = 0;
  for (let i = 0; n >= 2 && i < pairs; i++) {
    const x = Math.floor(random() * n);
    const y = Math.floor(random() * n);
    if (x === y) continue;
    sampled++;
    const fx = index.first(x);
    const fy = index.first(y);
    const lx = index.last(x);
    const ly = index.last(y);
    if (fx && fy) {
      inc('first', compareFirst(fx, fy));
      inc('first', fx[0] === fy[0] ? 'initial' : 'initial_disagree');
    }
    if (lx && ly) {
      inc('last', compareLast(lx, ly));
      inc('last', lx[0] === ly[0] ? 'initial' : 'initial_disagree');
    }
    inc('place', placeLevelOf(index, x, y));
  }
  const u: LevelTable = { first: {}, last: {}, place: {} };
  for (const field of FIELDS) {
    for (const group of LEVEL_GROUPS[field]) {
      const total = group.reduce((s, l) => s + (counts[field][l] ?? 0), 0);
      for (const level of group) {
        if (TF_LEVELS[field].has(level)) continue;
        u[field][level] = ((counts[field][level] ?? 0) + 1) / (total + group.length);
      }
    }
  }
  return { u, sampled };
}

export interface FitOptions {
  /** m to start from (a hand-set model's). */
  m: LevelTable;
  /** u from estimateU (non-term-frequency levels). */
  u: LevelTable;
  customers: number;
  startPrior?: number;
  maxIterations?: number;
  /** Stop when no parameter moves more than this. */
  tolerance?: number;
}

const M_FLOOR = 1e-4;
/**
 * Disagreement levels are where EM over blocked pairs goes wrong both ways:
 * blocking hides most true pairs whose name part disagrees, which drives
 * their m towards zero (vetoing every replaced name), and relatives (same
 * family name, same place) form a latent class of their own that EM happily
 * calls "the same person", which drives it up. Their m stays between this
 * floor and the starting model's value.
 */
const DISAGREE_FLOOR = 0.01;
const isDisagreement = (level: string): boolean => level.endsWith('disagree');
const PRIOR_BOUNDS = [1e-6, 0.95] as const;

function pairWeight(v: ComparisonVector, m: LevelTable, u: LevelTable): number {
  let w = v.rest;
  if (v.first) w += Math.log2((m.first[v.first] ?? M_FLOOR) / (v.firstU || u.first[v.first]!));
  if (v.last) w += Math.log2((m.last[v.last] ?? M_FLOOR) / (v.lastU || u.last[v.last]!));
  if (v.place) w += Math.log2((m.place[v.place] ?? M_FLOOR) / (v.placeU || u.place[v.place]!));
  return w;
}

/**
 * Expectation–maximisation over authors, each with the comparison vectors of
 * its candidates. The latent variable is which customer (if any) the author
 * is: each customer has prior `prior / customers`, nobody `1 - prior`. The
 * E-step gives each pair its posterior; the M-step sets the prior to the mean
 * posterior that the author is some customer and each m to the
 * posterior-weighted share of its level within its group. u stays fixed.
 */
export function fitModel(
  authors: readonly (readonly ComparisonVector[])[],
  o: FitOptions,
): Omit<FittedModel, 'randomPairs'> {
  const n = Math.max(1, o.customers);
  const m: LevelTable = structuredClone(o.m);
  let prior = o.startPrior ?? 0.1;
  let iterations = 0;
  let pairs = 0;
  for (const a of authors) pairs += a.length;
  const maxIterations = o.maxIterations ?? 50;
  const tolerance = o.tolerance ?? 1e-4;
  while (iterations < maxIterations && authors.length > 0) {
    iterations++;
    const mass: LevelTable = { first: {}, last: {}, place: {} };
    let matched = 0;
    for (const candidates of authors) {
      if (candidates.length === 0) continue;
      const logOdds = candidates.map((v) => pairWeight(v, m, o.u) + Math.log2(prior / n));
      // Normalise in the log domain: weights reach 40 bits and more.
      const top = Math.max(Math.log2(1 - prior), ...logOdds);
      const none = 2 ** (Math.log2(1 - prior) - top);
      let sum = none;
      const odds = logOdds.map((x) => 2 ** (x - top));
      for (const x of odds) sum += x;
      candidates.forEach((v, i) => {
        const r = odds[i]! / sum;
        matched += r;
        if (v.first) mass.first[v.first] = (mass.first[v.first] ?? 0) + r;
        if (v.last) mass.last[v.last] = (mass.last[v.last] ?? 0) + r;
        if (v.place) mass.place[v.place] = (mass.place[v.place] ?? 0) + r;
      });
    }
    const nextPrior = Math.min(
      PRIOR_BOUNDS[1],
      Math.max(PRIOR_BOUNDS[0], matched / authors.length),
    );
    let moved = Math.abs(nextPrior - prior);
    prior = nextPrior;
    for (const field of FIELDS) {
      for (const group of LEVEL_GROUPS[field]) {
        const total = group.reduce((s, l) => s + (mass[field][l] ?? 0), 0);
        // Too little evidence in a group (no author with an initial, say): keep the start.
        if (total < 5) continue;
        // Disagreement levels take their clamped value; the others share the rest.
        const fixed = group.map((l) => {
          if (!isDisagreement(l)) return null;
          const em = (mass[field][l] ?? 0) / total;
          const start = o.m[field][l] ?? DISAGREE_FLOOR;
          return Math.min(Math.max(start, DISAGREE_FLOOR), Math.max(DISAGREE_FLOOR, em));
        });
        const free = group.map((l, i) =>
          fixed[i] === null ? Math.max(M_FLOOR, (mass[field][l] ?? 0) / total) : 0,
        );
        const freeSum = free.reduce((sum, x) => sum + x, 0);
        const left = 1 - fixed.reduce((sum: number, x) => sum + (x ?? 0), 0);
        group.forEach((level, i) => {
          const next = fixed[i] ?? (free[i]! / freeSum) * left;
          moved = Math.max(moved, Math.abs(next - (m[field][level] ?? 0)));
          m[field][level] = next;
        });
      }
    }
    if (moved < tolerance) break;
  }
  return { prior, m, u: o.u, authors: authors.length, pairs, customers: n, iterations };
}

/** A small seeded generator (mulberry32), so a fit is reproducible from its seed. */
export function seededRandom(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let x = Math.imul(t ^ (t >>> 15), 1 | t);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The whole estimation from a sample of observed authors: u from random
 * customer pairs, then EM from `base`'s m over the authors' candidates.
 */
export function fitFromAuthors(
  index: CustomerIndex,
  vectorsOf: (author: AuthorInput) => ComparisonVector[],
  authors: readonly AuthorInput[],
  base: MatchModel,
  o: { randomPairs?: number; seed?: number } = {},
): FittedModel {
  return fitFromVectors(index, authors.map(vectorsOf), base, o);
}

/** The same from comparison vectors already collected (the refitter collects them in slices). */
export function fitFromVectors(
  index: CustomerIndex,
  vectors: readonly (readonly ComparisonVector[])[],
  base: MatchModel,
  o: { randomPairs?: number; seed?: number } = {},
): FittedModel {
  const { u, sampled } = estimateU(index, o.randomPairs ?? 50_000, seededRandom(o.seed ?? 1));
  const fit = fitModel(vectors, { m: tablesOf(base).m, u, customers: index.size });
  return { ...fit, randomPairs: sampled };
}
