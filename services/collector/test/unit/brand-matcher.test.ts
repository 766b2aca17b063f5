import { parseBrandsConfig, type Brand } from '@hark/brands';
import { describe, expect, it } from 'vitest';
import { compileBrandMatcher } from '../../src/domain/brand-matcher.ts';
import { foldForMatching, tokenize } from '../../src/domain/text.ts';

const { brands } = parseBrandsConfig({
  brands: [
    {
      id: 'acme',
      name: 'Acme',
      aliases: ['Acme Telecom', 'Acme Fiber'],
      hashtags: ['acme', 'acmefiber'],
      handles: ['acme', 'acmesupport', 'acme.bsky.social'],
      keywords: ['Acme Box', 'AcmeTV'],
      exclude: ['road runner', 'wile e. coyote'],
    },
    {
      id: 'globex',
      name: 'Globex',
      aliases: ['Globex Corporation'],
      hashtags: ['globex'],
      handles: ['globexhelp'],
      keywords: ['Globex One'],
    },
    { id: 'cafe', name: 'Café Nuñez', aliases: ['Øresund Kaffe'] },
    { id: 'strasse', name: 'Straße Mobil' },
  ],
});
const matcher = compileBrandMatcher(brands);

describe('brand matcher', () => {
  it.each([
    ['I love ACME', ['acme'], ['acme']],
    ['full-width Ａｃｍｅ is down', ['acme'], ['acme']],
    ['acme-branded router', ['acme'], ['acme']],
    ["Acme's router again", ['acme'], ['acme']],
    ['Acme Fiber is down', ['acme'], ['acme', 'acme fiber']],
    ['acme   fiber with extra spaces', ['acme'], ['acme', 'acme fiber']],
    ['#AcmeFiber outage', ['acme'], ['#acmefiber']],
    ['#acmetelecom: multi-word aliases also match as a hashtag', ['acme'], ['#acmetelecom']],
    ['thanks @AcmeSupport', ['acme'], ['@acmesupport']],
    ['cc @acme.bsky.social', ['acme'], ['@acme.bsky.social']],
    ['the new AcmeTV app', ['acme'], ['acmetv']],
    ['Globex Corporation vs #globex', ['globex'], ['globex', 'globex corporation', '#globex']],
    ['acme and globex both', ['acme', 'globex'], ['acme', 'globex']],
    ['un café nuñez por favor', ['cafe'], ['cafe nunez']],
    ['CAFE NUNEZ without accents', ['cafe'], ['cafe nunez']],
    ['oresund kaffe is folded from Ø', ['cafe'], ['oresund kaffe']],
    ['STRASSE MOBIL', ['strasse'], ['strasse mobil']],
  ])('"%s" matches %j with keywords %j', (text, expectedBrands, expectedKeywords) => {
    const m = matcher.match(text);
    expect(m.brands).toEqual(expectedBrands);
    expect(m.keywords).toEqual(expectedKeywords);
  });

  it.each([
    ['acmeville is a town', 'a word that merely starts with the name'],
    ['the paracme shop', 'the name inside a word'],
    ['#acmeville', 'a longer hashtag'],
    ['@acmeville', 'a longer handle'],
    ['@acmesupportteam hi', 'a handle extending a tracked one'],
    ['nothing to see', 'no term'],
    ['', 'empty text'],
  ])('"%s" does not match (%s)', (text) => {
    expect(matcher.match(text).brands).toEqual([]);
  });

  it('when an exclusion phrase appears, it vetoes its brand even if the brand is also named', () => {
    const m = matcher.match('Road Runner always beats Acme');
    expect(m.brands).toEqual([]);
    expect(m.vetoed).toEqual(['acme']);
  });

  it('an exclusion of one brand leaves other brands matched', () => {
    expect(matcher.match('Wile E. Coyote ordered Globex One').brands).toEqual(['globex']);
  });

  it('an email address is not a handle, but its domain word still counts', () => {
    expect(matcher.match('write to support@globexhelp.com').keywords).toEqual([]);
    expect(matcher.match('mail support@acme.com').keywords).toEqual(['acme']);
  });

  it('returns brands in config order whatever the order in the text', () => {
    expect(matcher.match('globex then acme').brands).toEqual(['acme', 'globex']);
  });

  it('counts each (term, brand) once even when configured twice', () => {
    const twice: Brand = {
      id: 'x',
      name: 'X Co',
      aliases: ['x co', 'X CO'],
      hashtags: ['xco', '#xco'],
      handles: [],
      keywords: [],
      exclude: [],
    };
    expect(compileBrandMatcher([twice]).termCount).toBe(2);
  });

  it('tracks a shared term for every brand that lists it', () => {
    const shared: Brand[] = [
      {
        id: 'a',
        name: 'Alpha',
        aliases: [],
        hashtags: [],
        handles: [],
        keywords: ['router'],
        exclude: [],
      },
      {
        id: 'b',
        name: 'Beta',
        aliases: [],
        hashtags: [],
        handles: [],
        keywords: ['router'],
        exclude: [],
      },
    ];
    expect(compileBrandMatcher(shared).match('my router died').brands).toEqual(['a', 'b']);
  });
});

describe('tokenize', () => {
  it.each([
    ['#Acme @acme support@acme.com C#', ['#acme', '@acme', 'support', 'acme', 'com', 'c']],
    ['hello, world!', ['hello', 'world']],
    ['Ünïcödé text', ['unicode', 'text']],
    ['@user@mastodon.social', ['@user', 'mastodon', 'social']],
  ])('%s → %j', (text, tokens) => {
    expect(tokenize(foldForMatching(text))).toEqual(tokens);
  });
});
