import { describe, expect, it } from 'vitest';
import { validateCustomer } from '../../src/domain/customer.ts';

describe('validateCustomer', () => {
  it('normalises a complete record', () => {
    const v = validateCustomer({
      externalId: ' CRM-1 ',
      firstName: 'Jane',
      lastName: 'Doe',
      emails: 'Jane.Doe@Example.com; jd@work.io',
      phones: '+33 6 12 34 56 78',
      value: '1200.5',
      handles: 'x:@JaneDoe;instagram:jane.doe',
    });
    expect(v).toEqual({
      ok: true,
      customer: expect.objectContaining({
        externalId: 'CRM-1',
        fullName: 'Jane Doe',
        emails: ['jane.doe@example.com', 'jd@work.io'],
        phones: ['+33612345678'],
        value: 1200.5,
        handles: [
          { platform: 'x', handle: 'janedoe' },
          { platform: 'instagram', handle: 'jane.doe' },
        ],
      }),
    });
  });

  it.each([
    ['Jane Doe', 'Jane', 'Doe'],
    ['Doe, Jane', 'Jane', 'Doe'],
    ['Jan van der Berg', 'Jan', 'van der Berg'],
  ])('derives first and last name from the full name %j', (fullName, firstName, lastName) => {
    const v = validateCustomer({ externalId: 'C1', fullName });
    expect(v.ok && v.customer).toMatchObject({ firstName, lastName });
  });

  it.each([
    [{ firstName: 'Jane' }, 'missing_external_id'],
    [{ externalId: 'has space', firstName: 'Jane' }, 'invalid_external_id'],
    [{ externalId: 'C1' }, 'missing_name'],
    [{ externalId: 'C1', firstName: 'Jane', emails: 'nope' }, 'invalid_email'],
    [{ externalId: 'C1', firstName: 'Jane', value: 'lots' }, 'invalid_value'],
    // Beyond what the consumers accept downstream (issue 15): it would be dead-lettered there.
    [{ externalId: 'C1', firstName: 'Jane', value: -1e308 }, 'invalid_value'],
    [{ externalId: 'C1', firstName: 'Jane', value: '2e12' }, 'invalid_value'],
    [{ externalId: 'C1', firstName: 'Jane', handles: 'justahandle' }, 'invalid_handle'],
    [{ externalId: 'C1', firstName: 'x'.repeat(300) }, 'too_long'],
  ])('when %j is wrong, it reports %s', (draft, reason) => {
    const v = validateCustomer(draft);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.problems.map((p) => p.reason)).toContain(reason);
  });

  it('accepts an e-mail alone as enough to match on', () => {
    expect(validateCustomer({ externalId: 'C1', emails: ['a@b.co'] }).ok).toBe(true);
  });

  it('keeps extra attributes as text, and refuses bad names or non-objects', () => {
    const ok = validateCustomer({
      externalId: 'C1',
      lastName: 'Doe',
      attributes: { dob: '1971-06-24', postcode: ' 10001 ', empty: '' },
    });
    expect(ok).toMatchObject({
      ok: true,
      customer: { attributes: { dob: '1971-06-24', postcode: '10001' } },
    });
    const bad = validateCustomer({
      externalId: 'C1',
      lastName: 'Doe',
      attributes: { 'Bad Key': 'x' },
    });
    expect(bad.ok).toBe(false);
    const notObject = validateCustomer({ externalId: 'C1', lastName: 'Doe', attributes: ['x'] });
    expect(notObject.ok).toBe(false);
  });
});
