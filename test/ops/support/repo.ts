import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The repository root, whatever the working directory. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** An absolute path from a repository-relative one. */
export function repoPath(relative: string): string {
  return join(ROOT, relative);
}

/** Parses a YAML file of the repository (one document). */
export function readYaml<T = unknown>(relative: string): T {
  return parse(readFileSync(repoPath(relative), 'utf8'), { merge: true }) as T;
}

export function readJson<T = unknown>(relative: string): T {
  return JSON.parse(readFileSync(repoPath(relative), 'utf8')) as T;
}

/** Narrows an unknown YAML/JSON node to a plain object, or fails with where it was. */
export function asRecord(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${where}: expected a mapping, got ${JSON.stringify(value)}`);
  return value as Record<string, unknown>;
}
