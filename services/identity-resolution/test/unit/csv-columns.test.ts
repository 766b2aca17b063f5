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
    expect(unknown).toEqual([]);
    expect(targets).toEqual([
      { field: 'externalId' },
      { field: 'firstName' },
      { field: 'lastName' },
      { field: 'emails' },
      { field: 'region' },
      { field: 'value' },
      { handlePlatform: 'x' },
      { handlePlatform: 'instagram' },
      { attribute: 'favourite_colour' },
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
      attributes: { favourite_colour: 'blue' },
    });
  });

  it('keeps every extra column: date of birth, postcode, street, website under their usual names', () => {
    const header = [
      'id',
      'Name',
      'Date of Birth',
      'ZIP',
      'Street Address',
      'Website',
      'Company',
      'Notes',
    ];
    const { targets, unknown } = mapColumns(header);
    expect(unknown).toEqual([]);
    const draft = draftFromRecord(
      [
        'C9',
        'Ada Byron',
        '1815-12-10',
        '10001',
        '12 Main St',
        'https://byron.example',
        'Analytical',
        '',
      ],
      targets,
    );
    expect(draft).toEqual({
      externalId: 'C9',
      fullName: 'Ada Byron',
      company: 'Analytical',
      attributes: {
        dob: '1815-12-10',
        postcode: '10001',
        street: '12 Main St',
        website: 'https://byron.example',
      },
    });
  });

  it('when the header has no external id column, it says so', () => {
    expect(mapColumns(['name', 'email']).problems).toHaveLength(1);
  });
});
