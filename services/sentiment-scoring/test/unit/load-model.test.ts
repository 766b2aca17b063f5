import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_INTENT_MODEL,
  DEFAULT_SOCIAL_MODEL,
  loadIntentModel,
  loadScoringModel,
  loadSocialModel,
} from '../../src/adapters/load-model.ts';
import { INTENT_LABELS } from '../../src/domain/intent-rules.ts';

const dir = mkdtempSync(join(tmpdir(), 'hark-model-'));

describe('model loading', () => {
  it('loads the bundled, versioned intent model', async () => {
    const m = await loadIntentModel(DEFAULT_INTENT_MODEL);
    expect(m.name).toBe('hark-intent');
    expect(m.version).toBe(1);
    expect([...m.labels].sort()).toEqual([...INTENT_LABELS].sort());
    expect(m.weights.size).toBeGreaterThan(500);
    expect(m.temperature).toBeGreaterThanOrEqual(1);
  });

  it('when the model file is missing, it fails with HARK_MODEL_INVALID', async () => {
    await expect(loadIntentModel(join(dir, 'nope.json'))).rejects.toMatchObject({
      code: 'HARK_MODEL_INVALID',
    });
  });

  it('when the model file is not JSON, it fails with HARK_MODEL_INVALID', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, '{"format":');
    await expect(loadIntentModel(path)).rejects.toMatchObject({ code: 'HARK_MODEL_INVALID' });
  });

  it('when the model file has the wrong shape, the error names the problem', async () => {
    const path = join(dir, 'shape.json');
    writeFileSync(
      path,
      JSON.stringify({ format: 'hark-intent-logreg', name: 'x', version: 1, labels: [] }),
    );
    await expect(loadIntentModel(path)).rejects.toThrow(/labels must be exactly/);
  });

  it('loads only the languages asked for, and always English', async () => {
    const model = await loadScoringModel({ languages: ['es'] });
    expect([...model.languages.keys()].sort()).toEqual(['en', 'es']);
    expect(model.languages.get('en')!.model).toBe('hark-social-en@1');
    expect(model.intent.name).toBe('hark-intent@1');
  });

  it('loads the bundled learned model with its test-split confusion matrix', async () => {
    const m = await loadSocialModel(DEFAULT_SOCIAL_MODEL);
    expect(m.version).toBe(2);
    expect(m.buckets).toBe(2 ** 17);
    expect(m.sentiment.weights).toHaveLength(3 * 2 ** 17);
    expect(m.complaint.weights).toHaveLength(2 ** 17);
    expect(m.complaintThreshold).toBeGreaterThan(0);
    expect(m.confusion.flat().reduce((a, b) => a + b, 0)).toBe(12_284);
    const model = await loadScoringModel({ languages: ['en'] });
    expect(model.social?.sentimentName).toBe('hark-social-en@2');
  });

  it('when the learned model is turned off, English is scored by the lexicon and rules', async () => {
    const model = await loadScoringModel({ languages: ['en'], socialModelPath: false });
    expect(model.social).toBeUndefined();
  });

  it.each([
    ['missing', null, /cannot read social model/],
    ['not JSON', '{"format":', /social model .* is invalid/],
    ['another format', JSON.stringify({ format: 'x' }), /not a hark-social-linear model file/],
    [
      'buckets not a power of two',
      JSON.stringify({ format: 'hark-social-linear', name: 'x', version: 2, buckets: 1000 }),
      /power of two/,
    ],
    [
      'weights of the wrong length',
      JSON.stringify({
        format: 'hark-social-linear',
        name: 'x',
        version: 2,
        buckets: 4,
        sentiment: { bias: [0, 0, 0], scale: 1, data: 'AAAAAA==' },
        complaint: { bias: [0], scale: 1, data: 'AAAAAAAAAAA=', threshold: 0.5 },
        confusion: [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ],
      }),
      /weights hold 2 values, expected 12/,
    ],
  ])(
    'when the learned model file is %s, it fails with HARK_MODEL_INVALID',
    async (name, text, message) => {
      const path = join(dir, `social-${name.replace(/\W+/g, '-')}.json`);
      if (text !== null) writeFileSync(path, text);
      const err = await loadSocialModel(path).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'HARK_MODEL_INVALID' });
      expect((err as Error).message).toMatch(message);
    },
  );
});
