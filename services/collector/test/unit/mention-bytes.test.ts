import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mentionBytesLines, type MentionBytesInput } from './mention-bytes.ts';

// Committed bodies and the answers and Avro bytes the code before the issue-20 CPU work made
// of them (test/fixtures/mention-bytes/make.ts says how they were generated).
const dir = new URL('../fixtures/mention-bytes/', import.meta.url);
const input = JSON.parse(readFileSync(new URL('input.json', dir), 'utf8')) as MentionBytesInput;
const expected = readFileSync(new URL('expected.txt', dir), 'utf8').trimEnd().split('\n');

describe('mention bytes', () => {
  it('holds accepted, unmatched and refused items of every kind', () => {
    const kinds = (k: string) => expected.filter((l) => l.split(' ')[1] === k).length;
    expect(kinds('avro')).toBeGreaterThan(250);
    expect(kinds('rejected')).toBeGreaterThan(10);
    expect(expected.some((l) => l.includes('"status":"unmatched"'))).toBe(true);
    expect(kinds('body')).toBe(2);
  });

  it('when the committed bodies go through validation, matching, minimisation and Avro, answers, errors and bytes are as before', () => {
    expect(mentionBytesLines(input)).toEqual(expected);
  });
});
