import { describe, expect, it } from 'vitest';
import {
  LEVEL_GROUPS,
  applyFit,
  estimateU,
  fitModel,
  seededRandom,
  tablesOf,
} from '../../src/domain/estimate-model.ts';
import { DEFAULT_MODEL, type ComparisonVector } from '../../src/domain/scoring.ts';
import { CustomerIndex } from '../../src/domain/customer-index.ts';
import { parseGazetteer } from '../../src/domain/gazetteer.ts';
import { customer, indexOf } from './fixtures.ts';

const vector = (over: Partial<ComparisonVector>): ComparisonVector => ({
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
  ...over,
});

const FIRST = ['anna', 'brendan', 'carla', 'dmitri', 'elise', 'farid', 'greta', 'hamish'];
const LAST = ['abernathy', 'bellweather', 'castellano', 'dunmore', 'eriksen', 'fairbairn'];
const crm = indexOf(
  ...FIRST.flatMap((f, i) =>
    LAST.map((l, j) => ({
      firstName: f,
      lastName: l,
      city: ['Leeds', 'Cork', 'Perth'][(i + j) % 3],
    })),
  ),
);

describe('u from random customer pairs', () => {
  const { u, sampled } = estimateU(crm, 20_000, seededRandom(7));

  it('samples pairs of different customers', () => {
    expect(sampled).toBeGreaterThan(19_000);
  });

  it('random people mostly disagree, and initials agree about as often as first letters do', () => {
    expect(u.first.disagree).toBeGreaterThan(0.8);
    expect(u.last.disagree).toBeGreaterThan(0.8);
    // 8 first names with 8 distinct initials: 1 in 8 random pairs share the initial.
    expect(u.first.initial).toBeCloseTo(1 / 8, 1);
    expect(u.place.city_other).toBeGreaterThan(0.6);
  });

  it('each level group is a distribution; term-frequency levels have no table u', () => {
    for (const field of ['first', 'last', 'place'] as const) {
      for (const group of LEVEL_GROUPS[field]) {
        const levels = group.filter((l) => u[field][l] !== undefined);
        if (levels.length === group.length) {
          expect(levels.reduce((s, l) => s + u[field][l]!, 0)).toBeCloseTo(1, 6);
        }
      }
    }
    expect(u.first.exact).toBeUndefined();
    expect(u.place.city).toBeUndefined();
  });
});

describe('the one-slip level', () => {
  it('gets its u from how often random customers are a slip apart', () => {
    // Half the customers are John, half Joan: a random pair is a slip apart about half the time.
    const slips = indexOf(
      ...Array.from({ length: 200 }, (_, i) => ({
        firstName: i % 2 ? 'John' : 'Joan',
        lastName: `Zz${i}`,
      })),
    );
    const { u } = estimateU(slips, 5_000, seededRandom(3));
    expect(u.first.one_edit).toBeGreaterThan(0.4);
    expect(u.first.one_edit).toBeLessThan(0.6);
    const { u: distinct } = estimateU(crm, 5_000, seededRandom(3));
    expect(distinct.first.one_edit).toBeLessThan(0.01);
  });

  it('a fit without one-slip pairs keeps the hand-set value (old stored models too)', () => {
    const fitted = applyFit(DEFAULT_MODEL, {
      m: { first: {}, last: {}, place: {} },
      u: { first: {}, last: {}, place: {} },
    });
    expect(fitted.firstName.oneEdit).toEqual(DEFAULT_MODEL.firstName.oneEdit);
    expect(fitted.lastName.oneEdit).toEqual(DEFAULT_MODEL.lastName.oneEdit);
  });
});

describe('m and the prior by expectation–maximisation', () => {
  const { u } = estimateU(crm, 20_000, seededRandom(7));
  // 100 authors are customers (their candidate agrees on everything), 200 are not (their
  // candidates share a first name only); each author also has two unrelated candidates.
  const stranger = vector({ first: 'exact', firstU: 0.02, last: 'disagree', place: 'city_other' });
  const authors = [
    ...Array.from({ length: 100 }, () => [
      vector({
        first: 'exact',
        firstU: 0.02,
        last: 'exact',
        lastU: 0.02,
        place: 'city',
        placeU: 0.3,
      }),
      stranger,
      stranger,
    ]),
    ...Array.from({ length: 200 }, () => [stranger, stranger, stranger]),
  ];
  const start = tablesOf(DEFAULT_MODEL).m;
  const fit = fitModel(authors, { m: start, u, customers: 48, startPrior: 0.5 });

  it('recovers the share of authors who are customers', () => {
    expect(fit.prior).toBeGreaterThan(0.28);
    expect(fit.prior).toBeLessThan(0.4);
    expect(fit.authors).toBe(300);
    expect(fit.pairs).toBe(900);
  });

  it('learns that true pairs agree on the family name and the town', () => {
    expect(fit.m.last.exact).toBeGreaterThan(start.last.exact!);
    expect(fit.m.place.city).toBeGreaterThan(start.place.city!);
  });

  it('keeps a disagreement level between its floor and the starting value', () => {
    expect(fit.m.last.disagree).toBeGreaterThanOrEqual(0.01);
    expect(fit.m.last.disagree).toBeLessThanOrEqual(start.last.disagree!);
  });

  it('groups stay distributions', () => {
    const g = LEVEL_GROUPS.last[0];
    expect(g.reduce((s, l) => s + fit.m.last[l]!, 0)).toBeCloseTo(1, 6);
  });

  it('with no author in the CRM, the prior goes to its floor', () => {
    const none = fitModel(
      Array.from({ length: 50 }, () => [stranger]),
      { m: start, u, customers: 48 },
    );
    expect(none.prior).toBeLessThan(0.05);
  });

  it('the fitted tables replace the hand-set ones in the model', () => {
    const model = applyFit(DEFAULT_MODEL, fit);
    expect(model.lastName.exactM).toBe(fit.m.last.exact);
    expect(model.location.cityAgreeM).toBe(fit.m.place.city);
    expect(model.firstName.disagree.u).toBe(u.first.disagree);
    expect(model.firstName.disagreeVerified.m).toBeLessThanOrEqual(model.firstName.disagree.m);
  });
});

describe('the area level (place hierarchy)', () => {
  const gazetteer = parseGazetteer(
    'C\t-1\tcumbria\nT\t0\tkendal\nT\t0\tcarlisle\nC\t-1\tkent\nT\t3\tdover\n',
  );
  const idx = new CustomerIndex({ gazetteer });
  ['Kendal', 'Carlisle', 'Dover', 'Kendal', 'Carlisle', 'Dover'].forEach((city, i) =>
    idx.upsert(customer(i + 1, { firstName: FIRST[i]!, lastName: LAST[i]!, city })),
  );
  idx.finishLoad();

  it('random customers in two towns of one county count as agreeing on the area, not as other towns', () => {
    const { u } = estimateU(idx, 5_000, seededRandom(3));
    // Of the pairs in different towns, Kendal–Carlisle (same county) is 8 in 24 of ordered pairs.
    expect(u.place.city_area).toBeUndefined(); // term-frequency level: no table u
    expect(u.place.city_other).toBeLessThan(0.75);
    expect(u.place.city_other).toBeGreaterThan(0.45);
  });

  it('its m is learned like the other place levels and replaces the hand-set one', () => {
    const start = tablesOf(DEFAULT_MODEL).m;
    expect(start.place.city_area).toBe(DEFAULT_MODEL.location.areaAgreeM);
    const v = vector({ first: 'exact', firstU: 0.02, place: 'city_area', placeU: 0.3 });
    const fit = fitModel(
      Array.from({ length: 40 }, () => [v]),
      { m: start, u: estimateU(idx, 2_000, seededRandom(5)).u, customers: 6 },
    );
    expect(fit.m.place.city_area).toBeGreaterThan(start.place.city_area!);
    expect(applyFit(DEFAULT_MODEL, fit).location.areaAgreeM).toBe(fit.m.place.city_area);
  });
});
