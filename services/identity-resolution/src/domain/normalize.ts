/**
 * Text normalisation shared by the customer index and the author side, so
 * both sides of every comparison are folded the same way.
 */

const COMBINING_MARKS = /[\u0300-\u036f]/g;
const ASCII = /^[\x20-\x7e]*$/;
const SPECIAL_LETTERS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};
const SPECIAL_PATTERN = /[ßæœøłđðþı]/g;

/** Lower case ASCII: diacritics removed, ligatures expanded (Müller → muller, Œuvre → oeuvre). */
export function foldAscii(s: string): string {
  // Most names are plain ASCII already: skip Unicode normalisation for them.
  if (ASCII.test(s)) return s.toLowerCase();
  return s
    .toLowerCase()
    .normalize('NFKD')
    .replace(COMBINING_MARKS, '')
    .replace(SPECIAL_PATTERN, (c) => SPECIAL_LETTERS[c] ?? c);
}

/** One name part as compared: folded, letters only (O'Brien → obrien, Smith-Jones → smithjones). */
export function normalizeNamePart(s: string | null | undefined): string {
  if (!s) return '';
  return foldAscii(s).replace(/[^a-z]/g, '');
}

/** Free text for phrase matching (locations, companies): folded, words separated by one space. */
export function normalizeWords(s: string | null | undefined): string {
  if (!s) return '';
  return foldAscii(s)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

const TITLES = new Set([
  'mr',
  'mrs',
  'ms',
  'miss',
  'mx',
  'dr',
  'prof',
  'sir',
  'madam',
  'rev',
  'fr',
  'capt',
]);
const SUFFIXES = new Set([
  'jr',
  'sr',
  'ii',
  'iii',
  'iv',
  'phd',
  'md',
  'esq',
  'mba',
  'dds',
  'cpa',
  'rn',
]);
const PARTICLES = new Set([
  'van',
  'von',
  'der',
  'den',
  'de',
  'del',
  'della',
  'di',
  'da',
  'dos',
  'das',
  'du',
  'la',
  'le',
  'st',
  'ter',
  'ten',
  'bin',
  'ibn',
  'al',
  'el',
  'mac',
]);

export interface ParsedName {
  /** First given name, folded; a single letter when only an initial was given. */
  first: string | null;
  /** Family name, folded, particles joined (van der Berg → vanderberg). */
  last: string | null;
  /** Middle names or initials. */
  middles: string[];
  /** Only one name token was given: it may be a first or a family name. */
  single: boolean;
}

const MAX_NAME_TOKENS = 5;

/**
 * Parses a profile display name into name parts. Handles "Doe, Jane",
 * initials ("J. Doe"), titles and suffixes, decorations ("Jane Doe | acme fan",
 * "Jane 🌸 Doe (she/her)") and particles. Returns null when nothing name-like
 * is left (emoji only, or a sentence rather than a name).
 */
export function parseDisplayName(raw: string | null | undefined): ParsedName | null {
  if (!raw) return null;
  let s = raw.replace(/[([{].*?[)\]}]/g, ' ');
  s = s.split(/\s[|•·–—-]\s|[|•·/]/)[0] ?? '';
  let swapped = false;
  const commaParts = s.split(',');
  if (commaParts.length === 2) {
    const after = normalizeWords(commaParts[1]);
    if (after && !after.split(' ').every((t) => SUFFIXES.has(t))) {
      s = `${commaParts[1]} ${commaParts[0]}`;
      swapped = true;
    } else {
      s = commaParts[0]!;
    }
  }
  const tokens = foldAscii(s)
    // A digit inside a word is a slip ("m0berly", "atk9nson"), not a word break: dropped,
    // the name is a typo away instead of cut in two.
    .replace(/(?<=\p{L})\d(?=\p{L})/gu, '')
    .replace(/['’`]/g, '')
    .replace(/(\p{L})-(\p{L})/gu, '$1$2')
    .split(/[^a-z]+/)
    .filter(Boolean);
  while (tokens.length > 0 && TITLES.has(tokens[0]!)) tokens.shift();
  while (tokens.length > 1 && SUFFIXES.has(tokens[tokens.length - 1]!)) tokens.pop();
  if (tokens.length === 0 || tokens.length > MAX_NAME_TOKENS) return null;
  if (tokens.length === 1) return { first: tokens[0]!, last: null, middles: [], single: true };
  if (swapped) {
    // "Doe, Jane Mary": the family name came first and may hold particles.
    const lastTokens = normalizeWords(commaParts[0]).split(' ').filter(Boolean);
    const last = lastTokens.join('');
    const rest = tokens.slice(0, tokens.length - lastTokens.length);
    if (rest.length > 0 && last) {
      return { first: rest[0]!, last, middles: rest.slice(1), single: false };
    }
  }
  let lastStart = tokens.length - 1;
  for (let i = 1; i < tokens.length - 1; i++) {
    if (PARTICLES.has(tokens[i]!)) {
      lastStart = i;
      break;
    }
  }
  return {
    first: tokens[0]!,
    last: tokens.slice(lastStart).join(''),
    middles: tokens.slice(1, lastStart),
    single: false,
  };
}

/** A handle as typed, for exact comparison: lower case, no leading @, no instance (`jp@fosstodon.org` → `jp`). */
export function normalizeHandle(h: string | null | undefined): string {
  if (!h) return '';
  let s = h.trim().replace(/^@+/, '');
  const at = s.indexOf('@');
  if (at > 0) s = s.slice(0, at);
  return foldAscii(s);
}

/** Letters only, for handle-to-name comparison (`Jane_Doe84` → `janedoe`). */
export function handleLetters(h: string | null | undefined): string {
  return normalizeHandle(h).replace(/[^a-z]/g, '');
}

/** Separators and digits removed but digits kept (`jane.doe_84` → `janedoe84`): identifier-like comparison. */
export function handleCompact(h: string | null | undefined): string {
  return normalizeHandle(h).replace(/[^a-z0-9]/g, '');
}

/**
 * Word segments of a handle from its separators, digits and camelCase
 * (`JaneDoe_84` → [jane, doe], `doe.j` → [doe, j]). One segment when the
 * handle gives no boundary (`jdoe84` → [jdoe]).
 */
export function handleSegments(h: string | null | undefined): string[] {
  if (!h) return [];
  let s = h.trim().replace(/^@+/, '');
  const at = s.indexOf('@');
  if (at > 0) s = s.slice(0, at);
  s = s.replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2');
  return foldAscii(s)
    .split(/[^a-z]+/)
    .filter(Boolean);
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Lower-cased, trimmed e-mail, or null when it is not an address. */
export function normalizeEmail(e: string | null | undefined): string | null {
  if (!e) return null;
  const s = e.trim().toLowerCase();
  return EMAIL_PATTERN.test(s) ? s : null;
}

/** The local part as people reuse it across providers: no +tag, no dots (`Jane.Doe+shop@x.com` → `janedoe`). */
export function emailLocal(email: string): string {
  const local = email.slice(0, email.indexOf('@'));
  const plus = local.indexOf('+');
  return (plus >= 0 ? local.slice(0, plus) : local).replace(/[^a-z0-9]/g, '');
}

export function emailDomain(email: string): string {
  return email.slice(email.indexOf('@') + 1);
}

/** Consumer mail providers: a shared domain there says nothing about an employer. */
export const FREEMAIL_DOMAINS = new Set([
  'gmail.com',
  'googlemail.com',
  'yahoo.com',
  'yahoo.fr',
  'yahoo.co.uk',
  'ymail.com',
  'hotmail.com',
  'hotmail.fr',
  'hotmail.co.uk',
  'outlook.com',
  'live.com',
  'msn.com',
  'aol.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'proton.me',
  'protonmail.com',
  'gmx.de',
  'gmx.net',
  'gmx.com',
  'web.de',
  'orange.fr',
  'free.fr',
  'laposte.net',
  'wanadoo.fr',
  'mail.com',
  'yandex.ru',
  'mail.ru',
  'qq.com',
  '163.com',
  'comcast.net',
  'verizon.net',
  'att.net',
  'btinternet.com',
  'libero.it',
  't-online.de',
  'fastmail.com',
  'zoho.com',
  'example.com',
]);

/** Company names compared without legal forms (`ACME Corp.` → `acme`). */
export function normalizeCompany(s: string | null | undefined): string {
  const words = normalizeWords(s)
    .split(' ')
    .filter((w) => w && !LEGAL_FORMS.has(w));
  return words.join('');
}

const LEGAL_FORMS = new Set([
  'inc',
  'incorporated',
  'corp',
  'corporation',
  'co',
  'company',
  'llc',
  'ltd',
  'limited',
  'plc',
  'gmbh',
  'ag',
  'sa',
  'sas',
  'sarl',
  'srl',
  'spa',
  'bv',
  'nv',
  'oy',
  'ab',
  'as',
  'the',
  'group',
  'holdings',
]);
