import { describe, expect, it } from 'vitest';
import { prepareCompliance } from '../../../src/domain/compliance/prepare-compliance.ts';

const now = Date.parse('2026-11-24T10:00:00Z');
const ctx = { now, maxFutureSkewMs: 3_600_000, source: 'webhook:mastodon' };
const deletion = (postId: string) => ({
  native: { postId },
  item: { kind: 'post_deleted', platform: 'x', postId },
});

describe('prepareCompliance', () => {
  it('stamps valid events with the receipt time and source, and produces a repeated event once', () => {
    const out = prepareCompliance(
      [{ entry: deletion('1') }, { entry: deletion('1') }, { entry: deletion('2') }],
      ctx,
    );
    expect(out.events.map((e) => [e.index, e.key])).toEqual([
      [0, 'x:1'],
      [1, 'x:1'],
      [2, 'x:2'],
    ]);
    expect(out.events[0]!.event).toMatchObject({ receivedAt: now, source: 'webhook:mastodon' });
    expect(out.unique.map((e) => e.event.eventId)).toEqual([
      'post_deleted:x:1',
      'post_deleted:x:2',
    ]);
    expect(out.rejected).toEqual([]);
  });

  it('when an item is invalid or could not be read, it is rejected with its line and native item', () => {
    const unreadable = {
      native: '{',
      error: { path: '', reason: 'malformed_json' as const, message: 'not JSON' },
    };
    const erasure = { native: { kind: 'erasure' }, item: { kind: 'erasure', platform: 'x' } };
    const out = prepareCompliance(
      [
        { entry: unreadable, line: 1 },
        { entry: erasure, line: 2 },
      ],
      ctx,
    );
    expect(out.events).toEqual([]);
    expect(out.rejected.map((r) => [r.index, r.line, r.native, r.errors[0]!.reason])).toEqual([
      [0, 1, '{', 'malformed_json'],
      [1, 2, { kind: 'erasure' }, 'invalid_value'],
    ]);
  });
});
