import { hashEmail } from '@hark/privacy';
import { describe, expect, it } from 'vitest';
import {
  corroboration,
  DEFAULT_MATCH_OPTIONS,
  Matcher,
  mayAutoLink,
  type MatchOptions,
} from '../../src/domain/match-author.ts';
import { CRM, author, indexOf } from './fixtures.ts';

const index = indexOf(...CRM);
const slot = (externalId: string) =>
  [...Array(index.size).keys()].find((s) => index.externalId(s) === externalId)!;
// A small CRM: authors come from a population of 10,000 people, not ten million.
const options: MatchOptions = { ...DEFAULT_MATCH_OPTIONS, population: 10_000 };
const matcher = new Matcher(index, options);

describe('matching steps, in order', () => {
  it('an exact e-mail links, whatever the name says', () => {
    const r = matcher.resolve(author({ email: 'JANE.DOE84@gmail.com', name: 'Totally Different' }));
    expect(r).toMatchObject({ status: 'linked', method: 'email', slot: slot('C1') });
    expect(r.confidence).toBeGreaterThan(0.99);
  });

  it('when the mention carries the e-mail hashed (collector minimisation), the exact e-mail match still links', () => {
    const r = matcher.resolve(
      author({ email: hashEmail(' JANE.DOE84@gmail.com'), name: 'Totally Different' }),
    );
    expect(r).toMatchObject({ status: 'linked', method: 'email', slot: slot('C1') });
    expect(r.confidence).toBeGreaterThan(0.99);
  });

  it('when a hashed e-mail is not in the CRM, it does not link by e-mail', () => {
    const r = matcher.resolve(author({ email: hashEmail('nobody@example.org'), name: 'Zed Q' }));
    expect(r.method).not.toBe('email');
  });

  it('a handle the CRM lists for the same platform links', () => {
    expect(matcher.resolve(author({ platform: 'x', handle: '@BZywicki' }))).toMatchObject({
      status: 'linked',
      method: 'handle',
      slot: slot('C2'),
    });
  });

  it('the same handle on another platform is only evidence for fuzzy matching', () => {
    const r = matcher.resolve(author({ platform: 'instagram', handle: 'bzywicki' }));
    expect(r.method).not.toBe('handle');
  });

  it('e-mail comes before handle when both match different customers', () => {
    const r = matcher.resolve(
      author({ platform: 'x', handle: 'bzywicki', email: 'jane.doe84@gmail.com' }),
    );
    expect(r).toMatchObject({ method: 'email', slot: slot('C1') });
  });

  it('fuzzy: name and city together link', () => {
    const r = matcher.resolve(
      author({ name: 'Robert Zywicki', location: 'Portland, OR', handle: 'zyw_fan' }),
    );
    expect(r).toMatchObject({ status: 'linked', method: 'fuzzy', slot: slot('C2') });
    expect(r.evidence.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['first_name', 'last_name', 'location']),
    );
  });

  it('fuzzy: a distinctive identifier reused on another platform links', () => {
    const r = matcher.resolve(
      author({ platform: 'x', handle: 'sunflower_maria77', name: 'Maria G.' }),
    );
    expect(r).toMatchObject({ status: 'linked', method: 'fuzzy', slot: slot('C6') });
  });

  it('fuzzy: a name alone goes to review', () => {
    const r = matcher.resolve(author({ name: 'Robert Zywicki' }));
    expect(r).toMatchObject({ status: 'review', method: 'fuzzy', slot: slot('C2') });
    expect(r.confidence).toBeGreaterThanOrEqual(options.lower);
    expect(r.confidence).toBeLessThan(options.upper);
  });

  it('fuzzy: a weak resemblance stays a prospect', () => {
    const r = matcher.resolve(author({ name: 'Jane Okafor', location: 'Lyon' }));
    expect(r).toMatchObject({ status: 'prospect', method: 'none', slot: null });
  });

  it('nobody like the author: prospect with no candidates', () => {
    const r = matcher.resolve(author({ name: 'Xavier Quintero', handle: 'xq' }));
    expect(r).toMatchObject({ status: 'prospect', candidates: [] });
  });
});

describe('thresholds', () => {
  const who = author({ name: 'Bob Zywicki', location: 'Portland, OR' });
  it.each([
    [0.5, 0.1, 'linked'],
    [0.99999, 0.1, 'review'],
    [0.99999, 0.99998, 'prospect'],
  ])('with upper %f and lower %f the same author is %s', (upper, lower, status) => {
    expect(new Matcher(index, { ...options, upper, lower }).resolve(who).status).toBe(status);
  });
});

describe('ambiguity guard', () => {
  const twins = indexOf(
    { firstName: 'Anna', lastName: 'Kowalczyk', city: 'Krakow' },
    { firstName: 'Anna', lastName: 'Kowalczyk', city: 'Krakow' },
  );
  it('when two customers fit equally, it sends the pair to review even above the upper threshold', () => {
    const m = new Matcher(twins, { ...options, upper: 0.3, lower: 0.1 });
    const r = m.resolve(author({ name: 'Anna Kowalczyk', location: 'Krakow' }));
    expect(r.status).toBe('review');
    expect(r.candidates).toHaveLength(2);
    expect(r.evidence.map((e) => e.kind)).toContain('ambiguity');
  });

  it('with a clear leader, it links', () => {
    const m = new Matcher(twins, { ...options, upper: 0.3, lower: 0.1, ambiguityBits: 0 });
    expect(m.resolve(author({ name: 'Anna Kowalczyk', location: 'Krakow' })).status).toBe('linked');
  });

  it('a shared e-mail does not link on its own', () => {
    const shared = indexOf(
      { firstName: 'Ann', lastName: 'Lee', emails: 'family@lee.io' },
      { firstName: 'Bob', lastName: 'Lee', emails: 'family@lee.io' },
    );
    const m = new Matcher(shared, options);
    expect(m.resolve(author({ email: 'family@lee.io' }))).toMatchObject({
      status: 'review',
      method: 'email',
    });
    expect(m.resolve(author({ email: 'family@lee.io', name: 'Bob Lee' }))).toMatchObject({
      status: 'linked',
      method: 'email',
      slot: 1,
    });
  });
});

describe('corroboration: a name alone never auto-links', () => {
  it('counts the bits that agree besides the name, not the name nor what disagrees', () => {
    expect(
      corroboration([
        { kind: 'first_name', detail: 'display name: exact', weight: 9 },
        { kind: 'last_name', detail: 'display name: exact', weight: 15 },
        { kind: 'location', detail: 'city agrees', weight: 3.5 },
        { kind: 'handle', detail: 'same handle as on another platform', weight: 1 },
        { kind: 'email', detail: 'e-mails differ', weight: -1.2 },
      ]),
    ).toBeCloseTo(4.5);
    expect(
      corroboration([
        { kind: 'first_name', detail: 'display name: exact', weight: 9 },
        { kind: 'location', detail: 'another city', weight: -1.9 },
      ]),
    ).toBe(0);
  });

  it.each([
    [0.9995, false, 2, true],
    [0.9995, false, 1.9, false],
    [0.9995, true, 5, false],
    [0.998, false, 5, false],
  ])('probability %f, ambiguous %s, %f bits besides the name: auto-link %s', (p, amb, bits, ok) => {
    expect(mayAutoLink(p, amb, bits, { upper: 0.999, corroborationBits: 2 })).toBe(ok);
  });

  it('a rare full name with no place goes to review even when its posterior passes the upper threshold', () => {
    const loose = { ...options, upper: 0.5, lower: 0.1 };
    const r = new Matcher(index, loose).resolve(author({ name: 'Robert Zywicki' }));
    expect(r.confidence).toBeGreaterThan(loose.upper);
    expect(r).toMatchObject({ status: 'review', method: 'fuzzy', slot: slot('C2') });
    expect(r.evidence.find((e) => e.kind === 'ambiguity')?.detail).toMatch(
      /^nothing but the name agrees/,
    );
    // Without the rule the same author links: the rule, not the posterior, decided.
    const ruleOff = new Matcher(index, { ...loose, corroborationBits: 0 });
    expect(ruleOff.resolve(author({ name: 'Robert Zywicki' })).status).toBe('linked');
  });

  it('the same name with the town agreeing links', () => {
    const r = matcher.resolve(author({ name: 'Robert Zywicki', location: 'Portland, OR' }));
    expect(r).toMatchObject({ status: 'linked', slot: slot('C2') });
    expect(corroboration(r.evidence)).toBeGreaterThanOrEqual(options.corroborationBits);
  });
});

describe('blocking', () => {
  it('never scores customers that share no blocking key', () => {
    const { slots } = matcher.candidates(author({ name: 'Jane Doe' }));
    const ids = slots.map((s) => index.externalId(s));
    expect(ids).toContain('C1');
    // Robert Zywicki and Katherine Okonkwo share no name part, sound or place with her.
    expect(ids).not.toContain('C2');
    expect(ids).not.toContain('C5');
  });

  it('a customer found by several keys is a candidate once, for each author in turn', () => {
    const jane = author({ name: 'Jane Doe', handle: 'janedoe', location: 'Lyon, France' });
    for (let i = 0; i < 3; i++) {
      const { slots } = matcher.candidates(jane);
      expect(new Set(slots).size).toBe(slots.length);
      expect(slots.filter((s) => index.externalId(s) === 'C1')).toHaveLength(1);
    }
  });

  it('a common name part alone is capped; with the town it still finds the customer', () => {
    const crowd = indexOf(
      ...Array.from({ length: 30 }, (_, i) => ({ firstName: `Person${i}`, lastName: 'Smith' })),
      { firstName: 'Annabel', lastName: 'Smith', city: 'Adelaide' },
    );
    const m = new Matcher(crowd, { ...options, maxBlock: 10, maxWeakBlock: 10 });
    // A replaced first name: only the family name and the town are left.
    const { slots, skippedBlocks } = m.candidates(
      author({ name: 'Georgina Smith', location: 'Adelaide, SA' }),
    );
    expect(skippedBlocks).toBeGreaterThan(0);
    expect(slots.map((s) => crowd.externalId(s))).toEqual(['C31']);
  });

  it('the last-letters typo pass finds a rare name and is capped like a one-part pass', () => {
    const thomases = (n: number, last: (i: number) => string) =>
      Array.from({ length: n }, (_, i) => ({ firstName: 'Thomas', lastName: last(i) }));
    const few = indexOf(...thomases(5, (i) => `Q${'abcde'[i]}rnett`), {
      firstName: 'Thomas',
      lastName: 'Gurnett',
    });
    const slip = author({ name: 'Thomas Gumett' });
    const m = new Matcher(few, options);
    const target = few.size - 1;
    expect(m.candidates(slip).slots).toContain(target);
    // Of the name keys, only the last letters survive the slip (the first name alone too).
    expect(m.blockingTrace(slip, target).map((t) => t.key)).toEqual(['u|TM|ett', 'f|TM']);
    // 25 Thomas …ett: over the small cap (20), though under the weak one (50).
    const many = indexOf(...thomases(25, (i) => `Q${i}rnett`), {
      firstName: 'Thomas',
      lastName: 'Gurnett',
    });
    const trace = new Matcher(many, options).blockingTrace(slip, many.size - 1);
    expect(trace).toEqual([
      { key: 'u|TM|ett', size: 26, cap: 20 },
      { key: 'f|TM', size: 26, cap: 20 },
    ]);
    expect(new Matcher(many, options).candidates(slip).slots).not.toContain(many.size - 1);
  });

  it('skips blocks larger than the cap and says so', () => {
    const big = indexOf(
      ...Array.from({ length: 30 }, () => ({ firstName: 'John', lastName: 'Smith' })),
    );
    const m = new Matcher(big, { ...options, maxBlock: 10, maxWeakBlock: 10 });
    const { slots, skippedBlocks } = m.candidates(author({ name: 'John Smith' }));
    expect(slots).toEqual([]);
    expect(skippedBlocks).toBeGreaterThan(0);
  });

  it('a customer added after the load is a candidate at once', () => {
    const idx = indexOf(...CRM);
    const m = new Matcher(idx, options);
    expect(m.resolve(author({ name: 'Priya Raman', location: 'Pune' })).status).toBe('prospect');
    idx.upsert({
      id: 99,
      externalId: 'NEW',
      firstName: 'Priya',
      lastName: 'Raman',
      fullName: 'Priya Raman',
      emails: [],
      phones: [],
      company: null,
      city: 'Pune',
      region: null,
      country: 'IN',
      tier: null,
      value: null,
      handles: [],
    });
    const r = m.resolve(author({ name: 'Priya Raman', location: 'Pune' }));
    expect(r.status).toBe('linked');
    expect(idx.externalId(r.slot!)).toBe('NEW');
  });
});

describe('the tie rule', () => {
  // Two equally good namesakes: each alone is below the review threshold, together they are not.
  const twins = indexOf(
    { firstName: 'Marguerite', lastName: 'Vandersloot', city: 'Ghent' },
    { firstName: 'Marguerite', lastName: 'Vandersloot', city: 'Ghent' },
    ...CRM,
  );
  const m = new Matcher(twins, { ...options, population: 1_000_000 });

  it('when two candidates are equally good, the author goes to review, not prospect', () => {
    const r = m.resolve(author({ name: 'Marguerite Vandersloot', location: 'Ghent' }));
    expect(r.candidates[0]!.weight).toBe(r.candidates[1]!.weight);
    expect(r.candidates[0]!.probability).toBeLessThan(options.lower);
    expect(r.status).toBe('review');
    expect(r.evidence.some((e) => e.kind === 'ambiguity')).toBe(true);
  });

  it('when the tied candidates together are still unlikely, the author stays a prospect', () => {
    const r = m.resolve(author({ name: 'Marguerite Vandersloot', location: 'Lima' }));
    expect(r.status).toBe('prospect');
  });

  it('a namesake elsewhere is no tie: the one in the same town links', () => {
    const apart = indexOf(
      { firstName: 'Marguerite', lastName: 'Vandersloot', city: 'Ghent' },
      { firstName: 'Marguerite', lastName: 'Vandersloot', city: 'Lima' },
      ...CRM,
    );
    const r = new Matcher(apart, options).resolve(
      author({ name: 'Marguerite Vandersloot', location: 'Ghent' }),
    );
    expect(r.slot).toBe(0);
    expect(r.candidates[0]!.weight - r.candidates[1]!.weight).toBeGreaterThan(
      options.ambiguityBits,
    );
    expect(r.evidence.some((e) => e.kind === 'ambiguity')).toBe(false);
  });
});

describe('the prior', () => {
  it('comes from a learned model unless MATCH_POPULATION overrides it', () => {
    const learned = new Matcher(index, DEFAULT_MATCH_OPTIONS);
    expect(learned.population()).toBe(10_000_000);
    learned.useModel({ model: DEFAULT_MATCH_OPTIONS.model, prior: 0.25, label: 'model v7' });
    expect(learned.population()).toBeCloseTo(index.size / 0.25);
    const r = learned.resolve(author({ name: 'Robert Zywicki', location: 'Portland, OR' }));
    expect(r.evidence.find((e) => e.kind === 'model')?.detail).toMatch(/^model v7, prior 1 in/);
    const overridden = new Matcher(index, { ...DEFAULT_MATCH_OPTIONS, population: 5000 });
    overridden.useModel({ model: DEFAULT_MATCH_OPTIONS.model, prior: 0.25, label: 'model v7' });
    expect(overridden.population()).toBe(5000);
  });
});
