const CAMEL_SPLIT =
  /(?<=\p{Ll})(?=\p{Lu})|(?<=\p{Lu})(?=\p{Lu}\p{Ll})|(?<=\p{L})(?=\p{N})|(?<=\p{N})(?=\p{L})|_+/u;
const MAX_PIECE = 20;
const MAX_WORDS = 6;
const CACHE_LIMIT = 20_000;

/**
 * Returns a memoised hashtag splitter: `#NeverAgain` and `#never_again` split
 * on case and underscores; a lower-case tag such as `#epicfail` is segmented
 * into the fewest known words that cover it exactly, and kept whole when no
 * such cover exists (brand tags like `#acme` stay one word).
 */
export function createHashtagSplitter(
  isWord: (w: string) => boolean,
): (tag: string) => readonly string[] {
  const cache = new Map<string, readonly string[]>();
  return (tag) => {
    let parts = cache.get(tag);
    if (parts === undefined) {
      parts = splitHashtag(tag, isWord);
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(tag, parts);
    }
    return parts;
  };
}

export function splitHashtag(tag: string, isWord: (w: string) => boolean): string[] {
  const hasLower = /\p{Ll}/u.test(tag);
  const hasUpper = /\p{Lu}/u.test(tag);
  const pieces = tag.split(CAMEL_SPLIT).filter(Boolean);
  const out: string[] = [];
  for (const piece of pieces) {
    // Case tells us nothing inside a piece that is all one case: segment by dictionary.
    if (pieces.length === 1 || !(hasLower && hasUpper) || piece.length > 12) {
      out.push(...segmentWords(piece.toLowerCase(), isWord));
    } else {
      out.push(piece.toLowerCase());
    }
  }
  return out;
}

/**
 * Segments a one-case tag into known words with dynamic programming: each
 * known word costs 1, and at most one unknown chunk of 3+ letters (a brand
 * name: `#acmefail`) costs 3. A segmentation is kept only when it contains a
 * known word of 4+ letters, so short coincidences do not split a tag.
 */
export function segmentWords(s: string, isWord: (w: string) => boolean): string[] {
  if (isWord(s) || s.length < 5 || /\p{N}/u.test(s)) return [s];
  const n = s.length;
  // State (end, unknownUsed): best cost, tie-break score, back-pointer.
  const cost = [new Array<number>(n + 1).fill(Infinity), new Array<number>(n + 1).fill(Infinity)];
  const score = [new Array<number>(n + 1).fill(0), new Array<number>(n + 1).fill(0)];
  const back = [new Array<number>(n + 1).fill(-1), new Array<number>(n + 1).fill(-1)];
  const backU = [new Array<number>(n + 1).fill(0), new Array<number>(n + 1).fill(0)];
  cost[0]![0] = 0;
  for (let end = 1; end <= n; end++) {
    for (let start = Math.max(0, end - MAX_PIECE); start < end; start++) {
      const len = end - start;
      const w = s.slice(start, end);
      const known = len === 1 ? w === 'a' || w === 'i' : isWord(w);
      for (let u = 0; u < 2; u++) {
        const base = cost[u]![start]!;
        if (base === Infinity) continue;
        let nu = u;
        let c: number;
        if (known) c = base + 1;
        else if (u === 0 && len >= 3 && len < n) {
          nu = 1;
          c = base + 3;
        } else continue;
        const sc = score[u]![start]! + (known ? len * len : 0);
        if (c < cost[nu]![end]! || (c === cost[nu]![end]! && sc > score[nu]![end]!)) {
          cost[nu]![end] = c;
          score[nu]![end] = sc;
          back[nu]![end] = start;
          backU[nu]![end] = u;
        }
      }
    }
  }
  const u = cost[0]![n]! <= cost[1]![n]! ? 0 : 1;
  if (cost[u]![n] === Infinity || cost[u]![n]! > MAX_WORDS) return [s];
  const words: string[] = [];
  for (let end = n, st = u; end > 0;) {
    const start = back[st]![end]!;
    words.push(s.slice(start, end));
    st = backU[st]![end]!;
    end = start;
  }
  words.reverse();
  if (words.length < 2 || !words.some((w) => w.length >= 4 && isWord(w))) return [s];
  return words;
}
