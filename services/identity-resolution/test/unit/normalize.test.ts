import { describe, expect, it } from 'vitest';
import {
  emailLocal,
  foldAscii,
  handleCompact,
  handleLetters,
  handleSegments,
  normalizeCompany,
  normalizeEmail,
  normalizeHandle,
  parseDisplayName,
} from '../../src/domain/normalize.ts';

describe('parseDisplayName', () => {
  it.each([
    ['Jane Doe', { first: 'jane', last: 'doe', middles: [], single: false }],
    ['Doe, Jane', { first: 'jane', last: 'doe', middles: [], single: false }],
    ['J. Doe', { first: 'j', last: 'doe', middles: [], single: false }],
    ['Dr. Jane M. Doe Jr.', { first: 'jane', last: 'doe', middles: ['m'], single: false }],
    ['Jane Doe | acme fan', { first: 'jane', last: 'doe', middles: [], single: false }],
    ['Jane 🌸 Doe (she/her)', { first: 'jane', last: 'doe', middles: [], single: false }],
    ['Jan van der Berg', { first: 'jan', last: 'vanderberg', middles: [], single: false }],
    ['van der Berg, Jan', { first: 'jan', last: 'vanderberg', middles: [], single: false }],
    [
      "Siobhán O'Brien-Smith",
      { first: 'siobhan', last: 'obriensmith', middles: [], single: false },
    ],
    ['Jörg Müller', { first: 'jorg', last: 'muller', middles: [], single: false }],
    ['jane', { first: 'jane', last: null, middles: [], single: true }],
    ['Mary M0berly', { first: 'mary', last: 'mberly', middles: [], single: false }],
    ['Jane Doe 84', { first: 'jane', last: 'doe', middles: [], single: false }],
  ])('parses %j', (raw, expected) => {
    expect(parseDisplayName(raw)).toEqual(expected);
  });

  it.each([[null], [''], ['🌸✨'], ['I really love my new acme router so much']])(
    'when nothing name-like is left (%j), it returns null',
    (raw) => {
      expect(parseDisplayName(raw)).toBeNull();
    },
  );
});

describe('handles and e-mails', () => {
  it.each([
    ['@JaneDoe_84', 'janedoe_84', 'janedoe', 'janedoe84', ['jane', 'doe']],
    ['jane.doe', 'jane.doe', 'janedoe', 'janedoe', ['jane', 'doe']],
    ['jdoe84', 'jdoe84', 'jdoe', 'jdoe84', ['jdoe']],
    ['jp@fosstodon.org', 'jp', 'jp', 'jp', ['jp']],
  ])('folds the handle %j', (raw, handle, letters, compact, segments) => {
    expect(normalizeHandle(raw)).toBe(handle);
    expect(handleLetters(raw)).toBe(letters);
    expect(handleCompact(raw)).toBe(compact);
    expect(handleSegments(raw)).toEqual(segments);
  });

  it('normalises e-mails and their local parts the way people reuse them', () => {
    expect(normalizeEmail('  Jane.Doe+shop@Example.COM ')).toBe('jane.doe+shop@example.com');
    expect(normalizeEmail('not-an-email')).toBeNull();
    expect(emailLocal('jane.doe+shop@example.com')).toBe('janedoe');
  });

  it('folds diacritics and ligatures to ASCII', () => {
    expect(foldAscii('Łukasz Ørsted Straße Œuvre')).toBe('lukasz orsted strasse oeuvre');
  });

  it('compares companies without legal forms', () => {
    expect(normalizeCompany('ACME Corp.')).toBe('acme');
    expect(normalizeCompany('The Globex Group GmbH')).toBe('globex');
  });
});
