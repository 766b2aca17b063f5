/**
 * Writes test/unit/fixtures/scoring-snapshot.txt: the scoring outputs of every case of
 * `snapshotCases()` (one line each) and a digest of 40,000 more random posts (of pieces
 * and of single characters). The snapshot test holds the scorer to it, so speed work
 * cannot change an output. Run it
 * only when outputs are meant to change (a new model version), and say so in the commit.
 *
 *   npx tsx services/sentiment-scoring/scripts/snapshot-scoring.ts
 */
import { writeFileSync } from 'node:fs';
import { loadScoringModel } from '../src/adapters/load-model.ts';
import { randomDigest, snapshotCases, snapshotLine } from '../test/unit/fixtures/scoring-corpus.ts';

const model = await loadScoringModel({});
const lines = snapshotCases().map((c, i) => snapshotLine(c, i, model));
lines.push(randomDigest(20_000, model));
const out = new URL('../test/unit/fixtures/scoring-snapshot.txt', import.meta.url);
writeFileSync(out, lines.join('\n') + '\n');
process.stdout.write(`${lines.length} lines → ${out.pathname}\n`);
