import { describe, expect, it } from 'vitest';
import {
  decodeWeights,
  encodeWeights,
  linearLogits,
  sigmoid,
  softmaxInPlace,
  trainLinearModel,
  type TrainExample,
} from '../../src/domain/linear-model.ts';

const ex = (idx: number[], y: number): TrainExample => ({
  idx: Int32Array.from(idx),
  val: Float32Array.from(idx.map(() => 1)),
  y,
});

describe('linear model', () => {
  it('when each class has its own feature, training separates them', () => {
    const data = [ex([0, 3], 0), ex([1, 3], 1), ex([2, 3], 2)];
    const m = trainLinearModel([...data, ...data, ...data], 3, 8, {
      epochs: 30,
      learningRate: 0.5,
      l2: 0,
      seed: 1,
    });
    for (const e of data) {
      const z = linearLogits(m, { idx: [...e.idx], val: [...e.val] }, [0, 0, 0]);
      expect(z.indexOf(Math.max(...z))).toBe(e.y);
    }
  });

  it('a logistic head learns a positive and a negative feature', () => {
    const data = [ex([0], 1), ex([1], 0)];
    const m = trainLinearModel([...data, ...data], 1, 4, {
      epochs: 50,
      learningRate: 0.5,
      l2: 0,
      seed: 2,
    });
    expect(sigmoid(linearLogits(m, { idx: [0], val: [1] }, [0])[0]!)).toBeGreaterThan(0.9);
    expect(sigmoid(linearLogits(m, { idx: [1], val: [1] }, [0])[0]!)).toBeLessThan(0.1);
  });

  it('training is deterministic for a seed', () => {
    const data = [ex([0, 1], 0), ex([1, 2], 1), ex([2, 3], 2), ex([3, 0], 1)];
    const p = { epochs: 5, learningRate: 0.1, l2: 1e-4, seed: 7 };
    expect(trainLinearModel(data, 3, 4, p).weights).toEqual(
      trainLinearModel(data, 3, 4, p).weights,
    );
  });

  it('weights survive the int16 round trip within one quantisation step', () => {
    const w = Float32Array.from([0.5, -1.25, 0, 3e-3, -2]);
    const enc = encodeWeights(w);
    const back = decodeWeights(enc, w.length);
    w.forEach((v, i) => expect(Math.abs(back[i]! - v)).toBeLessThanOrEqual(enc.scale));
  });

  it('softmax sums to 1 and keeps the order', () => {
    const p = softmaxInPlace([1, 3, 2]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(p[1]!).toBeGreaterThan(p[2]!);
    expect(p[2]!).toBeGreaterThan(p[0]!);
  });
});
