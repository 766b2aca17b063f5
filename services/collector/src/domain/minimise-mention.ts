import type { Mention } from '@hark/events';
import { hashEmail, redactContacts } from '@hark/privacy';

export interface MinimiseOptions {
  /** Store author.email as `sha256:<hex>` of the normalized address. */
  hashEmails: boolean;
  /** Replace e-mail addresses and phone numbers in text and title with `[email]` / `[phone]`. */
  redactTextContacts: boolean;
}

/**
 * Data minimisation before anything is written: what hark does not need in
 * clear is never stored in clear. Runs after brand matching, so a brand
 * term inside an address still matched.
 */
export function minimiseMention(
  m: Mention,
  opts: MinimiseOptions,
): { mention: Mention; emails: number; phones: number } {
  let emails = 0;
  let phones = 0;
  let text = m.text;
  let title = m.title;
  if (opts.redactTextContacts) {
    const t = redactContacts(text);
    text = t.text;
    emails += t.emails;
    phones += t.phones;
    if (title !== null) {
      const r = redactContacts(title);
      title = r.text;
      emails += r.emails;
      phones += r.phones;
    }
  }
  const email =
    opts.hashEmails && m.author.email !== null ? hashEmail(m.author.email) : m.author.email;
  // Most posts hold no contact and no e-mail: they go on as they are, not as two fresh copies.
  if (text === m.text && title === m.title && email === m.author.email)
    return { mention: m, emails, phones };
  return { mention: { ...m, text, title, author: { ...m.author, email } }, emails, phones };
}
