import { beforeAll, describe, expect, it } from 'vitest';
import type { NormalizeDeps } from '../../src/domain/normalize.ts';
import { normalizeText } from '../../src/domain/normalize.ts';
import { testModel } from './model.ts';

let deps: NormalizeDeps;
beforeAll(async () => {
  deps = (await testModel()).languages.get('en')!.normalize;
});

const words = (text: string, opts?: { ignore?: string[] }) =>
  normalizeText(text, deps, opts)
    .tokens.filter((t) => t.kind === 'word')
    .map((t) => t.text);

describe('social text normalisation', () => {
  it.each([
    [
      'URLs are dropped',
      'outage again https://status.acme.com/x?y=1 see',
      ['outage', 'again', 'see'],
    ],
    ['www links are dropped', 'check www.acme.com now', ['check', 'now']],
    ['@handles are dropped', '@acme @acme_support why', ['why']],
    ['Mastodon handles are dropped whole', '@jane@mastodon.social hi', ['hi']],
    [
      'an e-mail address is not a handle',
      'mail me at jo@example.com',
      ['mail', 'me', 'at', 'jo', 'example', 'com'],
    ],
    ['camelCase hashtags split on case', '#NeverAgain', ['never', 'again']],
    [
      'snake_case hashtags split on underscores',
      '#worst_service_ever',
      ['worst', 'service', 'ever'],
    ],
    ['lower-case hashtags split by dictionary', '#epicfail', ['epic', 'fail']],
    ['a lower-case hashtag with a brand prefix keeps the brand', '#acmefail', ['acme', 'fail']],
    ['a hashtag that is one word stays whole', '#fail', ['fail']],
    ['an unknown hashtag stays whole', '#acme', ['acme']],
    ['elongations collapse to a known word', 'sooo gooood', ['so', 'good']],
    ['elongations collapse to the double-letter word when it exists', 'coooool', ['cool']],
    ['laughter collapses', 'hahahaha lolol', ['haha', 'lol']],
    ['curly apostrophes read as straight ones', 'don’t', ["don't"]],
    ['ratings are one token', 'solid 9/10', ['solid', '9/10']],
  ])('%s', (_name, text, expected) => {
    expect(words(text)).toEqual(expected);
  });

  it.each([
    ['a handle at the very start', '@acme hi', 'hi'],
    ['@ right after a letter', 'x@y and @@z', 'x y and z'],
    [
      '# right after a letter, a digit, _ or &',
      'c#minor a#b 5#tag _#tag &#39;s',
      'c minor a b 5 tag tag 39 ; s',
    ],
    ['a hashtag after a bracket or another #', '(#love) ##double', '( love ) double'],
    ['a hashtag after a non-Latin letter', 'é#tag', 'é tag'],
  ])('a handle or hashtag counts only after a non-word character: %s', (_, text, clean) => {
    expect(normalizeText(text, deps).clean).toBe(clean);
  });

  it('when a word is elongated, it is flagged', () => {
    const t = normalizeText('sooo bad', deps).tokens;
    expect(t.map((x) => [x.text, x.elongated])).toEqual([
      ['so', true],
      ['bad', false],
    ]);
  });

  it.each([
    ['skin tones are stripped', '👍🏽', ['👍']],
    ['variation selectors are stripped', '❤️', ['❤']],
    ['a ZWJ sequence reads as its first pictograph', '🤦‍♂️', ['🤦']],
    ['repeated emoji stay separate tokens', '😡😡', ['😡', '😡']],
  ])('emoji: %s', (_name, text, expected) => {
    const t = normalizeText(text, deps).tokens;
    expect(t.filter((x) => x.kind === 'emoji').map((x) => x.text)).toEqual(expected);
  });

  it.each([
    [':)', ':)'],
    [':-(', ':('],
    [":'(", ":'("],
    ['<3', '<3'],
    ['xDDD', 'xD'],
    ['-_-', '-_-'],
  ])('emoticon %s is one token read as %s', (emoticon, expected) => {
    const t = normalizeText(`great ${emoticon} thanks`, deps).tokens;
    expect(t.find((x) => x.kind === 'emoticon')?.text).toBe(expected);
  });

  it('when a time like 10:30 appears, it is not an emoticon', () => {
    expect(
      normalizeText('landed at 10:30 today', deps).tokens.some((t) => t.kind === 'emoticon'),
    ).toBe(false);
  });

  it('when some words are in capitals, those are shouted', () => {
    const t = normalizeText('this is NOT ok', deps).tokens;
    expect(t.filter((x) => x.shouted).map((x) => x.text)).toEqual(['not']);
  });

  it('when the whole post is in capitals, nothing is shouted', () => {
    expect(normalizeText('THIS IS NOT OK', deps).tokens.some((t) => t.shouted)).toBe(false);
  });

  it('counts exclamation and question marks and keeps punctuation as clause boundaries', () => {
    const n = normalizeText('why?! no!!', deps);
    expect(n.exclamations).toBe(3);
    expect(n.questions).toBe(1);
    expect(n.clean).toBe('why ? no !');
  });

  it('when tracked brand names are given, they are removed from the tokens', () => {
    expect(
      words('Best Buy delivered late again @bestbuy', { ignore: ['Best Buy', '@bestbuy'] }),
    ).toEqual(['delivered', 'late', 'again']);
  });

  it('when the text is empty, there are no tokens', () => {
    expect(normalizeText('', deps)).toEqual({
      tokens: [],
      exclamations: 0,
      questions: 0,
      clean: '',
    });
  });

  it('when the text is very long, only the first 5000 characters are read', () => {
    const n = normalizeText('word '.repeat(5000), deps);
    expect(n.tokens.length).toBe(1000);
  });
});
