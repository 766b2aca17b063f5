import { describe, expect, it } from 'vitest';
import { mapColumns } from '../../src/domain/csv-columns.ts';
import { readCustomerRow } from '../../src/domain/csv-rows.ts';

const { targets } = mapColumns(['external_id', 'first_name', 'last_name', 'email', 'value']);

describe('readCustomerRow', () => {
  it('when a row is valid, it answers the customer', () => {
    const row = readCustomerRow(['c-1', 'Jane', 'Doe', 'JANE@example.org', '12'], targets, 2);
    expect(row).toMatchObject({
      ok: true,
      customer: {
        externalId: 'c-1',
        fullName: 'Jane Doe',
        emails: ['jane@example.org'],
        value: 12,
      },
    });
  });

  it('when a row has the wrong number of fields, it is malformed at its line', () => {
    expect(readCustomerRow(['c-1', 'Jane'], targets, 7)).toEqual({
      ok: false,
      error: {
        line: 7,
        externalId: null,
        field: 'row',
        reason: 'malformed_row',
        message: 'expected 5 fields, got 2',
      },
    });
  });

  it('when a row has several problems, it is refused under the first with every message', () => {
    const row = readCustomerRow(['c-2', '', '', 'not-an-email', 'lots'], targets, 3);
    expect(row).toEqual({
      ok: false,
      error: {
        line: 3,
        externalId: 'c-2',
        field: 'emails',
        reason: 'invalid_email',
        message:
          '"not-an-email" is not an e-mail address; a customer needs a first, last or full name, or an e-mail; value must be a number, got "lots"',
      },
    });
  });

  it('when the external id is empty, the error carries null', () => {
    const row = readCustomerRow(['', 'Jane', 'Doe', '', ''], targets, 4);
    expect(row.ok ? null : row.error.externalId).toBeNull();
  });
});
