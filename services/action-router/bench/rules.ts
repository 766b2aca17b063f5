/**
 * Rule evaluation speed: the repository's rules over generated resolved
 * mentions (a mix of intents, customers and prospects, texts of 10–40 words),
 * single-threaded, no I/O. Prints mentions/s and the share that routes.
 *
 *   npm run bench:rules -w @hark/action-router
 */
import { IntentLabelSymbols, type ResolvedMention } from '@hark/events';
import { makeMention, makeProspectMatch, makeResolvedMention } from '@hark/testing';
import { createRng } from '@hark/traffic';
import { loadRuleset } from '../src/adapters/load-rules.ts';
import { buildAction, routeMention } from '../src/domain/rules/route-mention.ts';

const N = 200_000;
const rng = createRng(11);
const ruleset = loadRuleset('rules/routing.yaml');
const words =
  'the my router app support refund cancel order late broken love great fire lawyer price deal switch plan'.split(
    ' ',
  );
const intents = IntentLabelSymbols;
const base = makeResolvedMention();
const mentions: ResolvedMention[] = Array.from({ length: 5000 }, (_, i) => {
  const known = rng.chance(0.3);
  const text = Array.from({ length: rng.int(10, 40) }, () => rng.pick(words)).join(' ');
  return makeResolvedMention({
    mention: makeMention({
      postId: String(i),
      text,
      author: { ...base.mention.author, followers: rng.int(0, 500_000) },
    }),
    sentiment: {
      ...base.sentiment,
      label: rng.pick(['negative', 'neutral', 'positive'] as const),
      score: rng.next() * 2 - 1,
    },
    intent: { ...base.intent, label: rng.pick(intents), confidence: rng.next() },
    customer: known
      ? {
          ...base.customer,
          customerTier: rng.pick(['gold', 'silver', 'bronze', 'platinum']),
          customerValue: rng.int(0, 50_000),
        }
      : makeProspectMatch(),
  });
});

let routed = 0;
let actions = 0;
const started = performance.now();
for (let i = 0; i < N; i++) {
  const m = mentions[i % mentions.length]!;
  const routes = routeMention(m, ruleset);
  if (routes.length > 0) routed++;
  for (const r of routes) {
    buildAction(m, r, ruleset.version, 0);
    actions++;
  }
}
const seconds = (performance.now() - started) / 1000;
console.log(`rules ${ruleset.version}: ${ruleset.rules.length} rules`);
console.log(
  `${N.toLocaleString('en')} mentions in ${seconds.toFixed(2)} s = ${Math.round(N / seconds).toLocaleString('en')} mentions/s (routed ${((100 * routed) / N).toFixed(1)}%, ${actions.toLocaleString('en')} actions built)`,
);
