import { describe, expect, it } from 'vitest';
import type { Evidence } from '@hark/events';
import { prepareAuthor } from '../../src/domain/author.ts';
import {
  compareFirst,
  compareLast,
  DEFAULT_MODEL,
  handleNameLevels,
  identifierWeight,
  scoreCandidate,
} from '../../src/domain/scoring.ts';
import { author, customer, indexOf } from './fixtures.ts';
import { CustomerIndex } from '../../src/domain/customer-index.ts';
import { Gazetteer, parseGazetteer } from '../../src/domain/gazetteer.ts';

/** 200 customers: 100 John Smiths, one Zywicki, and a few others, so term frequencies mean something. */
function crm(): CustomerIndex {
  const index = new CustomerIndex();
  let id = 1;
  for (let i = 0; i < 100; i++)
    index.upsert(customer(id++, { firstName: 'John', lastName: 'Smith', city: 'London' }));
  index.upsert(
    customer(id++, {
      firstName: 'Robert',
      lastName: 'Zywicki',
      city: 'Portland',
      region: 'OR',
      country: 'US',
    }),
  );
  index.upsert(
    customer(id++, {
      firstName: 'Jane',
      lastName: 'Doe',
      city: 'Lyon',
      country: 'FR',
      emails: 'jd1984@gmail.com',
      company: 'Initech',
    }),
  );
  for (let i = 0; i < 98; i++)
    index.upsert(
      customer(id++, {
        firstName: `Name${String.fromCharCode(97 + (i % 26))}`,
        lastName: `Other${i}`,
        city: 'Berlin',
      }),
    );
  index.finishLoad();
  return index;
}
const index = crm();
const slotOf = (externalId: string) =>
  [...Array(index.size).keys()].find((s) => index.externalId(s) === externalId)!;
const ZYWICKI = slotOf('C101');
const SMITH = slotOf('C1');
const DOE = slotOf('C102');
const score = (
  overrides: Parameters<typeof author>[0],
  slot: number,
  evidence: Evidence[] | null = null,
) => scoreCandidate(prepareAuthor(author(overrides), index), slot, index, DEFAULT_MODEL, evidence);

describe('Fellegi–Sunter weights', () => {
  it('agreeing on a rare name weighs more than on a common one', () => {
    expect(score({ name: 'Robert Zywicki' }, ZYWICKI)).toBeGreaterThan(
      score({ name: 'John Smith' }, SMITH) + 5,
    );
  });

  it('a nickname agrees, less than the exact name', () => {
    const exact = score({ name: 'Robert Zywicki' }, ZYWICKI);
    const nick = score({ name: 'Bob Zywicki' }, ZYWICKI);
    expect(nick).toBeGreaterThan(0);
    expect(nick).toBeLessThan(exact);
  });

  it('a typo agrees less than the exact name and more than a different name', () => {
    const typo = score({ name: 'Robert Zywiki' }, ZYWICKI);
    expect(typo).toBeLessThan(score({ name: 'Robert Zywicki' }, ZYWICKI));
    expect(typo).toBeGreaterThan(score({ name: 'Robert Kowalski' }, ZYWICKI));
  });

  it('one slip in a short name is a typo, not a different name', () => {
    expect(compareFirst('jogn', 'john')).toBe('one_edit');
    expect(compareFirst('jon', 'joe')).toBe('disagree');
    expect(compareLast('grafton', 'trafton')).toBe('one_edit');
    const slip = score({ name: 'Jogn Smith' }, SMITH);
    expect(slip).toBeGreaterThan(score({ name: 'Mark Smith' }, SMITH));
    expect(slip).toBeLessThan(score({ name: 'John Smith' }, SMITH));
  });

  it('two spellings of one first name sound alike, which says more than a different name', () => {
    // (Lewis/Louis is a nickname pair since the public list: it names Lewis a form of Louis.)
    expect(compareFirst('reuben', 'rubin')).toBe('phonetic');
    expect(compareFirst('lewis', 'mark')).toBe('disagree');
    expect(score({ name: 'Jon Zywicki' }, ZYWICKI)).toBeLessThan(
      score({ name: 'Robert Zywicki' }, ZYWICKI),
    );
  });

  it('a typo of a common name never says more than the name itself', () => {
    // A learned model can give a fuzzy level a tiny u (near misses are rare among random pairs).
    const model = {
      ...DEFAULT_MODEL,
      firstName: { ...DEFAULT_MODEL.firstName, oneEdit: { m: 0.1, u: 1e-5 } },
    };
    const weigh = (name: string) =>
      scoreCandidate(prepareAuthor(author({ name }), index), SMITH, index, model);
    expect(weigh('Jogn Smith')).toBeLessThanOrEqual(weigh('John Smith'));
    expect(weigh('Jogn Smith')).toBeGreaterThan(weigh('Mark Smith'));
  });

  it('a different first name is evidence against, more so for a verified account', () => {
    const unverified = score({ name: 'Thomas Zywicki' }, ZYWICKI);
    const verified = score({ name: 'Thomas Zywicki', verified: true }, ZYWICKI);
    expect(unverified).toBeLessThan(score({ name: 'Zywicki' }, ZYWICKI));
    expect(verified).toBeLessThan(unverified);
  });

  it('swapped name order scores like the right order', () => {
    expect(score({ name: 'Zywicki Robert' }, ZYWICKI)).toBeCloseTo(
      score({ name: 'Robert Zywicki' }, ZYWICKI),
      6,
    );
    expect(score({ name: 'Zywicki, Robert' }, ZYWICKI)).toBeCloseTo(
      score({ name: 'Robert Zywicki' }, ZYWICKI),
      6,
    );
  });

  it('read backwards, a common family name is no rare first name', () => {
    // "Henry Smith" against a customer stored as first name Smith, family name Henry: the
    // swapped reading agrees, but "smith" is a family name a hundred customers carry.
    const idx = new CustomerIndex();
    for (let i = 1; i <= 100; i++)
      idx.upsert(customer(i, { firstName: 'John', lastName: 'Smith', city: 'London' }));
    idx.upsert(customer(101, { firstName: 'Smith', lastName: 'Henry', city: 'London' }));
    idx.upsert(customer(102, { firstName: 'Robert', lastName: 'Zywicki', city: 'London' }));
    idx.finishLoad();
    const weights = (name: string, slot: number) => {
      const evidence: Evidence[] = [];
      scoreCandidate(prepareAuthor(author({ name }), idx), slot, idx, DEFAULT_MODEL, evidence);
      return Object.fromEntries(evidence.map((e) => [e.kind, e.weight]));
    };
    const swapped = weights('Henry Smith', 100);
    const common = weights('John Smith', 0);
    // As often by chance as "smith" as a family name (101 of 102 vs 100 of 102): no more.
    expect(swapped.first_name).toBeLessThan(common.last_name! + 0.5);
    // A value rare in both fields keeps its weight when read backwards.
    expect(weights('Zywicki Robert', 101).first_name).toBeGreaterThan(5);
  });

  it('missing fields are neutral', () => {
    const evidence: Evidence[] = [];
    expect(score({ name: null, handle: 'qwerty_42' }, ZYWICKI, evidence)).toBe(0);
    expect(evidence).toEqual([]);
  });

  it.each([
    ['Portland', 'city agrees'],
    ['Oregon', 'region agrees'],
    ['Salem, OR', 'region agrees'],
    ['Berlin', 'another city'],
    ['USA', 'country agrees'],
    ['Canada', 'another country'],
  ])("location %j: %s (the gazetteer is the CRM's own cities)", (location, detail) => {
    const evidence: Evidence[] = [];
    score({ name: 'Robert Zywicki', location }, ZYWICKI, evidence);
    expect(evidence.find((e) => e.kind === 'location')?.detail).toBe(detail);
  });

  it('a city agreement outweighs a region agreement, which outweighs a country agreement', () => {
    const w = (location: string) => score({ name: 'Robert Zywicki', location }, ZYWICKI);
    expect(w('Portland')).toBeGreaterThan(w('Oregon'));
    expect(w('Oregon')).toBeGreaterThan(w('USA'));
    expect(w('USA')).toBeGreaterThan(w('Canada'));
  });

  it('the handle stands in for a missing display name, without counting a name twice', () => {
    const byHandle = score({ name: null, handle: 'robertzywicki' }, ZYWICKI);
    const byName = score({ name: 'Robert Zywicki' }, ZYWICKI);
    const both = score({ name: 'Robert Zywicki', handle: 'robertzywicki' }, ZYWICKI);
    expect(byHandle).toBeCloseTo(byName, 6);
    expect(both).toBeCloseTo(byName, 6);
  });

  it('a handle equal to a distinctive e-mail local part is strong evidence', () => {
    const evidence: Evidence[] = [];
    const w = score({ name: 'Jane Doe', handle: 'jd1984' }, DOE, evidence);
    expect(evidence.map((e) => e.kind)).toContain('handle_email');
    expect(w - score({ name: 'Jane Doe', handle: 'x' }, DOE)).toBeGreaterThan(10);
  });

  it("a work e-mail at the customer's company agrees on company", () => {
    const evidence: Evidence[] = [];
    score({ name: 'Jane Doe', email: 'jane@initech.com' }, DOE, evidence);
    expect(evidence.find((e) => e.kind === 'company')?.weight).toBeGreaterThan(0);
  });

  it('evidence never carries the names themselves', () => {
    const evidence: Evidence[] = [];
    score({ name: 'Robert Zywicki', location: 'Portland', handle: 'bzywicki' }, ZYWICKI, evidence);
    expect(JSON.stringify(evidence).toLowerCase()).not.toMatch(/zywicki|robert|portland/);
  });
});

describe('handle-to-name patterns', () => {
  it.each([
    ['janedoe', 'jane', 'doe', { first: 'exact', last: 'exact' }],
    ['doejane', 'jane', 'doe', { first: 'exact', last: 'exact' }],
    ['thejanedoe', 'jane', 'doe', { first: 'exact', last: 'exact' }],
    ['bobzywicki', 'robert', 'zywicki', { first: 'nickname', last: 'exact' }],
    ['jdoe', 'jane', 'doe', { first: 'initial', last: 'exact' }],
    ['doej', 'jane', 'doe', { first: 'initial', last: 'exact' }],
    ['janed', 'jane', 'doe', { first: 'exact', last: 'initial' }],
    ['janemdoe', 'jane', 'doe', { first: 'exact', last: 'exact' }],
    ['zywickifan', 'robert', 'zywicki', { first: null, last: 'exact' }],
    ['sunflower', 'jane', 'doe', null],
    // A family name that runs on into a longer one is not in the handle.
    ['richardsmith', 'richard', 'smit', null],
    ['smiths', 'jane', 'smith', null],
    ['richardsmithart', 'richard', 'smith', { first: 'exact', last: 'exact' }],
  ])('%s vs %s %s', (letters, first, last, expected) => {
    expect(handleNameLevels(letters, first, last)).toEqual(expected);
  });
});

describe('identifier weights', () => {
  it('a pseudonym is more distinctive than a name, and digits add to both', () => {
    const w = (s: string) => identifierWeight(s, 'jane', 'doe', DEFAULT_MODEL);
    expect(w('sunflower')).toBeGreaterThan(w('janedoe'));
    expect(w('janedoe84')).toBeGreaterThan(w('janedoe'));
    expect(w('sunflower84')).toBeGreaterThan(w('sunflower'));
    expect(w('janedoe')).toBeLessThan(2);
  });
});

describe('what the author side carries beyond name and place', () => {
  it("a work e-mail at the customer's website domain counts as the company agreeing", () => {
    const idx = new CustomerIndex();
    idx.upsert(
      customer(1, {
        firstName: 'Ada',
        lastName: 'Byron',
        attributes: { website: 'https://www.Analytical-Engines.example/about', dob: '1815-12-10' },
      }),
    );
    idx.upsert(customer(2, { firstName: 'Ada', lastName: 'Byron' }));
    idx.finishLoad();
    const a = prepareAuthor(
      author({ name: 'Ada Byron', email: 'ada@analytical-engines.example' }),
      idx,
    );
    const withSite: Evidence[] = [];
    const without: Evidence[] = [];
    const w1 = scoreCandidate(a, 0, idx, DEFAULT_MODEL, withSite);
    const w2 = scoreCandidate(a, 1, idx, DEFAULT_MODEL, without);
    expect(withSite.some((e) => e.kind === 'company' && e.weight > 0)).toBe(true);
    expect(without.some((e) => e.kind === 'company')).toBe(false);
    expect(w1).toBeGreaterThan(w2);
  });
});

describe('company through a work e-mail', () => {
  const idx = indexOf(
    { firstName: 'Ada', lastName: 'Byron', emails: 'ada@initech.com' },
    { firstName: 'Ada', lastName: 'Byron', emails: 'ada@globex.com' },
    { firstName: 'Ada', lastName: 'Byron', emails: 'ada@gmail.com;ada@globex.com' },
    { firstName: 'Ada', lastName: 'Byron', emails: 'ada@gmail.com' },
    { firstName: 'Ada', lastName: 'Byron', emails: 'ada@gmail.com', company: 'Initech' },
    { firstName: 'Ada', lastName: 'Byron', tier: 'gold', company: 'Globex' },
  );
  const a = prepareAuthor(author({ name: 'Ada Byron', email: 'ada.b@initech.com' }), idx);
  it.each([
    ['the same work domain', 0, 'work e-mail domain agrees'],
    ['another work domain', 1, 'work e-mail domains differ'],
    ['a free mail address and another work domain', 2, 'work e-mail domains differ'],
    ['only a free mail address', 3, null],
    ['only a free mail address, the company named like the domain', 4, 'work e-mail domain agrees'],
    ['no e-mail, another company', 5, null],
  ])('a customer with %s: %s', (_case, slot, detail) => {
    const evidence: Evidence[] = [];
    scoreCandidate(a, slot, idx, DEFAULT_MODEL, evidence);
    expect(evidence.find((e) => e.kind === 'company')?.detail ?? null).toBe(detail);
  });

  it('the tier packed beside the flags reads back', () => {
    expect(idx.tier(5)).toBe('gold');
    expect(idx.tier(0)).toBeNull();
    expect([0, 1, 2, 3, 4, 5].map((s) => idx.hasWorkEmail(s))).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});

describe('place hierarchy (gazetteer)', () => {
  const gazetteer = parseGazetteer(`N\t-1\tengland
C\t0\tcumbria
D\t1\twestmorland and furness
D\t2\tsouth lakeland
T\t2\tkendal
T\t2\twindermere
D\t1\tcumberland
T\t6\tcarlisle
C\t0\tgreater london
T\t8\tsouthwark
T\t8\tlondon
T\t0\tleeds
`);
  /** 2 customers in Kendal, 1 in Carlisle, 60 in London, 1 in Southwark, 1 in Leeds. */
  const build = (g = gazetteer): CustomerIndex => {
    const idx = new CustomerIndex({ gazetteer: g });
    let id = 1;
    const add = (first: string, last: string, city: string) =>
      idx.upsert(customer(id++, { firstName: first, lastName: last, city }));
    add('Thomas', 'Lister', 'Kendal');
    add('Anne', 'Lister', 'Kendal');
    add('Mary', 'Brough', 'Carlisle');
    add('Maurice', 'Greiffenhagen', 'Southwark');
    add('Joan', 'Smith', 'Leeds');
    for (let i = 0; i < 60; i++) add(`Name${i}`, `Other${i}`, 'London');
    idx.finishLoad();
    return idx;
  };
  const idx = build();
  const slot = (last: string, i = idx) =>
    [...Array(i.size).keys()].find((s) => i.last(s) === last && i.first(s) !== 'anne')!;
  const place = (location: string, last: string, i = idx) => {
    const evidence: Evidence[] = [];
    const a = prepareAuthor(author({ name: null, location }), i);
    const weight = scoreCandidate(a, slot(last, i), i, DEFAULT_MODEL, evidence);
    return { weight, detail: evidence.find((e) => e.kind === 'location')?.detail };
  };

  it('a town inside the district the other side names agrees at the area level', () => {
    expect(place('South Lakeland', 'lister').detail).toBe('same district');
    expect(place('Cumbria, UK', 'lister').detail).toBe('same county');
  });

  it('the area level says less than the same town and more than another town', () => {
    const town = place('Kendal', 'lister').weight;
    const district = place('South Lakeland', 'lister').weight;
    const county = place('Cumbria', 'lister').weight;
    expect(town).toBeGreaterThan(district);
    expect(district).toBeGreaterThan(0);
    expect(district).toBeGreaterThanOrEqual(county);
    expect(place('Leeds', 'lister').detail).toBe('another city');
    expect(place('Leeds', 'lister').weight).toBeLessThan(0);
  });

  it('two towns of one county agree through the county', () => {
    expect(place('Carlisle', 'lister').detail).toBe('same county');
  });

  it('an area holding many customers says little', () => {
    // Greater London holds 61 of 65 customers; Cumbria 3.
    expect(place('Greater London', 'greiffenhagen').weight).toBeLessThan(
      place('Cumbria', 'lister').weight,
    );
  });

  it('without a gazetteer, a district is just another place', () => {
    const plain = build(Gazetteer.EMPTY);
    expect(place('South Lakeland', 'lister', plain).detail).toBeUndefined();
    expect(place('Carlisle', 'lister', plain).detail).toBe('another city');
  });

  it('a place of the same name in another country is not in the area', () => {
    const i = build();
    i.upsert(
      customer(99, { firstName: 'Walt', lastName: 'Yankee', city: 'Carlisle', country: 'US' }),
    );
    expect(place('Cumbria', 'yankee', i).detail).toBeUndefined();
    // A state or province named: the gazetteer's towns are not meant.
    expect(place('Carlisle, PA', 'lister').detail).not.toBe('same county');
    expect(place('Carlisle, England', 'lister').detail).toBe('same county');
    expect(place('Carlisle, France', 'lister').detail).not.toBe('same county');
  });

  it('counts follow customers that move out of an area', () => {
    const i = build();
    const before = place('Cumbria', 'brough', i).weight;
    i.upsert(customer(2, { firstName: 'Anne', lastName: 'Lister', city: 'Leeds' }));
    expect(place('Cumbria', 'brough', i).weight).toBeGreaterThan(before);
  });
});
