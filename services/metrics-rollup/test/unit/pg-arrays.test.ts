import { describe, expect, it } from 'vitest';
import { boolArray, numberArray, textArray } from '../../src/adapters/pg-arrays.ts';

const id = <T>(x: T) => x;

describe('PostgreSQL array literals', () => {
  it.each<[string, (string | null)[], string]>([
    ['plain strings are quoted', ['acme', 'x'], '{"acme","x"}'],
    ['null is the bare NULL, the string "NULL" stays a string', [null, 'NULL'], '{NULL,"NULL"}'],
    ['quotes and backslashes are escaped', ['say "hi"', 'a\\b'], '{"say \\"hi\\"","a\\\\b"}'],
    [
      'commas, braces, spaces and newlines need no escape inside quotes',
      ['a, {b}\nc '],
      '{"a, {b}\nc "}',
    ],
    ['NUL cannot be stored and is dropped', ['a\u0000b'], '{"ab"}'],
    ['emoji and accents pass through', ['😡 très'], '{"😡 très"}'],
    ['an empty list', [], '{}'],
    ['an empty string', [''], '{""}'],
  ])('%s', (_what, values, literal) => {
    expect(textArray(values, id)).toBe(literal);
  });

  it('numbers round-trip, including negatives, fractions and nulls', () => {
    expect(numberArray([1, -0.72, 1e21, 0.1 + 0.2, null], id)).toBe(
      '{1,-0.72,1e+21,0.30000000000000004,NULL}',
    );
  });

  it('booleans', () => {
    expect(boolArray([true, false], id)).toBe('{t,f}');
  });
});
