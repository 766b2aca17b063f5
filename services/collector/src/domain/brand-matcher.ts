import type { Brand } from '@hark/brands';
import { foldForMatching, tokenize } from './text.ts';

export interface BrandMatch {
  /** Brand ids in brands-config order. */
  brands: string[];
  /** Every tracked term that matched, folded (`acme fiber`, `#acme`, `@acmesupport`), first hit first. */
  keywords: string[];
  /** Brands whose exclusion phrase appeared: they did not match whatever else did. */
  vetoed: string[];
}

export interface BrandMatcher {
  match(text: string): BrandMatch;
  /** Distinct (term, brand) pairs compiled into the trie, exclusions included. */
  readonly termCount: number;
  readonly brandIds: readonly string[];
}

interface Output {
  brand: number;
  keyword: string;
  exclude: boolean;
}

interface TrieNode {
  next: Map<string, TrieNode> | undefined;
  outputs: Output[] | undefined;
}

const EMPTY: BrandMatch = Object.freeze({ brands: [], keywords: [], vetoed: [] }) as BrandMatch;

/**
 * Compiles the brands config into a trie over folded tokens. A text is
 * folded and tokenized once, then every token position walks the trie, so
 * the cost grows with the text length and the longest term (a few tokens),
 * not with the number of terms.
 *
 * What matches (all case- and accent-insensitive, on whole tokens):
 * - names, aliases and keywords as word sequences (`Acme Fiber`), and as
 *   the hashtag of their words run together (`#AcmeFiber`);
 * - hashtags only as `#tag`, handles only as `@handle`;
 * - an exclusion phrase anywhere in the text vetoes its brand.
 */
export function compileBrandMatcher(brands: readonly Brand[]): BrandMatcher {
  const root: TrieNode = { next: new Map(), outputs: undefined };
  const seen = new Set<string>();
  let termCount = 0;

  const add = (tokens: string[], output: Output): void => {
    if (tokens.length === 0) return;
    const key = `${output.brand}\u0000${output.exclude}\u0000${tokens.join(' ')}`;
    if (seen.has(key)) return;
    seen.add(key);
    let node = root;
    for (const token of tokens) {
      node.next ??= new Map();
      let child = node.next.get(token);
      if (!child) {
        child = { next: undefined, outputs: undefined };
        node.next.set(token, child);
      }
      node = child;
    }
    (node.outputs ??= []).push(output);
    termCount++;
  };

  brands.forEach((brand, b) => {
    for (const phrase of [brand.name, ...brand.aliases, ...brand.keywords]) {
      const tokens = tokenize(foldForMatching(phrase));
      if (tokens.length === 0) continue;
      add(tokens, { brand: b, keyword: tokens.join(' '), exclude: false });
      if (tokens.every((t) => !isTagged(t))) {
        const tag = `#${tokens.join('')}`;
        add([tag], { brand: b, keyword: tag, exclude: false });
      }
    }
    for (const tag of brand.hashtags) {
      // Hashtags cannot hold punctuation, so a configured `acme-fiber` means `#acmefiber`.
      const words = tokenize(foldForMatching(tag)).map((t) => (isTagged(t) ? t.slice(1) : t));
      if (words.length === 0) continue;
      const tagToken = `#${words.join('')}`;
      add([tagToken], { brand: b, keyword: tagToken, exclude: false });
    }
    for (const handle of brand.handles) {
      const tokens = tokenize(foldForMatching(`@${handle}`));
      add(tokens, { brand: b, keyword: foldForMatching(`@${handle}`), exclude: false });
    }
    for (const phrase of brand.exclude) {
      const tokens = tokenize(foldForMatching(phrase));
      add(tokens, { brand: b, keyword: tokens.join(' '), exclude: true });
    }
  });

  const rootNext = root.next!;
  const brandIds = brands.map((b) => b.id);

  return {
    termCount,
    brandIds,
    match(text: string): BrandMatch {
      const tokens = tokenize(foldForMatching(text));
      let hits: Output[] | undefined;
      for (let i = 0; i < tokens.length; i++) {
        let node = rootNext.get(tokens[i]!);
        if (!node) continue;
        // A handle names one account: @acme.bsky.social is not also @acme, so the longest wins.
        const handle = tokens[i]!.charCodeAt(0) === 64;
        let longest: Output[] | undefined;
        let j = i;
        while (node) {
          if (node.outputs) {
            if (handle) longest = node.outputs;
            else (hits ??= []).push(...node.outputs);
          }
          if (!node.next || ++j >= tokens.length) break;
          node = node.next.get(tokens[j]!);
        }
        if (longest) (hits ??= []).push(...longest);
      }
      if (!hits) return EMPTY;
      let excluded: Set<number> | undefined;
      for (const h of hits) if (h.exclude) (excluded ??= new Set()).add(h.brand);
      const matched = new Set<number>();
      const keywords: string[] = [];
      for (const h of hits) {
        if (h.exclude || excluded?.has(h.brand)) continue;
        matched.add(h.brand);
        if (!keywords.includes(h.keyword)) keywords.push(h.keyword);
      }
      const vetoed = excluded ? [...excluded].sort((a, b) => a - b).map((b) => brandIds[b]!) : [];
      if (matched.size === 0 && vetoed.length === 0) return EMPTY;
      return {
        brands: [...matched].sort((a, b) => a - b).map((b) => brandIds[b]!),
        keywords,
        vetoed,
      };
    },
  };
}

function isTagged(token: string): boolean {
  const c = token.charCodeAt(0);
  return c === 35 || c === 64;
}
