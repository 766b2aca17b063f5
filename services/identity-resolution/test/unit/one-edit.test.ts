import { describe, expect, it } from 'vitest';
import { isOneEdit } from '../../src/domain/one-edit.ts';

describe('isOneEdit', () => {
  it.each([
    ['john', 'jogn', 'a letter substituted'],
    ['john', 'jon', 'a letter deleted'],
    ['jon', 'john', 'a letter inserted'],
    ['mary', 'mray', 'two neighbours swapped'],
    ['gurnett', 'gurnettx', 'a letter added at the end'],
    ['john', 'xohn', 'the first letter substituted'],
  ])('%s and %s are one edit apart (%s)', (a, b) => {
    expect(isOneEdit(a, b)).toBe(true);
  });

  it.each([
    ['john', 'john', 'equal strings'],
    ['john', 'joan', 'is one edit'],
    ['gumett', 'gurnett', 'two edits'],
    ['mary', 'yram', 'a reversal'],
    ['jo', 'john', 'two letters missing'],
    ['abcd', 'badc', 'two swaps'],
  ])('%s and %s: %s', (a, b, what) => {
    expect(isOneEdit(a, b)).toBe(what === 'is one edit');
  });
});
