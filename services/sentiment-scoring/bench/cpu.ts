/**
 * CPU per mention of the scoring stage's per-record path in process (no Kafka):
 * generated traffic sealed and Avro-encoded as the collector writes it, then
 * decoded, opened, scored (language, lexicon, learned model, intent, theme) and
 * encoded as ScoredMentions: the scores appended to the consumed Mention bytes, or with
 * `--encode full` the whole value encoded (the path before appending, for A/B). Run it
 * with `nice -n 5` on a shared machine; compare CPU time.
 *
 *   npm run bench:cpu -w @hark/sentiment-scoring [-- --count 4000 --encode append|full]
 */
import { parseArgs } from 'node:util';
import { checkMention, type Mention } from '@hark/events';
import { createMetricsRegistry } from '@hark/observability';
import { createStageHandler } from '@hark/stage-runtime';
import { runStagePath, trafficMentions } from '../../../deploy/bench/stage-path.ts';
import { loadScoringModel } from '../src/adapters/load-model.ts';
import { createScoringHandler } from '../src/adapters/scoring-handler.ts';
import { createScoringMetrics } from '../src/adapters/scoring-metrics.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '4000' },
    encode: { type: 'string', default: 'append' },
  },
});
const model = await loadScoringModel({});
const metrics = createScoringMetrics(createMetricsRegistry({ service: 'bench' }), {
  sentiment: 'bench',
  intent: 'bench',
});

await runStagePath<Mention>({
  name: 'sentiment-scoring',
  event: 'Mention',
  values: trafficMentions(Number(values.count)).map((t) => t.mention),
  mentionOf: (m) => m,
  withMention: (_, sealed) => sealed,
  check: checkMention,
  outputs: { scored: { event: 'ScoredMention', topic: 'scored', extends: 'Mention' } },
  encode: values.encode === 'full' ? 'full' : 'append',
  handler: ({ outputs, decoder, onExtended, keyring, timed }) =>
    createStageHandler({
      input: {
        name: 'mentions',
        topic: 'in',
        event: 'Mention',
        personal: { fields: ['text', 'title'], mentionOf: (m: Mention) => m },
        handle: timed(createScoringHandler({ model, metrics, now: () => Date.now() })),
      },
      outputs,
      keyring,
      decoder,
      onExtended,
      onErased: () => {},
    }),
});
