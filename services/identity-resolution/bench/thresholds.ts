/**
 * npm run bench:thresholds — how auto-link precision and recall move with
 * MATCH_UPPER and MATCH_CORROBORATION_BITS, on the DEV split of each set only
 * (the rows the defaults were chosen on; the test split is never read here).
 * The model is fitted as in bench:quality; each author is resolved once with
 * the rules off and each setting is applied to the outcome.
 */
import { corroboration, DEFAULT_MATCH_OPTIONS } from '../src/domain/match-author.ts';
import { fitOnDev, indexSet, slotsByExternalId } from './evaluate.ts';
import {
  GENERATOR_DEFAULTS,
  loadGenerator,
  loadSplinkHistorical,
  loadUnionArmy,
} from './linkage-sets.ts';

const UPPERS = [0.99, 0.995, 0.997, 0.998, 0.999];
const CORROBORATION = [0, 1, 2, 4];

const generatorSet = () => loadGenerator(GENERATOR_DEFAULTS);

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
  // Rules off: every fuzzy outcome keeps its posterior, ambiguity and corroboration.
  const { index, matcher } = indexSet(set, {
    ...DEFAULT_MATCH_OPTIONS,
    upper: 0,
    corroborationBits: 0,
  });
  const dev = set.authors.filter((a) => a.split === 'dev');
  fitOnDev(index, matcher, set, 2000);
  const slotOf = slotsByExternalId(index);
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
