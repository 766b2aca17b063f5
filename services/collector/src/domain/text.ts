// Letters NFKD does not decompose but that readers treat as accented forms of
// a base letter ("Øresund", "Łódź", "straße").
const FOLD: Record<string, string> = {
  ø: 'o',
  đ: 'd',
  ð: 'd',
  ħ: 'h',
  ı: 'i',
  ł: 'l',
  ŀ: 'l',
  þ: 'th',
  æ: 'ae',
  œ: 'oe',
  ß: 'ss',
  ς: 'σ',
};
const FOLD_PATTERN = /[øđðħıłŀþæœßς]/g;
const MARKS = /\p{M}+/gu;
// eslint-disable-next-line no-control-regex
const ASCII_ONLY = /^[\x00-\x7f]*$/;
// Folded form per UTF-16 unit, filled lazily: normalizing char by char from a
// cache is several times faster than normalizing whole strings.
const FOLDED: (string | undefined)[] = new Array(0x10000);

function foldPiece(piece: string): string {
  return piece
    .normalize('NFKD')
    .replace(MARKS, '')
    .toLowerCase()
    .replace(FOLD_PATTERN, (c) => FOLD[c]!);
}

/**
 * Case- and accent-insensitive form for matching: NFKD (which also maps
 * full-width letters and ligatures), combining marks removed, lower case,
 * and a few letters NFKD leaves alone folded to their base. Character by
 * character, so the text and the configured terms fold the same way
 * whatever their context (Greek final sigma included).
 */
export function foldForMatching(text: string): string {
  if (ASCII_ONLY.test(text)) return text.toLowerCase();
  let out = '';
  let run = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 128) continue;
    if (run < i) out += text.slice(run, i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
      out += foldPiece(text.slice(i, i + 2));
      i++;
    } else {
      let f = FOLDED[c];
      if (f === undefined) FOLDED[c] = f = foldPiece(String.fromCharCode(c));
      out += f;
    }
    run = i + 1;
  }
  if (run < n) out += text.slice(run);
  // Folded pieces are lower case already; this lowers the ASCII runs.
  return out.toLowerCase();
}

const WORD_CHAR = /^[\p{L}\p{N}_]$/u;
// Word-character class per UTF-16 unit, filled lazily: 1 word, 2 not, 0 unknown yet.
const CLASS = new Uint8Array(0x10000);
for (let c = 0; c < 128; c++) {
  const word = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  CLASS[c] = word ? 1 : 2;
}

/** Whether the character at `i` is a letter, digit or underscore (astral letters included). */
function isWordAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdfff) {
    // A surrogate: classify the whole code point (astral letters exist, emoji are not letters).
    const cp = s.codePointAt(c <= 0xdbff ? i : i - 1) ?? c;
    return WORD_CHAR.test(String.fromCodePoint(cp));
  }
  let k = CLASS[c]!;
  if (k === 0) CLASS[c] = k = WORD_CHAR.test(String.fromCharCode(c)) ? 1 : 2;
  return k === 1;
}

/**
 * Splits folded text into word tokens; a `#` or `@` directly before a word
 * makes it a hashtag (`#acme`) or handle (`@acme`) token, unless the sign
 * follows a word character (`support@acme.com`, `C#`), where it is just
 * punctuation. A hand-rolled scan: this is the matcher's hot loop.
 */
export function tokenize(folded: string): string[] {
  const out: string[] = [];
  const n = folded.length;
  let i = 0;
  while (i < n) {
    const c = folded.charCodeAt(i);
    let start = -1;
    if (
      (c === 35 || c === 64) &&
      i + 1 < n &&
      isWordAt(folded, i + 1) &&
      (i === 0 || !isWordAt(folded, i - 1))
    ) {
      start = i;
      i += 1;
    } else if (isWordAt(folded, i)) {
      start = i;
    }
    if (start === -1) {
      i++;
      continue;
    }
    while (i < n && isWordAt(folded, i)) i++;
    out.push(folded.slice(start, i));
  }
  return out;
}

/** NFC, skipping the call for pure ASCII (most posts), which is already normalized. */
export function toNfc(s: string): string {
  return ASCII_ONLY.test(s) ? s : s.normalize('NFC');
}

/** Counts Unicode code points without allocating; `.length` counts UTF-16 units. */
export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}
