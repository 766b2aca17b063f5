import { makeDeadLetter } from '@hark/testing';
import { describe, expect, it } from 'vitest';
import { matchesFilter, replayDecision, summarize } from '../../src/dlq-replay.ts';

const T = Date.UTC(2026, 10, 24, 8, 0, 0);

describe('matchesFilter', () => {
  const dl = makeDeadLetter({ stage: 'metrics-rollup', errorCode: 'HARK_X', failedAt: T });

  it('an empty filter matches everything', () => {
    expect(matchesFilter(dl, {})).toBe(true);
  });

  it('every given field must match', () => {
    expect(matchesFilter(dl, { stage: 'metrics-rollup', errorCode: 'HARK_X' })).toBe(true);
    expect(matchesFilter(dl, { stage: 'metrics-rollup', errorCode: 'HARK_Y' })).toBe(false);
    expect(matchesFilter(dl, { sourceTopic: 'mentions.raw' })).toBe(true);
    expect(matchesFilter(dl, { sourceTopic: 'mentions.scored' })).toBe(false);
  });

  it('since is inclusive and until exclusive', () => {
    expect(matchesFilter(dl, { since: T, until: T + 1 })).toBe(true);
    expect(matchesFilter(dl, { since: T + 1 })).toBe(false);
    expect(matchesFilter(dl, { until: T })).toBe(false);
  });
});

describe('replayDecision', () => {
  it('sends a record read from a topic back to that topic, or to --to', () => {
    const dl = makeDeadLetter({ sourceTopic: 'mentions.raw', sourcePartition: 2, sourceOffset: 9 });
    expect(replayDecision(dl)).toEqual({ replay: true, topic: 'mentions.raw' });
    expect(replayDecision(dl, 'quarantine')).toEqual({ replay: true, topic: 'quarantine' });
  });

  it('never replays what the collector refused at its HTTP API', () => {
    const dl = makeDeadLetter({ sourceTopic: 'http', sourcePartition: -1, sourceOffset: -1 });
    expect(replayDecision(dl)).toEqual({ replay: false, reason: 'not_from_kafka' });
  });

  it('skips a record without a value', () => {
    expect(replayDecision(makeDeadLetter({ value: null }))).toEqual({
      replay: false,
      reason: 'no_value',
    });
  });
});

describe('summarize', () => {
  it('counts per stage, code and source topic, most frequent first, with the latest reason', () => {
    const rows = summarize([
      makeDeadLetter({ stage: 'a', errorCode: 'E1', failedAt: T, errorMessage: 'old' }),
      makeDeadLetter({ stage: 'a', errorCode: 'E1', failedAt: T + 5, errorMessage: 'new' }),
      makeDeadLetter({ stage: 'a', errorCode: 'E1', failedAt: T - 5, errorMessage: 'older' }),
      makeDeadLetter({ stage: 'b', errorCode: 'E1', failedAt: T }),
    ]);
    expect(rows.map((r) => [r.stage, r.count])).toEqual([
      ['a', 3],
      ['b', 1],
    ]);
    expect(rows[0]).toMatchObject({ firstFailedAt: T - 5, lastFailedAt: T + 5, example: 'new' });
  });
});
