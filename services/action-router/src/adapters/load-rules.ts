import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HarkError } from '@hark/errors';
import { checkExamples, parseExamples, type ExampleMismatch } from '../domain/rules/examples.ts';
import { parseRuleset, type Ruleset } from '../domain/rules/ruleset.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** A relative path is read from the working directory, else from the repository root. */
export function resolveRepoFile(path: string): string {
  if (isAbsolute(path) || existsSync(path)) return path;
  const fromRoot = join(REPO_ROOT, path);
  return existsSync(fromRoot) ? fromRoot : path;
}

/** Reads and validates a rules file; a missing or bad file throws HARK_RULES_INVALID naming it. */
export function loadRuleset(path: string): Ruleset {
  const file = resolveRepoFile(path);
  return parseRuleset(readText(file), displayName(file));
}

/** Loads the examples file and runs it against the rules: the examples that route differently. */
export function checkExamplesFile(path: string, ruleset: Ruleset): ExampleMismatch[] {
  const file = resolveRepoFile(path);
  return checkExamples(parseExamples(readText(file), displayName(file)), ruleset);
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new HarkError('HARK_RULES_INVALID', `${file}: cannot read: ${(err as Error).message}`, {
      cause: err,
      context: { file },
    });
  }
}

function displayName(file: string): string {
  const rel = relative(REPO_ROOT, file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}
