import { describe, expect, it } from 'vitest';
import type { CustomerProblem } from '../../src/domain/customer.ts';
import {
  attributesOf,
  completeNames,
  phonesOf,
  textOf,
  valueOf,
} from '../../src/domain/customer-fields.ts';

describe('completeNames', () => {
  it.each([
    ['Doe, Jane', null, null, { firstName: 'Jane', lastName: 'Doe', fullName: 'Doe, Jane' }],
    [
      'Jane  Mary Doe',
      null,
      null,
      { firstName: 'Jane', lastName: 'Mary Doe', fullName: 'Jane  Mary Doe' },
    ],
    [null, 'Jane', 'Doe', { firstName: 'Jane', lastName: 'Doe', fullName: 'Jane Doe' }],
    [null, null, null, { firstName: null, lastName: null, fullName: null }],
  ])(
    'when the full name is %j and first/last are %j/%j, it completes them',
    (full, first, last, want) => {
      expect(completeNames(first, last, full)).toEqual(want);
    },
  );

  it('when first or last is given, the full name is not split', () => {
    expect(completeNames('Jane', null, 'Someone Else')).toEqual({
      firstName: 'Jane',
      lastName: null,
      fullName: 'Someone Else',
    });
  });
});

describe('field rules', () => {
  it('when text is longer than 256 characters, it is a too_long problem and null', () => {
    const problems: CustomerProblem[] = [];
    expect(textOf('x'.repeat(257), 'city', problems)).toBeNull();
    expect(problems.map((p) => [p.field, p.reason])).toEqual([['city', 'too_long']]);
    expect(textOf('  ', 'city', problems)).toBeNull();
  });

  it.each([
    ['', null, 0],
    [' 12.5 ', 12.5, 0],
    ['abc', null, 1],
    [1e30, null, 1],
  ])('when the value is %j, it reads %j with %i problems', (v, want, n) => {
    const problems: CustomerProblem[] = [];
    expect(valueOf(v, problems)).toBe(want);
    expect(problems).toHaveLength(n);
  });

  it('when phones are short, they are dropped without a problem', () => {
    expect(phonesOf('+44 20 7946 0958;123')).toEqual(['+442079460958']);
  });

  it('when attributes are not an object, it is one problem; empty values are dropped', () => {
    const problems: CustomerProblem[] = [];
    expect(attributesOf(['a'], problems)).toEqual({});
    expect(attributesOf({ dob: ' 1990-01-01 ', website: '', Bad: 'x' }, problems)).toEqual({
      dob: '1990-01-01',
    });
    expect(problems.map((p) => p.message)).toEqual([
      'attributes must be an object of at most 64 text values',
      'attribute name "Bad" must be 1-64 lower-case letters, digits or _',
    ]);
  });
});
