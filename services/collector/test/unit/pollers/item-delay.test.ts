import { describe, expect, it } from 'vitest';
import type { NativeEntry } from '../../../src/domain/platforms/types.ts';
import { itemDelaysSeconds } from '../../../src/domain/pollers/item-delay.ts';

const post = (createdAt: string | number): NativeEntry => ({
  native: {},
  post: { platform: 'x', id: '1', author: { id: 'u' }, text: 't', createdAt },
});

describe('itemDelaysSeconds', () => {
  const collectedAt = Date.UTC(2026, 10, 22, 10, 1);

  it('measures each post from its createdAt to the collection, in seconds', () => {
    expect(
      itemDelaysSeconds([post('2026-11-22T10:00:00Z'), post(collectedAt - 500)], collectedAt),
    ).toEqual([60, 0.5]);
  });

  it('when an item was refused, a date is unreadable or lies in the future, it is left out', () => {
    const refused: NativeEntry = {
      native: {},
      error: { path: '', reason: 'not_public', message: 'gone' },
    };
    expect(
      itemDelaysSeconds([refused, post('yesterday'), post(collectedAt + 1)], collectedAt),
    ).toEqual([]);
  });
});
