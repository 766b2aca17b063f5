/**
 * CPU per mention of the rules stage's per-record path in process (no Kafka):
 * generated traffic, resolved as identity-resolution would write it (the
 * traffic's own sentiment and intent, a third of the authors CRM customers),
 * sealed, Avro-encoded, then decoded, opened, routed and encoded as Actions.
 * Run it with `nice -n 5` on a shared machine; compare CPU time.
 *
 *   npm run bench:cpu -w @hark/action-router [-- --count 4000]
 */
import { parseArgs } from 'node:util';
import { checkResolvedMention, type ResolvedMention } from '@hark/events';
import { createMetricsRegistry } from '@hark/observability';
import { createStageHandler } from '@hark/stage-runtime';
import { makeProspectMatch } from '@hark/testing';
import { createRng } from '@hark/traffic';
import { runStagePath, trafficMentions } from '../../../deploy/bench/stage-path.ts';
import { loadRuleset } from '../src/adapters/load-rules.ts';
import { createRouterMetrics } from '../src/adapters/router-metrics.ts';
import { createRoutingHandler } from '../src/adapters/routing-handler.ts';

const { values } = parseArgs({ options: { count: { type: 'string', default: '4000' } } });
const rng = createRng(7);
const tiers = ['platinum', 'gold', 'silver', 'bronze'] as const;
const PROSPECT = makeProspectMatch();
const linked = (): ResolvedMention['customer'] => ({
  customerId: `CRM-${rng.int(1, 99_999)}`,
  status: 'linked',
  confidence: 0.99,
  method: 'handle',
  customerTier: rng.pick(tiers),
  customerValue: rng.int(0, 50_000),
});
const resolved: ResolvedMention[] = trafficMentions(Number(values.count)).map(
  ({ mention, truth }) => {
    const known = rng.chance(0.3);
    const score = truth.sentiment === 'negative' ? -0.6 : truth.sentiment === 'positive' ? 0.6 : 0;
    return {
      mention,
      sentiment: { score, label: truth.sentiment, lang: 'en', model: 'bench@1' },
      intent: { label: truth.intent, confidence: 0.5 + rng.next() / 2, model: 'bench@1' },
      scoredAt: mention.collectedAt + 50,
      theme: 'none',
      customer: known ? linked() : PROSPECT,
      influence: { score: 0.1, tier: 'nano' },
      resolvedAt: mention.collectedAt + 100,
    };
  },
);
const ruleset = loadRuleset('rules/routing.yaml');
const metrics = createRouterMetrics(createMetricsRegistry({ service: 'bench' }));

await runStagePath<ResolvedMention>({
  name: 'action-router (rules)',
  event: 'ResolvedMention',
  values: resolved,
  mentionOf: (r) => r.mention,
  withMention: (r, mention) => ({ ...r, mention }),
  check: checkResolvedMention,
  outputs: { actions: { event: 'Action', topic: 'actions' } },
  handler: ({ outputs, keyring, timed }) =>
    createStageHandler({
      input: {
        name: 'rules',
        topic: 'in',
        event: 'ResolvedMention',
        personal: { fields: ['text', 'title'], mentionOf: (r: ResolvedMention) => r.mention },
        handle: timed(
          createRoutingHandler({
            ruleset,
            metrics,
            maxAgeMs: 7 * 86_400_000,
            now: () => Date.now(),
          }),
        ),
      },
      outputs,
      keyring,
      onErased: () => {},
    }),
});
