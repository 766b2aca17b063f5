import { describe, expect, it } from 'vitest';
import { findNul } from '../../src/domain/find-nul.ts';

describe('findNul', () => {
  it.each([
    [{ externalId: 'C\u00001' }, 'params', 'params/externalId'],
    [{ customers: [{ a: 'ok' }, { lastName: 'x\u0000' }] }, 'body', 'body/customers/1/lastName'],
    [{ 'k\u0000': 1 }, 'body', 'body/k\\u0000'],
    ['\u0000', 'body', 'body'],
  ])('finds the NUL in %j', (value, root, path) => {
    expect(findNul(value, root)).toBe(path);
  });

  it('finds nothing in clean input', () => {
    expect(findNul({ a: ['b', { c: 1, d: null }] }, 'body')).toBeUndefined();
  });
});
