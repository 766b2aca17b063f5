import { makeMention } from '@hark/testing';
import { describe, expect, it } from 'vitest';
import { minimiseMention } from '../../src/domain/minimise-mention.ts';

const on = { hashEmails: true, redactTextContacts: true };

describe('minimiseMention', () => {
  it('when there is nothing to minimise, it returns the mention itself, not a copy', () => {
    const m = makeMention({ text: 'Acme router down again', title: 'outage' });
    const out = minimiseMention({ ...m, author: { ...m.author, email: null } }, on);
    expect(out.emails + out.phones).toBe(0);
    const again = minimiseMention(out.mention, on);
    expect(again.mention).toBe(out.mention);
  });

  it('redacts contacts in text and title and hashes the e-mail, leaving the input untouched', () => {
    const m = makeMention({
      text: 'write to jane@example.com or call +33 6 12 34 56 78',
      title: 'ping bob@example.org',
    });
    const input = { ...m, author: { ...m.author, email: 'Jane@Example.com' } };
    const out = minimiseMention(input, on);
    expect(out.mention.text).toBe('write to [email] or call [phone]');
    expect(out.mention.title).toBe('ping [email]');
    expect(out.mention.author.email).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect([out.emails, out.phones]).toEqual([2, 1]);
    expect(out.mention).not.toBe(input);
    expect(input.author.email).toBe('Jane@Example.com');
    expect(input.text).toContain('jane@example.com');
  });

  it('when both options are off, it changes nothing and copies nothing', () => {
    const m = makeMention({ text: 'mail jane@example.com' });
    const input = { ...m, author: { ...m.author, email: 'jane@example.com' } };
    const out = minimiseMention(input, { hashEmails: false, redactTextContacts: false });
    expect(out).toEqual({ mention: input, emails: 0, phones: 0 });
    expect(out.mention).toBe(input);
  });
});
