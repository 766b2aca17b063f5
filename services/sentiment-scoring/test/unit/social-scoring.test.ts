import { beforeAll, describe, expect, it } from 'vitest';
import type { ScoringModel } from '../../src/domain/model.ts';
import { scoreText } from '../../src/domain/score-mention.ts';
import { testModel } from './model.ts';

// The whole English scorer with the bundled learned model (hark-social-en@2),
// on hand-written posts of the kinds issue 19 names. Not data from any set.
let model: ScoringModel;
beforeAll(async () => {
  model = await testModel();
});

const score = (text: string) => scoreText(text, 'en', model);

describe('learned English scoring', () => {
  it.each([
    [
      'a polite complaint',
      'Would be nice if someone could actually pick up the phone, I have been on hold for 2 hours',
      'delay',
    ],
    ['a failure without a sentiment word', "my order still hasn't arrived, day 5", 'delivery'],
    ['sarcastic thanks', 'thanks for the update that broke my phone', 'quality'],
    ['sarcastic praise', 'Great job guys, my parcel is lost again', 'lost_or_damaged'],
    ['a complaint asked as a question', "is your app down? I can't log in", 'outage'],
    ['a plain failure report', 'charged me twice this month and no reply from support', 'billing'],
  ])('%s is a negative complaint with a theme: "%s"', (_, text, theme) => {
    const r = score(text);
    expect(r.sentiment).toMatchObject({ label: 'negative', model: 'hark-social-en@2' });
    expect(r.intent.label).toBe('complaint');
    expect(r.theme).toBe(theme);
  });

  it('when politeness wraps a complaint, the label follows the complaint', () => {
    const r = score('I would appreciate SOME update on my refund, it has been 3 weeks');
    expect(r.sentiment.label).toBe('negative');
    expect(r.sentiment.score).toBeLessThan(0);
    expect(r.intent.label).toBe('complaint');
    expect(r.theme).toBe('billing');
  });

  it.each([
    ['exceptional service today, the staff were gorgeous to deal with! My fav!!!'],
    ['Love the new menu, best burger in town'],
  ])('enthusiasm is positive praise without a theme: "%s"', (text) => {
    const r = score(text);
    expect(r.sentiment.label).toBe('positive');
    expect(r.intent.label).toBe('praise');
    expect(r.theme).toBe('none');
  });

  it('when a question carries no valence and no failure, it stays neutral', () => {
    const r = score('does the store open on sundays?');
    expect(r.sentiment.label).toBe('neutral');
    expect(r.intent.label).toBe('question');
    expect(r.theme).toBe('none');
  });

  it('the score is P(positive) − P(negative), within [-1, 1]', () => {
    for (const text of ['worst service ever', 'ok', 'best day ever!!!']) {
      const s = score(text).sentiment.score;
      expect(Math.abs(s)).toBeLessThanOrEqual(1);
    }
    expect(score('worst service ever').sentiment.score).toBeLessThan(-0.5);
    expect(score('best day ever!!!').sentiment.score).toBeGreaterThan(0.5);
  });

  it('when the text has no tokens, the learned model is not asked and the post is neutral', () => {
    const r = score('https://example.com/x');
    expect(r.sentiment).toEqual({ score: 0, label: 'neutral', model: 'hark-social-en@2' });
    expect(r.theme).toBe('none');
  });
});
