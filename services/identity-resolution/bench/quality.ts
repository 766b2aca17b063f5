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
import { CustomerIndex } from '../src/domain/customer-index.ts';
import { applyFit, fitFromAuthors } from '../src/domain/estimate-model.ts';
import { DEFAULT_MATCH_OPTIONS, Matcher } from '../src/domain/match-author.ts';
import { DEFAULT_MODEL } from '../src/domain/scoring.ts';
import { evaluate, TABLE_HEADER, tableRow } from './evaluate.ts';
import { generateWorld } from './generate.ts';
import {
  loadSplinkHistorical,
  loadUnionArmy,
  splitOf,
  stableHash,
  type LinkageSet,
} from './linkage-sets.ts';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '100000' },
    authors: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '20261124' },
    sample: { type: 'string', default: '2000' },
    population: { type: 'string' },
  },
});

function generatorSet(): LinkageSet {
  const nAuthors = Number(values.authors);
  const world = generateWorld({
    seed: Number(values.seed),
    customers: Number(values.customers),
    derived: Math.round(nAuthors * 0.5),
    lookalikes: Math.round(nAuthors * 0.25),
    unrelated: Math.round(nAuthors * 0.25),
  });
  return {
    name: `generator (seed ${values.seed})`,
    customers: world.customers,
    authors: world.authors.map((a) => ({
      input: a.input,
      truth: a.truth,
      split: splitOf(a.input.id),
    })),
  };
}

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
  const index = new CustomerIndex();
  for (const c of set.customers) index.upsert(c);
  index.finishLoad();
  const matcher = new Matcher(index, options);
  const dev = set.authors.filter((a) => a.split === 'dev');
  const test = set.authors.filter((a) => a.split === 'test');
  rows.push(tableRow(set.name, 'test, before any fit', evaluate(index, matcher, test)));
  // The service's traffic sample: distinct dev authors in a fixed pseudo-random order.
  const sample = [...dev]
    .sort((x, y) => stableHash(x.input.id) - stableHash(y.input.id))
    .slice(0, Number(values.sample))
    .map((a) => a.input);
  const fitStarted = performance.now();
  const fit = fitFromAuthors(index, (a) => matcher.comparisonVectors(a), sample, DEFAULT_MODEL);
  const fitMs = performance.now() - fitStarted;
  matcher.useModel({ model: applyFit(DEFAULT_MODEL, fit), prior: fit.prior, label: 'bench fit' });
  rows.push(tableRow(set.name, 'dev', evaluate(index, matcher, dev)));
  rows.push(tableRow(set.name, 'test', evaluate(index, matcher, test)));
  const share = sample.length
    ? dev.filter((a) => sample.includes(a.input)).filter((a) => a.truth !== null).length /
      sample.length
    : 0;
  notes.push(
    `${set.name}: ${index.size} customers, ${set.authors.length} authors; fit ${fitMs.toFixed(0)} ms ` +
      `(${fit.pairs} pairs, ${fit.iterations} EM iterations): learned share of customers ` +
      `${fit.prior.toFixed(3)} (true ${share.toFixed(3)}); whole set ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
console.log(TABLE_HEADER);
for (const r of rows) console.log(r);
console.log('');
for (const n of notes) console.log(n);
