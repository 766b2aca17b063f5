import { describe, expect, it } from 'vitest';
import { draftFromRecord, mapColumns } from '../../src/domain/csv-columns.ts';

describe('CSV columns', () => {
  it('maps common CRM export headers and per-platform handle columns', () => {
    const { targets, unknown, problems } = mapColumns([
      'Customer ID',
      'First Name',
      'Surname',
      'E-mail',
      'State',
      'LTV',
      'twitter_handle',
      'handle_instagram',
      'favourite colour',
    ]);
    expect(problems).toEqual([]);
    expect(unknown).toEqual(['favourite colour']);
    expect(targets).toEqual([
      { field: 'externalId' },
      { field: 'firstName' },
      { field: 'lastName' },
      { field: 'emails' },
      { field: 'region' },
      { field: 'value' },
      { handlePlatform: 'x' },
      { handlePlatform: 'instagram' },
      null,
    ]);
    expect(
      draftFromRecord(['C1', 'Jane', 'Doe', 'j@d.co', 'OR', '12', 'jdoe', '', 'blue'], targets),
    ).toEqual({
      externalId: 'C1',
      firstName: 'Jane',
      lastName: 'Doe',
      emails: 'j@d.co',
      region: 'OR',
      value: '12',
      handles: 'x:jdoe',
    });
  });

  it('when the header has no external id column, it says so', () => {
    expect(mapColumns(['name', 'email']).problems).toHaveLength(1);
  });
});
