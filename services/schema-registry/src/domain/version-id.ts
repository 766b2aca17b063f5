import { registryError } from './registry-errors.ts';

/** A version in a path: a number from 1 to 2^31-1, or the latest live version. */
export type VersionId = number | 'latest';

const MAX_VERSION = 2 ** 31 - 1;

/** Parses `{version}` path segments; "latest" and Confluent's alias -1 mean the latest live version. */
export function parseVersionId(raw: string): VersionId {
  const s = raw.trim();
  if (s.toLowerCase() === 'latest' || s === '-1') return 'latest';
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    if (n >= 1 && n <= MAX_VERSION) return n;
  }
  throw registryError(
    42202,
    `The specified version '${raw}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string "latest"`,
    { version: raw },
  );
}

/** Parses `{id}` path segments of /schemas/ids; anything that is not a positive integer names no schema. */
export function parseSchemaId(raw: string): number | undefined {
  if (!/^\d+$/.test(raw)) return undefined;
  const n = Number(raw);
  return n >= 1 && n <= MAX_VERSION ? n : undefined;
}
