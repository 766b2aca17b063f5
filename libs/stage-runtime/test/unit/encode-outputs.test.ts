import { HarkError } from '@hark/errors';
import type { StageRecord } from '@hark/kafka';
import { describe, expect, it } from 'vitest';
import { encodeOutputs, type BoundOutput } from '../../src/encode-outputs.ts';

const record = (offset: string): StageRecord<unknown> => ({
  topic: 'in',
  partition: 0,
  offset,
  key: null,
  value: {},
  headers: {},
  timestamp: '0',
});

const bound: Record<string, BoundOutput> = {
  scored: {
    topic: 'mentions.scored',
    encode: ((v: { id: string }) => {
      if (v.id === 'bad') throw new HarkError('HARK_SERDE_ENCODE_FAILED', 'does not fit');
      if (v.id === 'down') throw new HarkError('HARK_REGISTRY_UNAVAILABLE', 'registry down');
      return Buffer.from(v.id);
    }) as (v: never) => Buffer,
  },
};

describe('encodeOutputs', () => {
  it('encodes each output with its declared topic and encoder; a null value stays a tombstone', () => {
    const failures: { record: StageRecord<unknown>; error: HarkError }[] = [];
    const records = encodeOutputs(
      [
        { output: 'scored', key: 'k1', value: { id: 'a' }, headers: { h: 'v' } },
        { output: 'scored', key: 'k2', value: null },
      ],
      bound,
      failures,
    );
    expect(records).toEqual([
      { topic: 'mentions.scored', key: 'k1', value: Buffer.from('a'), headers: { h: 'v' } },
      { topic: 'mentions.scored', key: 'k2', value: null, headers: undefined },
    ]);
    expect(failures).toEqual([]);
  });

  it('when a value does not encode, the record it came from fails and the others go on', () => {
    const failures: { record: StageRecord<unknown>; error: HarkError }[] = [];
    const records = encodeOutputs(
      [
        { output: 'scored', key: 'k1', value: { id: 'bad' }, from: record('1') },
        { output: 'scored', key: 'k2', value: { id: 'b' }, from: record('2') },
      ],
      bound,
      failures,
    );
    expect(records.map((r) => r.key)).toEqual(['k2']);
    expect(failures.map((f) => [f.record.offset, f.error.code])).toEqual([
      ['1', 'HARK_SERDE_ENCODE_FAILED'],
    ]);
  });

  it('when a value without a source record does not encode, the batch fails', () => {
    expect(() =>
      encodeOutputs([{ output: 'scored', key: 'k', value: { id: 'bad' } }], bound, []),
    ).toThrow(/does not fit/);
  });

  it('when the failure is retriable, it throws even with a source record, so the batch retries', () => {
    expect(() =>
      encodeOutputs(
        [{ output: 'scored', key: 'k', value: { id: 'down' }, from: record('1') }],
        bound,
        [],
      ),
    ).toThrow(/registry down/);
  });

  it('when an output was not declared, it throws non-retriable before anything is produced', () => {
    try {
      encodeOutputs([{ output: 'nope', key: 'k', value: {} }], bound, []);
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'HARK_STAGE_PROCESSING_FAILED', retriable: false });
    }
  });
});
