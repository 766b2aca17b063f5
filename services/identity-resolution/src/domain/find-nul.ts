/**
 * The path (`body/customers/0/lastName`, `params/externalId`) of the first
 * string — value or object key — holding a NUL character, or undefined.
 * PostgreSQL text cannot store NUL: such input would fail deep in a query
 * as a 500 instead of being refused up front as bad input.
 */
export function findNul(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object' || depth > 64) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNul(value[i], `${path}/${i}`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k.includes('\u0000')) return `${path}/${k.split('\u0000').join('\\u0000')}`;
    const found = findNul(v, `${path}/${k}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}
