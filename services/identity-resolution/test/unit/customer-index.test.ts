import { describe, expect, it } from 'vitest';
import { CustomerIndex } from '../../src/domain/customer-index.ts';
import { parseGazetteer } from '../../src/domain/gazetteer.ts';
import { customer } from './fixtures.ts';

describe('CustomerIndex', () => {
  it('gives a town’s areas only to customers in its country, however many other country values the CRM holds', () => {
    const index = new CustomerIndex({
      gazetteer: parseGazetteer('N\t-1\tunited kingdom\nC\t0\tcumbria\nT\t1\tkendal\n'),
    });
    const person = { firstName: 'Ann', lastName: 'Lee' };
    index.upsert(customer(1, { ...person, city: 'Kendal', country: 'United Kingdom' }));
    // Free-text country values are interned as they come: 1,023 of them, so the next is the 1,025th.
    for (let i = 0; i < 1023; i++)
      index.upsert(customer(2 + i, { ...person, country: `Land ${i}` }));
    index.upsert(customer(5000, { ...person, city: 'Kendal', country: 'Elsewhere' }));
    index.finishLoad();
    expect(index.areasOf(index.slotOfId(1)!).length).toBe(2); // kendal, cumbria
    expect(index.areasOf(index.slotOfId(5000)!).length).toBe(0);
  });

  it('finds customers by exact e-mail and by CRM handle per platform', () => {
    const index = new CustomerIndex();
    index.upsert(
      customer(10, {
        firstName: 'Jane',
        lastName: 'Doe',
        emails: 'jane@doe.io',
        handles: 'x:jdoe',
      }),
    );
    index.upsert(customer(20, { firstName: 'John', lastName: 'Doe', emails: 'john@doe.io' }));
    index.finishLoad();
    expect(index.lookupEmail('jane@doe.io').map((s) => index.externalId(s))).toEqual(['C10']);
    expect(index.lookupHandle('x', 'jdoe').map((s) => index.externalId(s))).toEqual(['C10']);
    expect(index.lookupHandle('instagram', 'jdoe')).toEqual([]);
    expect(index.slotOfId(20)).toBe(1);
    expect(index.slotOfId(30)).toBeUndefined();
  });

  it('when a customer changes, the new data is found and the old is not', () => {
    const index = new CustomerIndex();
    index.upsert(
      customer(1, { firstName: 'Jane', lastName: 'Doe', emails: 'old@doe.io', city: 'Lyon' }),
    );
    index.finishLoad();
    index.upsert(
      customer(1, { firstName: 'Jane', lastName: 'Martin', emails: 'new@doe.io', city: 'Paris' }),
    );
    expect(index.size).toBe(1);
    expect(index.lookupEmail('old@doe.io')).toEqual([]);
    expect(index.lookupEmail('new@doe.io')).toEqual([0]);
    expect(index.last(0)).toBe('martin');
    expect(index.lastNameCount('doe')).toBe(0);
    expect(index.lastNameCount('martin')).toBe(1);
    expect(index.city(0)).toBe('paris');
  });

  it('adds customers after the load, out of id order', () => {
    const index = new CustomerIndex();
    index.upsert(customer(5, { firstName: 'A', lastName: 'Bee' }));
    index.upsert(customer(9, { firstName: 'C', lastName: 'Dee' }));
    index.finishLoad();
    index.upsert(customer(7, { firstName: 'E', lastName: 'Eff', tier: 'gold', value: 12 }));
    expect(index.slotOfId(7)).toBe(2);
    expect(index.slotOfId(9)).toBe(1);
    expect(index.tier(2)).toBe('gold');
    expect(index.value(2)).toBe(12);
    expect(index.value(0)).toBeNull();
  });

  it('counts names for term-frequency weights', () => {
    const index = new CustomerIndex();
    for (let i = 1; i <= 5; i++)
      index.upsert(customer(i, { firstName: 'John', lastName: i < 5 ? 'Smith' : 'Zywicki' }));
    index.finishLoad();
    expect(index.firstNameCount('john')).toBe(5);
    expect(index.lastNameCount('smith')).toBe(4);
    expect(index.lastNameCount('zywicki')).toBe(1);
  });
});
