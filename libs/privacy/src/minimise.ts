import { createHash } from 'node:crypto';

const HASHED_EMAIL = /^sha256:[0-9a-f]{64}$/;

/**
 * `sha256:<hex>` of the trimmed, lower-cased address: equal addresses give
 * equal hashes, so exact matching still works without storing the address.
 * An already hashed value comes back unchanged.
 */
export function hashEmail(email: string): string {
  if (HASHED_EMAIL.test(email)) return email;
  return `sha256:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`;
}

/** True for a value produced by hashEmail. */
export function isHashedEmail(value: string): boolean {
  return HASHED_EMAIL.test(value);
}

// Local part, @, dotted domain with a letter TLD. `@acme` (a handle) and `me@acme` do not match.
const EMAIL =
  /(?<![\w.%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}(?![\w-])/g;

// Conservative phone shapes. Bare digit runs (order numbers, ids, prices) never match;
// a number must carry a `+` country code or the grouping of a national format.
const PHONE_PATTERNS = [
  // International: +CC then groups separated by spaces, dots, dashes or a (trunk).
  /(?<![\w+#]|\d[ .-]?)\+\d{1,3}(?:[ .-]?\(\d{1,4}\))?(?:[ .-]?\d{1,5}){2,6}(?![\w]|[ .-]?\d)/g,
  // North American: (415) 555-0134, 415-555-0134, 415.555.0134, 415 555 0134.
  /(?<![\w#$€£.,-]|\d[ .-]?)(?:\(\d{3}\) ?|\d{3}[-. ])\d{3}[-. ]\d{4}(?![\w]|[ .,-]?\d)/g,
  // French / Belgian style: 06 12 34 56 78, 06.12.34.56.78, 06-12-34-56-78.
  /(?<![\w#$€£.,-]|\d[ .-]?)0\d(?:[ .-]\d{2}){4}(?![\w]|[ .,-]?\d)/g,
  // UK / German style with a trunk 0: 020 7946 0958, 0800 123 4567, 030 1234 5678.
  /(?<![\w#$€£.,-]|\d[ .-]?)0\d{2,4}[ -]\d{3,4}[ -]\d{3,4}(?![\w]|[ .,-]?\d)/g,
];

const DIGIT = /\d/;

function digitCount(s: string): number {
  let n = 0;
  for (const c of s) if (c >= '0' && c <= '9') n++;
  return n;
}

/**
 * Replaces e-mail addresses with `[email]` and phone numbers with `[phone]`
 * in free text. Patterns are conservative on purpose: a missed number stays
 * encrypted anyway; a false hit destroys an order number a support team needs.
 */
export function redactContacts(text: string): { text: string; emails: number; phones: number } {
  let emails = 0;
  let phones = 0;
  // An e-mail address needs an @ and every phone pattern a digit: most posts skip the regexes.
  let out = !text.includes('@')
    ? text
    : text.replace(EMAIL, () => {
        emails++;
        return '[email]';
      });
  if (!DIGIT.test(out)) return { text: out, emails, phones };
  for (const re of PHONE_PATTERNS) {
    out = out.replace(re, (m) => {
      const d = digitCount(m);
      if (d < 9 || d > 15) return m;
      phones++;
      return '[phone]';
    });
  }
  return { text: out, emails, phones };
}
