import { describe, expect, it } from 'vitest';
import { csvRowToPost, mapCsvHeaders } from '../../src/domain/csv-rows.ts';

describe('CSV rows', () => {
  it('maps snake_case, camelCase and dotted headers, and reports unknown ones', () => {
    const { paths, unknown } = mapCsvHeaders([
      'platform',
      'post_id',
      'author.handle',
      'authorFollowers',
      'Created At',
      'likes',
      'mood',
    ]);
    expect(paths).toEqual([
      'platform',
      'id',
      'author.handle',
      'author.followers',
      'createdAt',
      'engagement.likes',
      null,
    ]);
    expect(unknown).toEqual(['mood']);
  });

  it('reads numbers, booleans and epoch-ms cells, and drops empty cells', () => {
    const { paths } = mapCsvHeaders([
      'platform',
      'id',
      'author_id',
      'author_verified',
      'text',
      'created_at',
      'likes',
      'rating',
      'title',
    ]);
    expect(
      csvRowToPost(['x', '1', 'u1', 'yes', 'Acme!', '1763800000000', '12', '4.5', ''], paths),
    ).toEqual({
      platform: 'x',
      id: '1',
      author: { id: 'u1', verified: true },
      text: 'Acme!',
      createdAt: 1763800000000,
      engagement: { likes: 12 },
      rating: 4.5,
    });
  });

  it('passes a cell that does not read as its type on as text, for validation to report', () => {
    const { paths } = mapCsvHeaders(['likes', 'followers']);
    expect(csvRowToPost(['lots', '-3'], paths)).toEqual({
      engagement: { likes: 'lots' },
      author: { followers: -3 },
    });
  });
});
