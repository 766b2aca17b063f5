import { beforeAll, describe, expect, it } from 'vitest';
import { INTENT_RULES, matchIntentRules } from '../../src/domain/intent-rules.ts';
import type { ScoringModel } from '../../src/domain/model.ts';
import { scoreText } from '../../src/domain/score-mention.ts';
import { testModel } from './model.ts';

let model: ScoringModel;
beforeAll(async () => {
  model = await testModel();
});

const intentOf = (text: string) => scoreText(text, 'en', model).intent;

describe('intent rules', () => {
  it.each([
    ['churn_risk', 'Thinking of switching to Vodafone after this week'],
    ['churn_risk', 'cancelling my subscription today'],
    ['churn_risk', 'how do I close my account?'],
    ['churn_risk', "I'm done with you guys"],
    ['churn_risk', 'never flying with them again'],
    ['churn_risk', 'porting my number to another provider tomorrow'],
    ['churn_risk', 'one more outage and i am gone'],
    ['churn_risk', 'you just lost a customer'],
    ['purchase_intent', 'where can I buy the new headphones?'],
    ['purchase_intent', 'thinking of getting the family plan'],
    ['purchase_intent', 'how much is the unlimited plan?'],
    ['purchase_intent', 'is the blue one back in stock?'],
    ['purchase_intent', 'should I get the pro or the standard?'],
    ['suggestion', 'you should add dark mode'],
    ['suggestion', 'would be great if the app had a widget'],
    ['suggestion', 'please bring back the old layout'],
    ['suggestion', 'can you guys add Apple Pay?'],
    ['suggestion', 'I wish the app had offline maps'],
    ['complaint', 'my order never arrived'],
    ['complaint', 'been on hold for 2 hours'],
    ['complaint', 'the app keeps crashing'],
    ['complaint', 'charged me twice for one ticket'],
    ['complaint', "where's my refund"],
    ['question', 'how do I reset my password?'],
    ['question', 'does anyone know if they ship to Canada'],
    ['question', 'does anyone know how to change the email on my account'],
    ['praise', 'shout out to the crew on flight 212'],
    ['praise', 'highly recommend their support team'],
    ['praise', 'best customer service ever'],
  ])('%s: "%s"', (label, text) => {
    const r = intentOf(text);
    expect(r.label).toBe(label);
  });

  it.each([
    ['where can I get help with my bill', 'purchase_intent'],
    ['going to get my money back one way or another', 'purchase_intent'],
    ['switching to dark mode', 'churn_risk'],
    ['how do I switch to the annual plan?', 'churn_risk'],
    ['thanks for nothing', 'praise'],
  ])('"%s" is not %s', (text, notLabel) => {
    expect(intentOf(text).label).not.toBe(notLabel);
  });

  it('when several strong rules fire, the higher-priority one wins (churn over complaint)', () => {
    const hits = matchIntentRules('the app keeps crashing . cancelling my subscription', {
      sentiment: -0.6,
    });
    expect(hits.filter((h) => h.strength === 'strong').map((h) => h.label)).toEqual([
      'churn_risk',
      'complaint',
    ]);
    expect(intentOf('The app keeps crashing. Cancelling my subscription').label).toBe('churn_risk');
  });

  it('when a question is angry, the question rule stands down', () => {
    const hits = matchIntentRules('why is my internet down again ? worst provider ever', {
      sentiment: -0.8,
    });
    expect(hits.map((h) => h.id)).not.toContain('question.wh-question');
    expect(intentOf('Why is my internet down AGAIN? Worst provider ever').label).toBe('complaint');
  });

  it('no pre-check hides a match: on every training and evaluation post, the rules agree with testing every pattern in turn', async () => {
    const { loadEvalSet, loadTrainSet } = await import('../../bench/lib/datasets.ts');
    const { normalizeText } = await import('../../src/domain/normalize.ts');
    // The reference: no `needs`, no shared scan, every pattern tested in priority order.
    const everyPattern = (clean: string, sentiment: number) => {
      const hits = [];
      for (const r of INTENT_RULES) {
        if (!r.pattern.test(clean) || r.unless?.({ sentiment })) continue;
        hits.push({ id: r.id, label: r.label, strength: r.strength, confidence: r.confidence });
        if (r.strength === 'strong') break;
      }
      return hits;
    };
    const ungated = INTENT_RULES.map((r) => ({ ...r, needs: undefined }));
    let fired = 0;
    for (const p of [...loadTrainSet(), ...loadEvalSet()]) {
      const clean = normalizeText(p.text, model.normalize).clean;
      for (const sentiment of [-0.8, 0, 0.8]) {
        const want = everyPattern(clean, sentiment);
        fired += want.length;
        expect(matchIntentRules(clean, { sentiment }, { stopAtStrong: true }), p.id).toEqual(want);
        expect(
          matchIntentRules(clean, { sentiment }, { rules: ungated, stopAtStrong: true }),
          p.id,
        ).toEqual(want);
      }
    }
    expect(fired).toBeGreaterThan(1000);
  });

  it('a pre-check matches its substrings literally, and an empty one never lets the rule fire', () => {
    const rule = (id: string, needs: string[]) =>
      ({ id, label: 'question', strength: 'weak', confidence: 0.5, needs, pattern: /./ }) as const;
    const rules = [rule('dot', ['a.b']), rule('mark', ['?']), rule('none', [])];
    const ids = (text: string) =>
      matchIntentRules(text, { sentiment: 0 }, { rules }).map((h) => h.id);
    expect(ids('axb')).toEqual([]);
    expect(ids('a.b')).toEqual(['dot']);
    expect(ids('why ?')).toEqual(['mark']);
    expect(ids('why')).toEqual([]);
  });

  it('rules with flags of their own are matched one by one, not through the shared scan', () => {
    const rules = [
      { id: 'a', label: 'praise', strength: 'strong', confidence: 0.9, pattern: /\bLOVE IT\b/i },
      { id: 'b', label: 'complaint', strength: 'weak', confidence: 0.6, pattern: /\bbroken\b/ },
    ] as const;
    expect(matchIntentRules('i love it', { sentiment: 0 }, { rules }).map((h) => h.id)).toEqual([
      'a',
    ]);
    expect(matchIntentRules('it is broken', { sentiment: 0 }, { rules }).map((h) => h.id)).toEqual([
      'b',
    ]);
    expect(matchIntentRules('all fine', { sentiment: 0 }, { rules })).toEqual([]);
  });

  it('every rule has a unique id and a confidence in (0, 1)', () => {
    expect(new Set(INTENT_RULES.map((r) => r.id)).size).toBe(INTENT_RULES.length);
    for (const r of INTENT_RULES) {
      expect(r.confidence).toBeGreaterThan(0);
      expect(r.confidence).toBeLessThan(1);
    }
  });
});

describe('rules combined with the classifier', () => {
  it('when a strong rule fires, it decides and its confidence is at least the rule precision', () => {
    const r = intentOf('cancelling my subscription today');
    expect(r.source).toBe('rule:churn.cancel-account');
    expect(r.confidence).toBeGreaterThanOrEqual(0.9);
    expect(r.confidence).toBeLessThanOrEqual(0.99);
  });

  it.each([
    ['the staff were lovely and the room was spotless', 'praise'],
    ['the driver left my food at the wrong house and it was cold', 'complaint'],
    ['Acme opens a new store in Leeds next month', 'other'],
  ])('when no strong rule fires, the classifier decides: "%s" → %s', (text, label) => {
    const r = intentOf(text);
    expect(r.source).toBe('classifier');
    expect(r.label).toBe(label);
    expect(r.confidence).toBeGreaterThan(0);
    expect(r.confidence).toBeLessThanOrEqual(0.99);
  });

  it('when the text is empty, the intent is other', () => {
    expect(intentOf('')).toMatchObject({ label: 'other', source: 'empty' });
  });
});

describe('the fast intent path', () => {
  it.each([
    'The app keeps crashing since the update, not happy 😡 #fail',
    "Don't get me wrong, the crew were lovely. But 3 hours late?!",
    'where can I buy the new one? need it before friday 🙏',
    '',
    'ok',
  ])('gives the same probabilities as the training features for "%s"', async (text) => {
    const { normalizeText } = await import('../../src/domain/normalize.ts');
    const { intentFeatures, predictIntent, predictIntentForText } =
      await import('../../src/domain/intent-model.ts');
    const norm = normalizeText(text, model.normalize);
    const fast = predictIntentForText(model.intent.model, norm, -0.4, model.intent);
    const slow = predictIntent(model.intent.model, intentFeatures(norm, -0.4, model.intent));
    fast.forEach((p, i) => expect(p).toBeCloseTo(slow[i]!, 12));
  });
});
