import { describe, expect, it } from 'vitest';
import { authorKeys, customerKeys } from '../../src/domain/blocking-keys.ts';
import { parseDisplayName } from '../../src/domain/normalize.ts';

const jane = customerKeys({
  first: 'jane',
  last: 'doe',
  city: 'lyon',
  emails: ['jane.doe84@gmail.com'],
  handles: [{ platform: 'instagram', handle: 'sunflower_jane' }],
});
const robert = customerKeys({
  first: 'robert',
  last: 'zywicki',
  city: '',
  emails: [],
  handles: [],
});

function shared(
  customer: string[],
  author: Parameters<typeof authorKeys>[0],
): { strong: string[]; weak: string[] } {
  const k = authorKeys(author);
  return {
    strong: k.strong.filter((x) => customer.includes(x)),
    weak: k.weak.filter((x) => customer.includes(x)),
  };
}
const a = (
  name: string | null,
  handle = '',
  email: string | null = null,
  cities: string[] = [],
) => ({
  name: parseDisplayName(name),
  handle,
  email,
  cities,
});

describe('blocking keys', () => {
  it.each([
    ['the exact name', a('Jane Doe')],
    ['a sound-alike typo', a('Jayne Doe')],
    ['swapped order', a('Doe Jane')],
    ['an initial', a('J. Doe')],
    ['a nickname', a('Bob Zywicki')],
    ['a handle spelled from the name', a(null, 'janedoe84')],
    ['a handle with separators', a(null, 'doe.jane')],
    ['a handle of initial and family name', a(null, 'jdoe')],
    ['a handle equal to the e-mail local part', a(null, 'jane_doe_84')],
    ['a CRM handle from another platform', a(null, 'sunflower_jane')],
    ['the name and the city', a('Jane Doe', '', null, ['lyon'])],
  ])('%s shares a strong key with the customer', (_what, author) => {
    const keys = author.name?.first === 'bob' ? robert : jane;
    expect(shared(keys, author).strong.length).toBeGreaterThan(0);
  });

  it('a typo that changes the sound is caught by a weak key only', () => {
    const s = shared(jane, a('Jnae Doe'));
    expect(s.weak.length).toBeGreaterThan(0);
  });

  it('a family-name typo that changes the sound is caught by the first letters key', () => {
    const smith = customerKeys({ first: 'john', last: 'smith', city: '', emails: [], handles: [] });
    expect(shared(smith, a('John Smiht')).weak.length).toBeGreaterThan(0);
  });

  it('a slip near the start of the family name is caught by the last letters key', () => {
    const gurnett = customerKeys({
      first: 'thomas',
      last: 'gurnett',
      city: '',
      emails: [],
      handles: [],
    });
    expect(shared(gurnett, a('Thomas Gumett')).weak).toContain('u|TM|ett');
  });

  it('unrelated people share no key', () => {
    const s = shared(jane, a('Carlos Mendez', 'cmendez', 'carlos@x.io', ['lyon']));
    expect(s.strong).toEqual([]);
    expect(s.weak).toEqual([]);
  });

  it('the same first name elsewhere shares only the first-name-alone key, a weak one', () => {
    expect(shared(jane, a('Jane Okafor'))).toEqual({ strong: [], weak: ['f|JN'] });
  });
});

describe('blocking passes that need one name part', () => {
  const withRegion = (name: string, cities: string[], regions: string[]) => ({
    ...a(name, '', null, cities),
    regions,
  });
  const ann = customerKeys({
    first: 'annabel',
    last: 'fairweather',
    city: 'adelaide',
    region: 'sa',
    emails: [],
    handles: [],
  });
  const noTown = customerKeys({
    first: 'annabel',
    last: 'fairweather',
    city: '',
    region: 'sa',
    emails: [],
    handles: [],
  });

  it.each([
    [
      'family name + town: a replaced first name',
      withRegion('Georgina Fairweather', ['adelaide'], []),
      'L|FR0R|adelaide',
    ],
    [
      'first name + town: a replaced family name',
      withRegion('Annabel Jones', ['adelaide'], []),
      'F|ANPL|adelaide',
    ],
    ['family name alone: a one-word display name', withRegion('Fairweather', [], []), 'l|FR0R'],
    [
      'first name alone: a rare first name with a new family name',
      withRegion('Annabel Smith', [], []),
      'f|ANPL',
    ],
    [
      'a swapped order still reaches the family-name pass',
      withRegion('Fairweather Georgina', ['adelaide'], []),
      'L|FR0R|adelaide',
    ],
  ])('%s', (_what, author, key) => {
    const s = shared(ann, author);
    // One-part passes are weak keys (the smaller block cap): nets for what the full name misses.
    expect(s.weak).toContain(key);
  });

  it('a handle that starts with a known first name reaches the first-name passes', () => {
    const known = (x: string, role: 'first' | 'last') => role === 'first' && x === 'annabel';
    const k = authorKeys({
      name: null,
      handle: 'annabelh2339',
      email: null,
      cities: ['adelaide'],
      isKnown: known,
    });
    expect(k.weak).toContain('f|ANPL');
    expect(k.weak).toContain('F|ANPL|adelaide');
    expect([...k.strong, ...k.weak].some((x) => x.startsWith('l|'))).toBe(false);
  });

  it('a customer without a town is reached through the region', () => {
    expect(shared(noTown, withRegion('Georgina Fairweather', [], ['sa'])).weak).toContain(
      'L|FR0R|sa',
    );
  });

  it('the place-qualified passes need the same place', () => {
    const k = shared(ann, withRegion('Georgina Fairweather', ['perth'], ['wa']));
    const s = [...k.strong, ...k.weak];
    expect(s.filter((k) => k.startsWith('L|') || k.startsWith('F|'))).toEqual([]);
  });
});
