import { hasNameGroups, nameGroups } from './nicknames.ts';
import {
  emailLocal,
  handleCompact,
  handleLetters,
  handleSegments,
  type ParsedName,
} from './normalize.ts';
import { phoneticCodes } from './phonetic.ts';

/**
 * Blocking keys: the only way a customer becomes a fuzzy candidate. Customer
 * and author sides build the same key shapes, so a shared key means "worth
 * scoring". Prefixes keep the families apart:
 *
 * - `p|first|last`  Double Metaphone of a first-name group and of the family
 *   name: typos that keep the sound, nicknames (per group), swapped order.
 * - `i|last|f`      Double Metaphone of the family name + first initial:
 *   "J. Doe", handles like `jdoe`, first-name typos that change the sound.
 * - `t|first|las`   first-name sound + first three letters of the family
 *   name: family-name typos that change the sound (Smiht).
 * - `u|first|ast`   first-name sound + last three letters of the family
 *   name: a sound-changing slip near its start (Gumett for Gurnett); the
 *   matcher gives it the one-part passes' small cap.
 * - `s|code`        a customer known by one name only.
 * - `m|compact`     e-mail local parts and CRM handles without separators,
 *   digits kept: a handle `jane_doe84` finds the customer with
 *   `jane.doe84@…` or the x handle `janedoe84`.
 *
 * - `c|first|last|city` the first `p` key plus the city: common names
 *   ("James Smith") have `p` blocks too large to score, and are skipped; with
 *   a city they become small again.
 *
 * Independent passes that need only one name part, so a replaced or
 * misspelled other part cannot hide the customer:
 *
 * - `L|last|place`  family-name sound + the town (or the region when no town
 *   is known): a replaced or sound-changing first name, a nickname the table
 *   does not know.
 * - `F|first|place` first-name sound + the town or region: a replaced or
 *   sound-changing family name (marriage, a typo).
 * - `l|last`, `f|first` a name part alone, for one-word display names and
 *   for rare names anywhere. All one-part keys are weak, and the matcher
 *   caps them lower still (20): a common part, alone or in a big town, is
 *   hundreds of people whom a replaced other part could not link anyway.
 *
 * `i`, `t` and `u` keys exist for typos and initials; they are broad for common
 * names, so the author side marks them weak (a smaller block cap applies):
 * a typo in a common name could not be linked with confidence anyway.
 */
export function nameKeys(out: Set<string>, first: string, last: string, typoKeys = true): void {
  const groups = nameGroups(first);
  const lastCodes = phoneticCodes(last);
  if (first.length === 1) {
    for (const l of lastCodes) out.add(`i|${l}|${first}`);
    return;
  }
  for (const g of groups) {
    const firstCodes = phoneticCodes(g);
    for (const f of firstCodes) for (const l of lastCodes) out.add(`p|${f}|${l}`);
    if (!typoKeys) continue;
    for (const l of lastCodes) out.add(`i|${l}|${g[0]}`);
    out.add(`t|${firstCodes[0]}|${last.slice(0, 3)}`);
    // The same from the other end: a slip early in the family name that changes its sound
    // and its first letters (Gumett/Gurnett, Legee/Segee) leaves its end alone.
    if (last.length >= 4) out.add(`u|${firstCodes[0]}|${last.slice(-3)}`);
  }
}

export interface CustomerKeyInput {
  first: string;
  last: string;
  city: string;
  /** Region code (`ca`, `nsw`): the place key of customers without a town. */
  region?: string;
  emails: readonly string[];
  handles: readonly { platform: string; handle: string }[];
}

/** Every blocking key of one customer (exact e-mail and handle keys are separate: see exactEmailKey). */
export function customerKeys(c: CustomerKeyInput): string[] {
  const out = new Set<string>();
  if (c.first && c.last) {
    nameKeys(out, c.first, c.last);
    if (c.city && c.first.length > 1)
      for (const g of nameGroups(c.first)) out.add(cityKey(g, c.last, c.city));
  } else if (c.first || c.last)
    for (const code of phoneticCodes(c.first || c.last)) out.add(`s|${code}`);
  const places = [c.city, c.region ?? ''].filter(Boolean);
  if (c.last.length > 1) partKeys(out, 'l', 'L', c.last, places.slice(0, 1));
  if (c.first.length > 1) partKeys(out, 'f', 'F', c.first, places.slice(0, 1));
  for (const e of c.emails) {
    const local = emailLocal(e);
    if (local.length >= 4) out.add(`m|${local}`);
  }
  for (const h of c.handles) {
    const compact = handleCompact(h.handle);
    if (compact.length >= 4) out.add(`m|${compact}`);
  }
  return [...out];
}

/** The one-part passes: the part's sound alone, and with each place. */
function partKeys(
  out: Set<string>,
  alone: string,
  withPlace: string,
  part: string,
  places: readonly string[],
): void {
  const code = phoneticCodes(part)[0]!;
  out.add(`${alone}|${code}`);
  for (const p of places) out.add(`${withPlace}|${code}|${p}`);
}

function cityKey(first: string, last: string, city: string): string {
  return `c|${phoneticCodes(first)[0]}|${phoneticCodes(last)[0]}|${city}`;
}

export const exactEmailKey = (email: string): string => `E|${email}`;
export const exactHandleKey = (platform: string, handle: string): string =>
  `H|${platform}|${handle}`;

const MAX_HANDLE_SPLIT = 24;

/**
 * The author side: keys from the display name (both orders), from the handle
 * (its segments, or every split point of an unsegmented handle such as
 * `janedoe`), and from the e-mail local part.
 */
export function authorKeys(a: {
  name: ParsedName | null;
  handle: string;
  email: string | null;
  /** Folded names of the CRM cities the profile location mentions. */
  cities?: readonly string[];
  /** Region codes the profile location names. */
  regions?: readonly string[];
  /**
   * Whether a string is a first or family name some customer has. An
   * unsegmented handle (`janedoe84`) is split only where a known name
   * starts or ends, instead of at every letter.
   */
  isKnown?: (name: string, role: 'first' | 'last') => boolean;
}): {
  strong: string[];
  weak: string[];
} {
  const out = new Set<string>();
  const initialKeys = new Set<string>();
  const n = a.name;
  if (n?.first && n.last) {
    if (n.first.length === 1) nameKeys(initialKeys, n.first, n.last);
    if (n.last.length === 1) nameKeys(initialKeys, n.last, n.first);
    for (const city of a.cities ?? []) {
      for (const g of nameGroups(n.first)) if (g.length > 1) out.add(cityKey(g, n.last, city));
      if (n.last.length > 1) for (const g of nameGroups(n.last)) out.add(cityKey(g, n.first, city));
    }
    nameKeys(out, n.first, n.last);
    nameKeys(out, n.last, n.first);
  } else if (n?.first) {
    for (const code of phoneticCodes(n.first)) out.add(`s|${code}`);
  }
  // One-part passes, each token in either role ("Doe Jane", a one-word display name).
  const places = [...(a.cities ?? []), ...(a.regions ?? [])];
  for (const part of [n?.first, n?.last]) {
    if (!part || part.length < 2) continue;
    partKeys(out, 'l', 'L', part, places);
    partKeys(out, 'f', 'F', part, places);
  }
  const segments = handleSegments(a.handle);
  const letters = handleLetters(a.handle);
  // A handle spelled from the display name ("Jane Doe", `jane_doe84`) adds no new candidates.
  const covered =
    n?.first &&
    n.last &&
    n.first.length > 1 &&
    letters.includes(n.last) &&
    (letters.includes(n.first) || letters.length === n.last.length + 1);
  if (covered) {
    // fall through to the identifier keys
  } else if (segments.length >= 2) {
    const pairs: [string, string][] = [[segments[0]!, segments[segments.length - 1]!]];
    for (let i = 0; i + 1 < segments.length; i++) pairs.push([segments[i]!, segments[i + 1]!]);
    for (const [x, y] of pairs) {
      if (y.length >= 2) nameKeys(x.length === 1 ? initialKeys : out, x, y, false);
      if (x.length >= 2) nameKeys(y.length === 1 ? initialKeys : out, y, x, false);
    }
  }
  if (
    !covered &&
    segments.length <= 1 &&
    letters.length >= 3 &&
    letters.length <= MAX_HANDLE_SPLIT
  ) {
    const known = a.isKnown ?? (() => true);
    // Most split points are no name at all: answered without building their group list.
    const isFirst = (x: string) =>
      x.length === 1 ||
      known(x, 'first') ||
      (hasNameGroups(x) && nameGroups(x).some((g) => known(g, 'first')));
    for (let k = 1; k < letters.length; k++) {
      const x = letters.slice(0, k);
      const y = letters.slice(k);
      // Handles carry few typos: sound keys only, the typo keys would flood the candidates.
      // First names are few (hundreds, a map in cache), family names many: ask the first first.
      if (y.length >= 2 && isFirst(x) && known(y, 'last'))
        nameKeys(x.length === 1 ? initialKeys : out, x, y, false);
      if (x.length >= 2 && isFirst(y) && known(x, 'last'))
        nameKeys(y.length === 1 ? initialKeys : out, y, x, false);
    }
  }
  // One-part passes from a handle that starts with a known name ("kwameh2339", "marym51"):
  // the longest such first name and family name, each alone and with the places. Only
  // when the display name gives no full name: otherwise its parts have their passes.
  if (
    !(n?.first && n.last) &&
    letters.length >= 3 &&
    letters.length <= MAX_HANDLE_SPLIT &&
    a.isKnown
  ) {
    for (const role of ['first', 'last'] as const) {
      for (let k = letters.length; k >= 3; k--) {
        const x = letters.slice(0, k);
        if (!a.isKnown(x, role)) continue;
        partKeys(out, role === 'first' ? 'f' : 'l', role === 'first' ? 'F' : 'L', x, places);
        break;
      }
    }
  }
  const compact = handleCompact(a.handle);
  if (compact.length >= 4) out.add(`m|${compact}`);
  for (const k of initialKeys) out.add(k);
  if (a.email) {
    const local = emailLocal(a.email);
    if (local.length >= 4) out.add(`m|${local}`);
  }
  const strong: string[] = [];
  const weak: string[] = [];
  for (const k of out) {
    // An `i` key from a real initial ("J. Doe", `jdoe`) is the author's best lead; from a
    // full first name it is only a typo net. A name part alone is a net too: only rare
    // parts are worth scoring on their own.
    const c = k.charCodeAt(0);
    if (
      c === 116 /* t */ ||
      c === 117 /* u */ ||
      c === 108 /* l */ ||
      c === 102 /* f */ ||
      c === 70 /* F */ ||
      c === 76 /* L */ ||
      (c === 105 /* i */ && !initialKeys.has(k))
    )
      weak.push(k);
    else strong.push(k);
  }
  return { strong, weak };
}
