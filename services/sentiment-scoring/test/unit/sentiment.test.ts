import { beforeAll, describe, expect, it } from 'vitest';
import type { ScoringModel } from '../../src/domain/model.ts';
import { normalizeText } from '../../src/domain/normalize.ts';
import { buildLexicon, scoreSentiment } from '../../src/domain/sentiment.ts';
import { testModel } from './model.ts';

let model: ScoringModel;
beforeAll(async () => {
  model = await testModel();
});

function score(text: string): number {
  const en = model.languages.get('en')!;
  return scoreSentiment(
    normalizeText(text, en.normalize),
    en.lexicon,
    model.symbols,
    model.sentimentParams,
  ).score;
}
function label(text: string): string {
  const en = model.languages.get('en')!;
  return scoreSentiment(
    normalizeText(text, en.normalize),
    en.lexicon,
    model.symbols,
    model.sentimentParams,
  ).label;
}

describe('sentiment: negation', () => {
  it.each([
    ['not bad', 'positive'],
    ['not good', 'negative'],
    ["I don't like the new app", 'negative'],
    ['I dont love it', 'negative'],
    ['never again', 'negative'],
    ['this never disappoints', 'positive'],
    ['no problems at all', 'positive'],
    ['the parcel never arrived', 'negative'],
    ['nobody answered my call', 'negative'],
    ["it doesn't work", 'negative'],
    ["couldn't be happier", 'positive'],
    ["can't wait for the new season", 'positive'],
  ])('"%s" is %s', (text, expected) => {
    expect(label(text)).toBe(expected);
  });

  it('when a clause boundary follows the negator, negation stops there', () => {
    expect(score('not sure, but the staff were great')).toBeGreaterThan(0.25);
    expect(label('no. great service')).toBe('positive');
  });

  it('when the sentiment word is more than three words after the negator, it is not negated', () => {
    expect(label("I don't know why everyone says it is great")).toBe('positive');
  });

  it('when "not only" is used, nothing is negated', () => {
    expect(label('not only fast but also friendly')).toBe('positive');
  });

  it('when an interjection follows a negator, it keeps its own polarity', () => {
    expect(label('still nothing smh')).toBe('negative');
  });

  it('when a negator stands alone at the end of a clause, it reads as a let-down', () => {
    expect(score('they promised a call back. nothing')).toBeLessThan(0);
  });

  it('"can\'t believe" does not negate what follows', () => {
    expect(label("can't believe how bad the delivery has gotten")).toBe('negative');
  });
});

describe('sentiment: intensity', () => {
  it.each([
    ['very good', 'good'],
    ['so slow', 'slow'],
    ['GOOD service', 'good service'],
    ['good!!!', 'good'],
    ['sooo bad', 'bad'],
    ['slow af', 'slow'],
    ['absolutely terrible', 'terrible'],
  ])('"%s" is stronger than "%s"', (strong, plain) => {
    expect(Math.abs(score(strong))).toBeGreaterThan(Math.abs(score(plain)));
    expect(Math.sign(score(strong))).toBe(Math.sign(score(plain)));
  });

  it.each([
    ['a bit slow', 'slow'],
    ['kinda good', 'good'],
    ['slightly disappointed', 'disappointed'],
  ])('"%s" is weaker than "%s"', (weak, plain) => {
    expect(Math.abs(score(weak))).toBeLessThan(Math.abs(score(plain)));
  });

  it('when an intensifier modifies nothing, it keeps its own meaning ("super!" is praise)', () => {
    expect(label('super!')).toBe('positive');
  });
});

describe('sentiment: contrast', () => {
  it.each([
    ['the food was great but the service was awful', 'negative'],
    ['the service was awful but the food was great', 'positive'],
    ['although the staff were nice, the room was filthy', 'negative'],
    ['the room was filthy. the staff were lovely though', 'positive'],
    ['battery dies fast, other than that i love it', 'positive'],
  ])('"%s" is %s', (text, expected) => {
    expect(label(text)).toBe(expected);
  });
});

describe('sentiment: emoji, emoticons and slang', () => {
  it.each([
    ['landed 😍', 'positive'],
    ['landed 😡', 'negative'],
    ['landed :)', 'positive'],
    ['landed :(', 'negative'],
    ['landed <3', 'positive'],
    ['the new update 👎', 'negative'],
    ['smh', 'negative'],
    ['this update slaps', 'positive'],
    ['9/10 would fly again', 'positive'],
    ['2/10 avoid', 'negative'],
  ])('"%s" is %s', (text, expected) => {
    expect(label(text)).toBe(expected);
  });

  it('when the same emoji repeats, each copy adds less', () => {
    const one = score('ok 😡');
    const two = score('ok 😡😡');
    const three = score('ok 😡😡😡');
    expect(two).toBeLessThan(one);
    expect(three - two).toBeGreaterThan(two - one);
  });
});

describe('sentiment: hashtags, questions and customer-service words', () => {
  it.each([
    ['flight cancelled #epicfail', 'negative'],
    ['#NeverAgain', 'negative'],
    ['#HappyCustomer', 'positive'],
    ['the app is laggy and buggy', 'negative'],
    ['on hold for two hours', 'negative'],
    ['seamless checkout', 'positive'],
    ['please help', 'neutral'],
    ['customer support', 'neutral'],
    ["it's like 3 hours late", 'negative'],
    ['I really like it', 'positive'],
    ['is the new plan any good?', 'neutral'],
    ['would be great if you added dark mode', 'neutral'],
  ])('"%s" is %s', (text, expected) => {
    expect(label(text)).toBe(expected);
  });
});

describe('sentiment: output', () => {
  it('when the text is empty, it scores neutral', () => {
    expect(score('')).toBe(0);
    expect(label('')).toBe('neutral');
  });

  it('when the text has no sentiment words, it scores neutral', () => {
    expect(label('my order number is 12345')).toBe('neutral');
  });

  it('keeps the score within [-1, 1] however much it piles up', () => {
    expect(score('😡'.repeat(200) + ' worst worst worst!!!!!!!!')).toBeGreaterThanOrEqual(-1);
    expect(score('😍'.repeat(200) + ' BEST BEST BEST!!!!!!!!')).toBeLessThanOrEqual(1);
  });

  it('is deterministic', () => {
    const text = 'The crew were lovely but the flight was 3 hours late 😤';
    expect(score(text)).toBe(score(text));
  });
});

describe('lexicon lookup', () => {
  const lex = buildLexicon({
    lang: 'en',
    base: { crash: -2, darkness: -1, like: 2 },
    negators: ['not'],
    overrides: { like: 0 },
    inflections: (w) => (w.endsWith('es') ? [w.slice(0, -2)] : []),
  });

  it.each([
    ['crash', -2],
    ['crashes', -2],
    ['like', 0],
    ['dark', undefined],
    ['unknown', undefined],
  ])('valence of %s is %s', (word, expected) => {
    expect(lex.valence(word)).toBe(expected);
  });

  it('when a stemmer is given and no inflection rule, inflected words fall back to their stem', () => {
    const stemmed = buildLexicon({ lang: 'xx', base: { amor: 3 }, negators: [] }, (w) =>
      w.replace(/es$/, ''),
    );
    expect(stemmed.valence('amores')).toBe(3);
    expect(stemmed.valence('amor')).toBe(3);
  });
});
