import { describe, expect, it } from 'vitest';
import { filterSubjects, parseSubjectFilter } from '../../src/domain/list-subjects.ts';

const states = [
  { subject: 'b-value', live: true, deleted: false },
  { subject: 'a-value', live: true, deleted: true },
  { subject: 'a-gone', live: false, deleted: true },
];

describe('GET /subjects filters', () => {
  it.each([
    [{}, ['a-value', 'b-value']],
    [{ subjectPrefix: 'a' }, ['a-value']],
    [{ subjectPrefix: ':*:' }, ['a-value', 'b-value']],
    [{ deleted: true }, ['a-gone', 'a-value', 'b-value']],
    [{ deletedOnly: true }, ['a-gone']],
    [{ deleted: true, offset: 1, limit: 1 }, ['a-value']],
    [{ limit: -1 }, ['a-value', 'b-value']],
    [{ offset: 5 }, []],
  ])('%j → %j', (filter, expected) => {
    expect(filterSubjects(states, filter)).toEqual(expected);
  });

  it('reads the query, and refuses a malformed offset or limit', () => {
    expect(parseSubjectFilter({ deletedOnly: 'TRUE', offset: '2', limit: '-1' })).toEqual({
      subjectPrefix: undefined,
      deleted: false,
      deletedOnly: true,
      offset: 2,
      limit: -1,
    });
    for (const q of [{ offset: '-1' }, { limit: '-2' }, { limit: 'ten' }])
      expect(() => parseSubjectFilter(q)).toThrow(/must be a whole number/);
  });
});
