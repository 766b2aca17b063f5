import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, HarkError, errorCodes, isRetriable } from '../../src/index.ts';

const docs = readFileSync(new URL('../../ERRORS.md', import.meta.url), 'utf8');

describe('error codes', () => {
  it('documents exactly the codes in the code list, with the same retriable flag', () => {
    const documented = new Map(
      [...docs.matchAll(/^\| `(HARK_[A-Z_]+)` \| (yes|no) \|/gm)].map((m) => [
        m[1],
        m[2] === 'yes',
      ]),
    );
    expect([...documented.keys()].sort()).toEqual([...errorCodes].sort());
    for (const code of errorCodes) {
      expect(documented.get(code), code).toBe(ERROR_CODES[code].retriable);
    }
  });

  it('when a code is thrown, the error carries code, default retriable flag and context', () => {
    const cause = new Error('socket hang up');
    const err = new HarkError('HARK_REGISTRY_UNAVAILABLE', undefined, {
      cause,
      context: { url: 'http://x' },
    });
    expect(err.code).toBe('HARK_REGISTRY_UNAVAILABLE');
    expect(err.retriable).toBe(true);
    expect(err.cause).toBe(cause);
    expect(err.toJSON()).toMatchObject({ code: 'HARK_REGISTRY_UNAVAILABLE', url: 'http://x' });
  });

  it.each([
    [new HarkError('HARK_DB_UNAVAILABLE'), true],
    [new HarkError('HARK_DB_UNAVAILABLE', 'x', { retriable: false }), false],
    [new HarkError('HARK_SERDE_DECODE_FAILED'), false],
    [Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), true],
    [Object.assign(new Error('x'), { retriable: true }), true],
    [new TypeError('bug'), false],
  ])('isRetriable(%s) is %s', (err, expected) => {
    expect(isRetriable(err)).toBe(expected);
  });
});

describe('HTTP status of each code', () => {
  it.each(errorCodes)('%s declares an HTTP error status', (code) => {
    const status: unknown = (ERROR_CODES[code] as { httpStatus?: unknown }).httpStatus;
    expect(Number.isInteger(status), `${code} has no httpStatus`).toBe(true);
    expect(status as number).toBeGreaterThanOrEqual(400);
    expect(status as number).toBeLessThan(600);
  });

  it('an error answers its code’s status unless the throw site names another', () => {
    expect(new HarkError('HARK_INGEST_PAYLOAD_TOO_LARGE').statusCode).toBe(413);
    expect(
      new HarkError('HARK_INGEST_BAD_REQUEST', 'no route', { statusCode: 404 }).statusCode,
    ).toBe(404);
  });
});
