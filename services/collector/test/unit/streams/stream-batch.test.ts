import { describe, expect, it } from 'vitest';
import { countBatchEvents, emptyBatch } from '../../../src/domain/streams/stream-batch.ts';

describe('countBatchEvents', () => {
  it('counts each outcome of a batch and leaves the empty ones out', () => {
    const batch = { ...emptyBatch(null), ignored: 3, unmatched: 7 };
    batch.posts.push({ native: 'x', error: { path: '', reason: 'malformed_json', message: 'm' } });
    expect(countBatchEvents(batch)).toEqual([
      ['post', 1],
      ['ignored', 3],
      ['unmatched', 7],
    ]);
  });

  it('when the batch is empty, there is nothing to count', () => {
    expect(countBatchEvents(emptyBatch(null))).toEqual([]);
  });
});
