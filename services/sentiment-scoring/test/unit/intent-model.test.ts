import { describe, expect, it } from 'vitest';
import {
  fitTemperature,
  fromModelFile,
  predictIntent,
  softmax,
  toModelFile,
  trainIntentModel,
  type LabeledFeatures,
} from '../../src/domain/intent-model.ts';

const examples: LabeledFeatures[] = [
  ...Array.from({ length: 20 }, (_, i) => ({
    features: ['w:broken', `w:x${i % 3}`, 's:neg2'],
    label: 'complaint' as const,
  })),
  ...Array.from({ length: 20 }, (_, i) => ({
    features: ['w:thank', `w:x${i % 3}`, 's:pos2'],
    label: 'praise' as const,
  })),
  ...Array.from({ length: 20 }, (_, i) => ({
    features: ['p:?', 'f:how', `w:x${i % 3}`],
    label: 'question' as const,
  })),
];
const params = { epochs: 10, learningRate: 0.3, l2: 1e-4, minCount: 2, seed: 1 };
const training = {
  examples: 60,
  features: 0,
  dataSha256: 'x',
  heldOutAccuracy: 1,
  heldOutMacroF1: 1,
  params,
};

describe('intent classifier', () => {
  it('learns separable features', () => {
    const m = trainIntentModel(examples, params);
    const p = predictIntent(m, ['w:broken', 's:neg2']);
    expect(m.labels[p.indexOf(Math.max(...p))]).toBe('complaint');
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });

  it('is deterministic for the same data and seed', () => {
    const a = toModelFile(trainIntentModel(examples, params), training);
    const b = toModelFile(trainIntentModel(examples, params), training);
    expect(a).toEqual(b);
  });

  it('drops features seen fewer than minCount times', () => {
    const m = trainIntentModel([...examples, { features: ['w:once'], label: 'other' }], params);
    expect(m.weights.has('w:once')).toBe(false);
  });

  it('round-trips through the model file', () => {
    const m = trainIntentModel(examples, params);
    const back = fromModelFile(JSON.parse(JSON.stringify(toModelFile(m, training))));
    const f = ['w:thank', 's:pos2'];
    predictIntent(back, f).forEach((p, i) => expect(p).toBeCloseTo(predictIntent(m, f)[i]!, 3));
  });

  it('never sharpens: the fitted temperature is at least 1', () => {
    const m = trainIntentModel(examples, params);
    expect(fitTemperature(m, examples)).toBeGreaterThanOrEqual(1);
  });

  it('softmax with a higher temperature is flatter', () => {
    const sharp = softmax([2, 0, 0]);
    const soft = softmax([2, 0, 0], 3);
    expect(soft[0]).toBeLessThan(sharp[0]!);
  });

  it.each([
    [null, 'not a JSON object'],
    [{ format: 'other' }, 'unsupported model format'],
    [
      { format: 'hark-intent-logreg', name: 'x', version: 1, labels: ['complaint'] },
      'labels must be exactly',
    ],
    [
      {
        format: 'hark-intent-logreg',
        name: 'x',
        version: 1,
        labels: [
          'complaint',
          'question',
          'praise',
          'suggestion',
          'purchase_intent',
          'churn_risk',
          'other',
        ],
        bias: [0, 0, 0, 0, 0, 0, 0],
        temperature: 1,
        weights: { 'w:a': [1, 2] },
      },
      'weights for feature "w:a"',
    ],
  ])('when the model file is %j, loading fails with "%s"', (doc, message) => {
    expect(() => fromModelFile(doc)).toThrow(message);
  });
});
