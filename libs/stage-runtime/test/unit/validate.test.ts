import { describe, expect, it } from 'vitest';
import { declarationProblems } from '../../src/validate.ts';

const input = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  topic: `${name}.topic`,
  ...extra,
});

describe('declarationProblems', () => {
  it.each([
    ['a well-formed wiring', [input('a'), input('b', { group: 'g.b' })], [], []],
    ['no input', [], [], ['svc declares no input']],
    [
      'two inputs with one name',
      [input('a'), input('a', { group: 'other' })],
      [],
      ['svc: two inputs are named a'],
    ],
    [
      'two inputs in the default group',
      [input('a'), input('b')],
      [],
      ['svc: two inputs consume as group svc-group'],
    ],
    ['an empty topic', [{ name: 'a', topic: '' }], [], ['svc: input a has no topic']],
    [
      'a zero batch size',
      [input('a', { batchSize: 0 })],
      [],
      ['svc: input a batch size must be at least 1'],
    ],
    [
      'two components with one name',
      [input('a')],
      [{ name: 'timer' }, { name: 'timer' }],
      ['svc: two components are named timer'],
    ],
  ])('%s', (_what, inputs, components, expected) => {
    expect(
      declarationProblems('svc', ['out'], { inputs, components }, { groupId: 'svc-group' }),
    ).toEqual(expected);
  });
});
