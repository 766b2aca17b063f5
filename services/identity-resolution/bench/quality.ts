/**
 * npm run bench:quality — linkage quality with the service defaults on the
 * project's generator and on public person-record benchmarks (see
 * bench/data/SOURCES.md): pairs completeness of blocking, auto-link and
 * review precision/recall, and an exact name + place baseline in the same
 * run. The model is fitted the way the service fits it from traffic: on the
 * authors of the dev split, unlabeled; the test split is never used for
 * fitting, nor was it looked at while the defaults were chosen.
 * Options: --customers N --authors N --seed N (generator), --sample N
 * (authors per fit), --population N (hand override of the prior).
 */
import { parseArgs } from 'node:util';
import { DEFAULT_MATCH_OPTIONS } from '../src/domain/match-author.ts';
import { evaluate, fitOnDev, indexSet, TABLE_HEADER, tableRow } from './evaluate.ts';
import {
  GENERATOR_DEFAULTS,
  loadGenerator,
  loadSplinkHistorical,
  loadUnionArmy,
  splitAuthors,
} from './linkage-sets.ts';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: String(GENERATOR_DEFAULTS.customers) },
    authors: { type: 'string', default: String(GENERATOR_DEFAULTS.authors) },
    seed: { type: 'string', default: String(GENERATOR_DEFAULTS.seed) },
    sample: { type: 'string', default: '2000' },
    population: { type: 'string' },
  },
});

const generatorSet = () =>
  loadGenerator({
    seed: Number(values.seed),
    customers: Number(values.customers),
    authors: Number(values.authors),
  });

const options = {
  ...DEFAULT_MATCH_OPTIONS,
  population: values.population ? Number(values.population) : null,
};
console.log(
  `service defaults (upper ${options.upper}, lower ${options.lower}, ambiguity ${options.ambiguityBits} bits, ` +
    `prior ${options.population === null ? 'learned' : `1 in ${options.population}`}); ` +
    `fit on ${values.sample} unlabeled dev-split authors\n`,
);
const rows: string[] = [];
const notes: string[] = [];
for (const load of [generatorSet, loadSplinkHistorical, loadUnionArmy]) {
  const started = performance.now();
  const set = load();
  if (!set) {
    notes.push(`${load.name}: data not found, skipped (see bench/data/SOURCES.md)`);
    continue;
  }
  const { index, matcher } = indexSet(set, options);
  const { dev, test } = splitAuthors(set);
  rows.push(tableRow(set.name, 'test, before any fit', evaluate(index, matcher, test)));
  const { fit, ms, share } = fitOnDev(index, matcher, set, Number(values.sample));
  rows.push(tableRow(set.name, 'dev', evaluate(index, matcher, dev)));
  rows.push(tableRow(set.name, 'test', evaluate(index, matcher, test)));
  notes.push(
    `${set.name}: ${index.size} customers, ${set.authors.length} authors; fit ${ms.toFixed(0)} ms ` +
      `(${fit.pairs} pairs, ${fit.iterations} EM iterations): learned share of customers ` +
      `${fit.prior.toFixed(3)} (true ${share.toFixed(3)}); whole set ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
console.log(TABLE_HEADER);
for (const r of rows) console.log(r);
console.log('');
for (const n of notes) console.log(n);
