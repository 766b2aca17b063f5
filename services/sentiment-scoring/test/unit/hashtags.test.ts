import { describe, expect, it } from 'vitest';
import { createHashtagSplitter, segmentWords, splitHashtag } from '../../src/domain/hashtags.ts';

const dict = new Set([
  'epic',
  'fail',
  'never',
  'again',
  'customer',
  'service',
  'worst',
  'ever',
  'the',
  'love',
  'it',
  'sucks',
]);
const isWord = (w: string) => dict.has(w);

describe('hashtag splitting', () => {
  it.each([
    ['epicfail', ['epic', 'fail']],
    ['customerservice', ['customer', 'service']],
    ['worstserviceever', ['worst', 'service', 'ever']],
    ['acmesucks', ['acme', 'sucks']],
    ['acme', ['acme']],
    ['fail', ['fail']],
    ['therapist', ['therapist']],
  ])('segments %s into %j', (tag, expected) => {
    expect(segmentWords(tag, isWord)).toEqual(expected);
  });

  it.each([
    ['NeverAgain', ['never', 'again']],
    ['EPICFAIL', ['epic', 'fail']],
    ['worst_service_ever', ['worst', 'service', 'ever']],
    ['iPhone15', ['i', 'phone', '15']],
  ])('splits %s into %j', (tag, expected) => {
    expect(splitHashtag(tag, isWord)).toEqual(expected);
  });

  it('memoises results per tag', () => {
    let calls = 0;
    const split = createHashtagSplitter((w) => {
      calls++;
      return dict.has(w);
    });
    split('epicfail');
    const after = calls;
    expect(split('epicfail')).toEqual(['epic', 'fail']);
    expect(calls).toBe(after);
  });
});
