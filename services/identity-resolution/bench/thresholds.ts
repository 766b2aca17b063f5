/**
 * npm run bench:thresholds — how auto-link precision and recall move with
 * MATCH_UPPER and MATCH_CORROBORATION_BITS, on the DEV split of each set only
 * (the rows the defaults were chosen on; the test split is never read here).
 * The model is fitted as in bench:quality; each author is resolved once with
 * the rules off and each setting is applied to the outcome.
 */
import { CustomerIndex } from '../src/domain/customer-index.ts';
import { applyFit, fitFromAuthors } from '../src/domain/estimate-model.ts';
import { corroboration, DEFAULT_MATCH_OPTIONS, Matcher } from '../src/domain/match-author.ts';
import { DEFAULT_MODEL } from '../src/domain/scoring.ts';
import { generateWorld } from './generate.ts';
import {
  loadSplinkHistorical,
  loadUnionArmy,
  splitOf,
  stableHash,
  type LinkageSet,
} from './linkage-sets.ts';

const UPPERS = [0.99, 0.995, 0.997, 0.999];
const CORROBORATION = [0, 1, 2, 4];

function generatorSet(): LinkageSet {
  const world = generateWorld({
    seed: 20261124,
    customers: 100_000,
    derived: 10_000,
    lookalikes: 5_000,
    unrelated: 5_000,
  });
  return {
    name: 'generator (seed 20261124)',
    customers: world.customers,
    authors: world.authors.map((a) => ({
      input: a.input,
      truth: a.truth,
      split: splitOf(a.input.id),
    })),
  };
}

console.log(
  '| set (dev split) | MATCH_UPPER | MATCH_CORROBORATION_BITS | auto-link P / R | wrong links |',
);
console.log('|---|---|---|---|---|');
for (const load of [generatorSet, loadSplinkHistorical, loadUnionArmy]) {
  const set = load();
  if (!set) {
    console.log(`| ${load.name}: data not found, skipped (see bench/data/SOURCES.md) | | | | |`);
    continue;
  }
  const index = new CustomerIndex();
  for (const c of set.customers) index.upsert(c);
  index.finishLoad();
  // Rules off: every fuzzy outcome keeps its posterior, ambiguity and corroboration.
  const matcher = new Matcher(index, { ...DEFAULT_MATCH_OPTIONS, upper: 0, corroborationBits: 0 });
  const dev = set.authors.filter((a) => a.split === 'dev');
  const sample = [...dev]
    .sort((x, y) => stableHash(x.input.id) - stableHash(y.input.id))
    .slice(0, 2000)
    .map((a) => a.input);
  const fit = fitFromAuthors(index, (a) => matcher.comparisonVectors(a), sample, DEFAULT_MODEL);
  matcher.useModel({ model: applyFit(DEFAULT_MODEL, fit), prior: fit.prior, label: 'bench fit' });
  const slotOf = new Map<string, number>();
  for (let slot = 0; slot < index.size; slot++) slotOf.set(index.externalId(slot), slot);
  let positives = 0;
  const outcomes: { right: boolean; exact: boolean; linked: boolean; p: number; bits: number }[] =
    [];
  for (const a of dev) {
    const truth = a.truth === null ? undefined : slotOf.get(a.truth);
    if (truth !== undefined) positives++;
    const r = matcher.resolve(a.input);
    if (r.slot === null) continue;
    outcomes.push({
      right: r.slot === truth,
      exact: r.method !== 'fuzzy',
      linked: r.status === 'linked',
      p: r.confidence,
      bits: corroboration(r.evidence),
    });
  }
  for (const upper of UPPERS) {
    for (const bits of CORROBORATION) {
      let links = 0;
      let right = 0;
      for (const o of outcomes) {
        const linked = o.exact ? o.linked : o.linked && o.p >= upper && o.bits >= bits;
        if (!linked) continue;
        links++;
        if (o.right) right++;
      }
      const p = links ? right / links : 1;
      console.log(
        `| ${set.name} | ${upper} | ${bits} | ${p.toFixed(4)} / ${(right / positives).toFixed(4)} | ${links - right} |`,
      );
    }
  }
}
