import { DoubleMetaphone } from 'natural/lib/natural/phonetics/index.js';

const dm = new DoubleMetaphone();
const cache = new Map<string, readonly string[]>();
const CACHE_LIMIT = 1_000_000;

/**
 * Double Metaphone codes of a folded name part: the primary code, plus the
 * alternate when it differs (Schmidt → XMT, SMT). Names repeat heavily, so
 * results are memoised (bounded: the cache is dropped when it fills).
 */
export function phoneticCodes(name: string): readonly string[] {
  let codes = cache.get(name);
  if (codes) return codes;
  const [primary, alternate] = dm.process(name);
  codes = primary === alternate || !alternate ? [primary ?? name] : [primary ?? name, alternate];
  if (codes[0] === '') codes = [name];
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(name, codes);
  return codes;
}

/** True when two name parts share a Double Metaphone code. */
export function soundAlike(a: string, b: string): boolean {
  const ca = phoneticCodes(a);
  const cb = phoneticCodes(b);
  for (const x of ca) if (cb.includes(x)) return true;
  return false;
}
