import { randomBytes } from 'node:crypto';
import { HarkError } from '@hark/errors';
import type { Mention, ScoredMention } from '@hark/events';
import {
  createPrivacyMetrics,
  encryptMentionPii,
  encryptMentionPiiFields,
  type DataKey,
  type Keyring,
} from '@hark/privacy';
import { makeMention } from '@hark/testing';
import { Registry } from 'prom-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { bindOutput, createStageHandler } from '@hark/stage-runtime';
import { createScoringHandler } from '../../src/adapters/scoring-handler.ts';
import { createScoringMetrics, type ScoringMetrics } from '../../src/adapters/scoring-metrics.ts';
import type { ScoringModel } from '../../src/domain/model.ts';
import { scoredMentionKey, scoreMention } from '../../src/domain/score-mention.ts';
import { testModel } from './model.ts';

let model: ScoringModel;
beforeAll(async () => {
  model = await testModel();
});

const NOW = Date.UTC(2026, 10, 20, 9, 31, 0);

describe('scoreMention', () => {
  it('adds sentiment, intent and scoredAt and keeps the mention as collected', () => {
    const mention = makeMention();
    const scored = scoreMention(mention, model, NOW);
    expect(scored.mention).toBe(mention);
    expect(scored.scoredAt).toBe(NOW);
    expect(scored.sentiment).toMatchObject({
      label: 'negative',
      lang: 'en',
      model: 'hark-social-en@2',
    });
    expect(scored.sentiment.score).toBeLessThan(-0.25);
    expect(scored.intent).toMatchObject({ label: 'complaint', model: 'hark-intent@1' });
    expect(scored.intent.confidence).toBeGreaterThan(0.5);
  });

  it('keys by platform and author id', () => {
    expect(scoredMentionKey(makeMention({ platform: 'reddit' }))).toBe('reddit:2244994945');
  });

  it('when the mention has a title, the title is scored with the text', () => {
    const m = makeMention({
      kind: 'review',
      title: 'Worst hotel ever',
      text: 'We stayed two nights in June.',
      keywords: [],
    });
    expect(scoreMention(m, model, NOW).sentiment.label).toBe('negative');
  });

  it('when a tracked brand name carries sentiment, it does not count', () => {
    const m = makeMention({
      text: 'Ordered from Best Buy today',
      brands: ['bestbuy'],
      keywords: ['best buy'],
    });
    const plain = makeMention({ text: 'Ordered from today', brands: ['x'], keywords: [] });
    expect(scoreMention(m, model, NOW).sentiment).toEqual(
      scoreMention(plain, model, NOW).sentiment,
    );
    const unmasked = makeMention({ text: 'Ordered from Best Buy today', keywords: [] });
    expect(scoreMention(unmasked, model, NOW).sentiment.score).toBeGreaterThan(
      scoreMention(m, model, NOW).sentiment.score,
    );
  });

  it('when the platform tags the language and the text is too short to tell, the tag decides', () => {
    const m = makeMention({ text: 'top!', lang: 'nl', keywords: [] });
    expect(scoreMention(m, model, NOW).sentiment.lang).toBe('nl');
  });

  it('when the text is empty, it scores neutral with intent other', () => {
    const scored = scoreMention(makeMention({ text: '', keywords: [] }), model, NOW);
    expect(scored.sentiment).toMatchObject({ score: 0, label: 'neutral' });
    expect(scored.intent.label).toBe('other');
  });

  it('is a pure function: the same mention scores the same', () => {
    const m = makeMention();
    expect(scoreMention(m, model, NOW)).toEqual(scoreMention(m, model, NOW));
  });
});

/** The handler behind the runtime's boundary, as main.ts declares it: text and title opened. */
function scoringStage(deps: {
  encode: (value: ScoredMention) => Buffer;
  keyring?: Pick<Keyring, 'keysForRead'>;
  metrics?: ScoringMetrics;
  registry?: Registry;
}) {
  const erased = deps.registry ? createPrivacyMetrics(deps.registry).erased : undefined;
  return createStageHandler({
    input: {
      name: 'mentions',
      topic: 'mentions.raw',
      event: 'Mention',
      personal: { fields: ['text', 'title'], mentionOf: (m: Mention) => m },
      handle: createScoringHandler({ model, metrics: deps.metrics, now: () => NOW }),
    },
    // As main.ts declares it; these records carry no consumed bytes, so each is encoded in full.
    outputs: {
      scored: bindOutput({
        topic: 'mentions.scored',
        event: 'ScoredMention',
        extends: 'Mention',
        encoder: { schemaId: 1, subject: 'mentions.scored-value', encode: deps.encode as never },
      }),
    },
    // Records without envelopes need no key: an empty keyring opens them as they are.
    keyring: deps.keyring ?? { keysForRead: async () => new Map() },
    onErased: (n) => erased?.inc({ stage: 'sentiment-scoring' }, n),
  });
}

describe('scoring batch handler', () => {
  const record = (text: string, offset: string) => ({
    topic: 'mentions.raw',
    partition: 0,
    offset,
    key: Buffer.from(`x:${offset}`),
    value: makeMention({ postId: offset, text }),
    headers: {},
    timestamp: String(NOW),
  });

  it('turns each record into one output keyed platform:authorId and counts labels', async () => {
    const registry = new Registry();
    const metrics = createScoringMetrics(registry, { sentiment: 's@1', intent: 'i@1' });
    const encoded: ScoredMention[] = [];
    const handle = scoringStage({
      encode: (v) => (encoded.push(v), Buffer.from(v.mention.postId)),
      metrics,
    });
    const result = await handle([record('love it 😍', '1'), record('broken again 😡', '2')]);
    expect(result.outputs.map((o) => [o.topic, o.key, o.value!.toString()])).toEqual([
      ['mentions.scored', 'x:2244994945', '1'],
      ['mentions.scored', 'x:2244994945', '2'],
    ]);
    expect(result.failures).toEqual([]);
    expect(encoded.map((e) => e.sentiment.label)).toEqual(['positive', 'negative']);
    const text = await registry.metrics();
    expect(text).toContain('hark_scoring_mentions_total{sentiment="positive"');
    expect(text).toContain('hark_scoring_model_info{sentiment_model="s@1",intent_model="i@1"} 1');
  });

  it('counts a batch once per label set: two positives and a negative', async () => {
    const registry = new Registry();
    const metrics = createScoringMetrics(registry, { sentiment: 's@1', intent: 'i@1' });
    const handle = scoringStage({ encode: () => Buffer.from('x'), metrics });
    await handle([
      record('love it 😍', '1'),
      record('broken again 😡', '2'),
      record('love it 😍', '3'),
    ]);
    await handle([record('love it 😍', '4')]);
    const text = await registry.metrics();
    expect(text).toMatch(/hark_scoring_mentions_total\{sentiment="positive",[^}]*\} 3\n/);
    expect(text).toMatch(/hark_scoring_mentions_total\{sentiment="negative",[^}]*\} 1\n/);
    expect(text).toMatch(/hark_scoring_languages_total\{lang="en"[^}]*\} 4\n/);
  });

  it('when encoding a record fails, only that record is a failure, with its HarkError code', async () => {
    const handle = scoringStage({
      encode: (v) => {
        if (v.mention.postId === '2') throw new HarkError('HARK_SERDE_ENCODE_FAILED', 'bad value');
        return Buffer.from('ok');
      },
    });
    const result = await handle([record('fine', '1'), record('fine', '2'), record('fine', '3')]);
    expect(result.outputs).toHaveLength(2);
    expect(result.failures!.map((f) => [f.record.offset, f.error.code])).toEqual([
      ['2', 'HARK_SERDE_ENCODE_FAILED'],
    ]);
  });

  it('when scoring throws a plain error, the record fails with HARK_STAGE_PROCESSING_FAILED', async () => {
    const handle = scoringStage({ encode: () => Buffer.from('ok') });
    const broken = {
      ...record('fine', '9'),
      value: { ...makeMention(), text: null as unknown as string },
    };
    const result = await handle([broken]);
    expect(result.failures![0]!.error.code).toBe('HARK_STAGE_PROCESSING_FAILED');
    expect(result.failures![0]!.error.message).toMatch(/^scoring failed/);
  });

  it('when mentions are encrypted, it scores the clear text, keeps the output encrypted, drops erased authors and dead-letters tampered ones', async () => {
    const live: DataKey = {
      keyId: 'L'.repeat(21) + 'A',
      authorRef: 'x:live',
      key: randomBytes(32),
    };
    const gone: DataKey = {
      keyId: 'G'.repeat(21) + 'A',
      authorRef: 'x:gone',
      key: randomBytes(32),
    };
    const keys = new Map<string, DataKey | null>([
      [live.keyId, live],
      [gone.keyId, null],
    ]);
    const keyring = { keysForRead: async () => keys };
    const registry = new Registry();
    const encoded: ScoredMention[] = [];
    const handle = scoringStage({
      encode: (v) => (encoded.push(v), Buffer.from('ok')),
      keyring,
      registry,
    });
    const enc = (offset: string, text: string, k: DataKey) => {
      const r = record(text, offset);
      return { ...r, value: encryptMentionPii(r.value, k) };
    };
    const good = enc('1', 'I love this, best router ever 😍', live);
    const erased = enc('2', 'terrible', gone);
    const tampered = enc('3', 'fine', live);
    const flipped = Buffer.from(tampered.value.sealed!);
    flipped[flipped.length - 20]! ^= 1;
    tampered.value = { ...tampered.value, sealed: flipped };
    // A record sealed field by field before hk2 (still within retention) scores the same way.
    const old = record('I love this, best router ever 😍', '4');
    old.value = encryptMentionPiiFields(old.value, live);
    const result = await handle([good, erased, tampered, old]);
    expect(result.outputs).toHaveLength(2);
    expect(encoded[0]!.mention).toEqual(good.value);
    expect(encoded[1]!.mention).toEqual(old.value);
    expect(encoded[1]!.sentiment).toEqual(encoded[0]!.sentiment);
    const clear = scoreMention(record('I love this, best router ever 😍', '1').value, model, NOW);
    expect(encoded[0]!.sentiment).toEqual(clear.sentiment);
    expect(encoded[0]!.intent).toEqual(clear.intent);
    expect(result.failures!.map((f) => [f.record.offset, f.error.code])).toEqual([
      ['3', 'HARK_PRIVACY_CIPHERTEXT_INVALID'],
    ]);
    expect(await registry.metrics()).toContain(
      'hark_privacy_erased_records_total{stage="sentiment-scoring"} 1',
    );
  });
});
