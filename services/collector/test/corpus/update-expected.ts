/**
 * Writes each corpus case's `expected` from what the adapters make of it
 * now. Run it only after a deliberate change to a mapping, then read the
 * diff case by case: the corpus is the record of what is right, not of
 * what the code happens to do.
 *
 *   node --import tsx services/collector/test/corpus/update-expected.ts [platform/name …]
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCase, type CorpusCase } from './run-case.ts';

const root = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
let written = 0;
for (const platform of readdirSync(root, { withFileTypes: true })) {
  if (!platform.isDirectory()) continue;
  const dir = join(root, platform.name);
  for (const file of readdirSync(dir)) {
    if (!file.endsWith('.json')) continue;
    const name = `${platform.name}/${file.replace(/\.json$/, '')}`;
    if (only.length > 0 && !only.includes(name)) continue;
    const path = join(dir, file);
    const c = JSON.parse(readFileSync(path, 'utf8')) as CorpusCase;
    c.expected = runCase(c, dir);
    writeFileSync(path, `${JSON.stringify(c, null, 2)}\n`);
    written++;
  }
}
process.stdout.write(`${written} case(s) written\n`);
