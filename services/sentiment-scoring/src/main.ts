import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkMention } from '@hark/events';
import { defineService, isEntryPoint, runService } from '@hark/stage-runtime';
import { loadScoringModel } from './adapters/load-model.ts';
import { createScoringHandler } from './adapters/scoring-handler.ts';
import { createScoringMetrics } from './adapters/scoring-metrics.ts';
import { configSpec, SERVICE } from './config.ts';

const SERVICE_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Mentions in, ScoredMentions out keyed `platform:authorId`; the database holds only the keyring. */
export const scoringService = defineService({
  name: SERVICE,
  config: configSpec,
  database: {},
  keyring: true,
  // A ScoredMention is the consumed Mention plus the scores: appended, not re-encoded.
  outputs: {
    scored: { event: 'ScoredMention', topic: (c) => c.outputTopic, extends: 'Mention' },
  },
  async setup({ config, logger, registry, now, input }) {
    const model = await loadScoringModel({
      intentModelPath: resolve(SERVICE_DIR, config.intentModelPath),
      socialModelPath: resolve(SERVICE_DIR, config.socialModelPath),
      languages: config.languages,
      logger,
    });
    const metrics = createScoringMetrics(registry, {
      sentiment: model.languages.get('en')!.model,
      intent: model.intent.name,
    });
    return {
      inputs: [
        input({
          name: 'mentions',
          stage: SERVICE,
          topic: config.inputTopic,
          event: 'Mention',
          check: checkMention,
          // Scoring reads the text and title only; the author stays sealed.
          personal: { fields: ['text', 'title'], mentionOf: (mention) => mention },
          handle: createScoringHandler({ model, metrics, now }),
        }),
      ],
    };
  },
});

if (isEntryPoint(import.meta.url)) await runService(scoringService);
