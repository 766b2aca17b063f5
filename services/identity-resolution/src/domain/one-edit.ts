/**
 * Whether two strings are one edit apart (Optimal String Alignment distance
 * 1: one letter substituted, inserted, deleted, or two neighbours swapped).
 * Jaro–Winkler forgives a typo in a long name but not in a short one
 * ("jogn"/"john" scores 0.87), where one slip is the commonest error of all.
 * Linear and allocation-free: it runs for candidate pairs on the hot path.
 */
export function isOneEdit(a: string, b: string): boolean {
  const la = a.length;
  const lb = b.length;
  if (a === b || Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (la === lb) {
    // Substitution at i, or a swap of i and i + 1.
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return (
      i + 1 < la &&
      a.charCodeAt(i) === b.charCodeAt(i + 1) &&
      a.charCodeAt(i + 1) === b.charCodeAt(i) &&
      a.slice(i + 2) === b.slice(i + 2)
    );
  }
  // One letter more on the longer side, at i.
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
