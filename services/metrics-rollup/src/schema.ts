import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Migrations scope `metrics-rollup`: facts, rollups, analyst views. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A relative BRANDS_FILE is read from the working directory, else from the repository root. */
export function resolveBrandsFile(path: string): string {
  if (isAbsolute(path) || existsSync(path)) return path;
  const fromRoot = join(REPO_ROOT, path);
  return existsSync(fromRoot) ? fromRoot : path;
}
