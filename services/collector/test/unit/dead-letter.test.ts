import { describe, expect, it } from 'vitest';
import { collectorDeadLetter } from '../../src/domain/dead-letter.ts';
import { describeErrors, placeErrors, rejectionReason } from '../../src/domain/item-errors.ts';

const source = { kind: 'webhook' as const, name: 'mastodon' };

describe('collector dead letters', () => {
  it('keeps the item as received: bytes as they are, a string as UTF-8, anything else as JSON', () => {
    const at = 1_700_000_000_000;
    const base = { id: 'x:1', source, code: 'HARK_INGEST_INVALID', message: 'text: missing', at };
    const raw = Buffer.from([0xff, 0x00]);
    expect(collectorDeadLetter({ ...base, native: raw }).value).toBe(raw);
    expect(collectorDeadLetter({ ...base, native: 'é' }).value).toEqual(Buffer.from('é'));
    expect(collectorDeadLetter({ ...base, native: { a: 1 } }).value).toEqual(
      Buffer.from('{"a":1}'),
    );
    const letter = collectorDeadLetter({ ...base, id: null, native: null });
    expect(letter).toMatchObject({
      stage: 'collector',
      sourceTopic: 'http',
      sourcePartition: -1,
      sourceOffset: -1,
      key: null,
      value: null,
      errorCode: 'HARK_INGEST_INVALID',
      failedAt: at,
    });
    expect(letter.headers['hark-source-name']).toEqual(Buffer.from('mastodon'));
  });
});

describe('rejected items', () => {
  const rejected = [
    {
      index: 3,
      id: 'x:4',
      line: 7,
      errors: [
        { path: 'createdAt', reason: 'invalid_timestamp' as const, message: 'no zone' },
        { path: '', reason: 'not_public' as const, message: 'gone' },
      ],
    },
    { index: 5, id: null, errors: [] },
  ];

  it('places every problem in its request, with the line only when there is one', () => {
    expect(placeErrors(rejected)).toEqual([
      {
        index: 3,
        id: 'x:4',
        line: 7,
        path: 'createdAt',
        reason: 'invalid_timestamp',
        message: 'no zone',
      },
      { index: 3, id: 'x:4', line: 7, path: '', reason: 'not_public', message: 'gone' },
    ]);
  });

  it('counts an item under its first reason, invalid_value when it has none', () => {
    expect(rejected.map(rejectionReason)).toEqual(['invalid_timestamp', 'invalid_value']);
  });

  it('describes all of an item’s problems in one line', () => {
    expect(describeErrors(rejected[0]!.errors)).toBe(
      'createdAt: invalid_timestamp: no zone; (item): not_public: gone',
    );
  });
});
