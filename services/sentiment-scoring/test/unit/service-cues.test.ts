import { describe, expect, it } from 'vitest';
import { loadEvalSet, loadTrainSet } from '../../bench/lib/datasets.ts';
import { createHashtagSplitter } from '../../src/domain/hashtags.ts';
import { normalizeText } from '../../src/domain/normalize.ts';
import {
  detectServiceCues,
  FAILURE_PATTERNS,
  POLITE_PATTERNS,
} from '../../src/domain/service-cues.ts';

// Cues run on NormalizedText.clean: lower case, punctuation as separate tokens.
describe('detectServiceCues', () => {
  it.each([
    ['still on the ground , two hours after boarding'],
    ['holding for over 2 hours each day'],
    ["they wouldn't let us on"],
    ['i have been on hold since 9'],
    ["can't log in to my account since the update"],
    ['my parcel never arrived'],
    ['the app keeps crashing'],
    ["can't get a refund for 2 weeks ?"],
    ['cant log in since yesterday'],
    ['app doesnt load at all'],
  ])('when a failure is reported without a sentiment word, it counts: "%s"', (text) => {
    expect(detectServiceCues(text).failure).toBeGreaterThan(0);
  });

  it.each([['loving the new menu'], ['see you at the game tonight'], ['what time do you open ?']])(
    'when nothing failed, there is no failure cue: "%s"',
    (text) => {
      expect(detectServiceCues(text).failure).toBe(0);
    },
  );

  it('when a failure is counted, distinct phrases add up to at most 3', () => {
    const cues = detectServiceCues(
      'still waiting , flight delayed , lost my bag , app is down , charged me twice',
    );
    expect(cues.failure).toBe(3);
  });

  it.each([
    ['would be nice if you could actually talk to the reservations team'],
    ["i'd appreciate some indication"],
    ['i have been a loyal customer'],
    ['could you please help with my order'],
  ])('when a request is wrapped in politeness, it is polite: "%s"', (text) => {
    expect(detectServiceCues(text).polite).toBe(true);
  });

  it.each([
    ["thanks for the seat that doesn't recline"],
    ['great job , my order is still missing'],
    ['what an impressive list of fees !'],
    ['love waiting on hold # not'],
  ])('when praise words point at a failure, it is sarcasm: "%s"', (text) => {
    expect(detectServiceCues(text).sarcasm).toBe(true);
  });

  it('when thanks come without a failure, it is not sarcasm', () => {
    expect(detectServiceCues('thanks for the quick reply !').sarcasm).toBe(false);
  });

  it.each([
    ["is your website down ? i haven't been able to check in"],
    ['why is my order still not here'],
    ['how long do i have to wait'],
  ])('when a complaint is asked as a question, it is a plea: "%s"', (text) => {
    expect(detectServiceCues(text).plea).toBe(true);
  });

  it('when a plain question asks for information, it is no plea', () => {
    expect(detectServiceCues('what time do you open on sunday ?').plea).toBe(false);
  });
});

describe('the failure pre-checks', () => {
  it('never change the count: equal to running every pattern, on every training and evaluation post', () => {
    const isWord = () => true;
    const deps = { isWord, splitHashtag: createHashtagSplitter(isWord) };
    const posts = [...loadTrainSet(), ...loadEvalSet()].map(
      (p) => normalizeText(p.text, deps).clean,
    );
    let failing = 0;
    for (const clean of posts) {
      const reference = Math.min(3, FAILURE_PATTERNS.filter((p) => p.re.test(clean)).length);
      expect(detectServiceCues(clean).failure, clean).toBe(reference);
      if (reference > 0) failing++;
    }
    expect(failing).toBeGreaterThan(100);
  });

  it('never change politeness: equal to testing the polite patterns alone, on every training and evaluation post', () => {
    const isWord = () => true;
    const deps = { isWord, splitHashtag: createHashtagSplitter(isWord) };
    let polite = 0;
    const texts = [
      ...loadTrainSet().map((p) => p.text),
      ...loadEvalSet().map((p) => p.text),
      'Would be nice if you could actually talk to the reservations team',
      "I'd appreciate SOME indication",
      'I have been a loyal customer for years',
      'could you please help me with my refund',
      'kindly respond to my DM',
      'any update on my order?',
    ];
    for (const text of texts) {
      const clean = normalizeText(text, deps).clean;
      const reference = POLITE_PATTERNS.some((re) => re.test(clean));
      expect(detectServiceCues(clean).polite, clean).toBe(reference);
      if (reference) polite++;
    }
    expect(polite).toBeGreaterThanOrEqual(6);
  });
});
