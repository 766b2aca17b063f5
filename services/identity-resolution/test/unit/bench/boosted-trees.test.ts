import { describe, expect, it } from 'vitest';
import {
  matrixOf,
  predictProbability,
  splitPoints,
  trainBoostedTrees,
  type TreeOptions,
} from '../../../bench/boosted-trees.ts';

const ONE_STUMP: TreeOptions = {
  trees: 1,
  depth: 1,
  learningRate: 1,
  minLeaf: 1,
  lambda: 0,
  bins: 64,
};

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

describe('splitPoints', () => {
  it('when a column has few distinct values, splits between each of them', () => {
    expect(splitPoints(Float64Array.from([3, 1, 2, 2]), 64)).toEqual([1, 2]);
  });

  it('when it has more distinct values than bins, splits at its quantiles', () => {
    const values = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect(splitPoints(values, 3)).toEqual([26, 51, 76]);
  });

  it('when a column is constant, has no split point', () => {
    expect(splitPoints(Float64Array.from([7, 7, 7]), 64)).toEqual([]);
  });
});

describe('trainBoostedTrees', () => {
  it('without a split, predicts the base rate', () => {
    const model = trainBoostedTrees(matrixOf([[0], [1], [2], [3]]), [1, 0, 0, 0], {
      ...ONE_STUMP,
      depth: 0,
    });
    expect(model.base).toBeCloseTo(Math.log(1 / 3), 12);
    for (const x of [0, 1, 5]) expect(predictProbability(model, [x])).toBeCloseTo(0.25, 12);
  });

  it('one Newton step on a stump gives leaves of -G/H', () => {
    // p = 0.5 everywhere: g = ±0.5, h = 0.25; each leaf holds two rows of one label.
    const model = trainBoostedTrees(matrixOf([[0], [0], [1], [1]]), [0, 0, 1, 1], ONE_STUMP);
    expect(model.base).toBe(0);
    expect(predictProbability(model, [0])).toBeCloseTo(sigmoid(-2), 12);
    expect(predictProbability(model, [1])).toBeCloseTo(sigmoid(2), 12);
    // Values between the training values go where the split point (0) sends them.
    expect(predictProbability(model, [0.5])).toBeCloseTo(sigmoid(2), 12);
    expect(predictProbability(model, [-3])).toBeCloseTo(sigmoid(-2), 12);
  });

  it('when a leaf would hold fewer rows than minLeaf, does not split', () => {
    const model = trainBoostedTrees(matrixOf([[0], [0], [1], [1]]), [0, 0, 1, 1], {
      ...ONE_STUMP,
      minLeaf: 3,
    });
    expect(predictProbability(model, [0])).toBeCloseTo(0.5, 12);
    expect(predictProbability(model, [1])).toBeCloseTo(0.5, 12);
  });

  it('learns an interaction no single feature shows (exclusive or)', () => {
    const rows: number[][] = [];
    const labels: number[] = [];
    const add = (x0: number, x1: number, times: number) => {
      for (let i = 0; i < times; i++) {
        rows.push([x0, x1]);
        labels.push(x0 ^ x1);
      }
    };
    add(0, 0, 10);
    add(0, 1, 10);
    add(1, 0, 10);
    add(1, 1, 20);
    const model = trainBoostedTrees(matrixOf(rows), labels, {
      trees: 50,
      depth: 2,
      learningRate: 0.3,
      minLeaf: 1,
      lambda: 1,
      bins: 64,
    });
    expect(predictProbability(model, [0, 1])).toBeGreaterThan(0.95);
    expect(predictProbability(model, [1, 0])).toBeGreaterThan(0.95);
    expect(predictProbability(model, [0, 0])).toBeLessThan(0.05);
    expect(predictProbability(model, [1, 1])).toBeLessThan(0.05);
  });
});
