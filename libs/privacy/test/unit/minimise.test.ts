import { describe, expect, it } from 'vitest';
import { hashEmail, isHashedEmail, redactContacts } from '../../src/index.ts';

describe('hashEmail', () => {
  it('when an address is hashed, the result is sha256 hex of the trimmed lower-cased address', () => {
    // `printf a@b.co | sha256sum`
    expect(hashEmail('  A@B.co ')).toBe(
      'sha256:80305c9bb1bb2480e03894350e0a8a366dcbdeb302e69e0817aa0743abd77054',
    );
    expect(isHashedEmail(hashEmail('a@b.co'))).toBe(true);
    expect(isHashedEmail('a@b.co')).toBe(false);
  });

  it('when addresses differ only in case and spaces, they hash the same', () => {
    expect(hashEmail('  Jane.Doe@Example.ORG ')).toBe(hashEmail('jane.doe@example.org'));
    expect(hashEmail('jane.doe@example.org')).not.toBe(hashEmail('jane.doe@example.com'));
  });

  it('when a value is already hashed, it is returned unchanged', () => {
    const h = hashEmail('x@y.io');
    expect(hashEmail(h)).toBe(h);
  });
});

describe('redactContacts', () => {
  it.each([
    ['mail me at jane.doe+acme@example.co.uk please', 'mail me at [email] please', 1, 0],
    ['JANE_DOE@EXAMPLE.ORG.', '[email].', 1, 0],
    ['call +33 6 12 34 56 78 now', 'call [phone] now', 0, 1],
    ['call +1 (415) 555-0134', 'call [phone]', 0, 1],
    ['ring +44 20 7946 0958!', 'ring [phone]!', 0, 1],
    ['+4915112345678 is my mobile', '[phone] is my mobile', 0, 1],
    [
      'US: (415) 555-0134 or 415-555-0134 or 415.555.0134',
      'US: [phone] or [phone] or [phone]',
      0,
      3,
    ],
    ['FR: 06 12 34 56 78 / 06.12.34.56.78', 'FR: [phone] / [phone]', 0, 2],
    ['UK: 020 7946 0958 or 0800 123 4567', 'UK: [phone] or [phone]', 0, 2],
  ])('when the text is %j, it becomes %j', (input, expected, emails, phones) => {
    expect(redactContacts(input)).toEqual({ text: expected, emails, phones });
  });

  it.each([
    'my order 1234567890 never arrived',
    'order #415-555-0134 is late',
    'ticket #4155550134',
    'ref 2024-11-20 at 10:30',
    'it cost $1,299.00 or €1.299,00',
    'server 192.168.100.200 is down',
    'version 1.2.3.4567 broke it',
    'tracking 1Z999AA10123456784',
    'ping @acme or @acme_support',
    'write to me@acme (internal)',
    'IBAN FR76 3000 6000 0112 3456 7890 189',
    'since 2019 I paid 12 345 678 in total',
    'score 3-2 in the 90th minute',
  ])('when the text is %j, nothing is redacted', (input) => {
    expect(redactContacts(input)).toEqual({ text: input, emails: 0, phones: 0 });
  });

  it.each([
    ['no contact at all, no @ and no digit', 0, 0],
    ['mail me at jane@example.com', 1, 0],
    ['call +33 6 12 34 56 78 now', 0, 1],
    ['jane@example.com or +33 6 12 34 56 78', 1, 1],
    ['@acme 2 days down', 0, 0],
  ])(
    'when the text is %j, the regexes that could match still run (%d e-mail, %d phone)',
    (input, emails, phones) => {
      const out = redactContacts(input);
      expect([out.emails, out.phones]).toEqual([emails, phones]);
      if (emails + phones === 0) expect(out.text).toBe(input);
    },
  );
});
