import { metricsOnce } from '@hark/observability';
import { Counter, Gauge, type Registry } from 'prom-client';

export interface ScoringMetrics {
  scored: Counter<'sentiment' | 'intent'>;
  languages: Counter<'lang'>;
  failures: Counter<'code'>;
}

/** Counts what the stage decided, so dashboards see label drift without reading the topic. One set per registry. */
export function createScoringMetrics(
  registry: Registry,
  models: { sentiment: string; intent: string },
): ScoringMetrics {
  return metricsOnce(registry, 'scoring', (registers) => {
    const info = new Gauge({
      name: 'hark_scoring_model_info',
      help: 'Model versions this process scores with (value is always 1).',
      labelNames: ['sentiment_model', 'intent_model'],
      registers,
    });
    info.set({ sentiment_model: models.sentiment, intent_model: models.intent }, 1);
    const metrics: ScoringMetrics = {
      scored: new Counter({
        name: 'hark_scoring_mentions_total',
        help: 'Mentions scored, by sentiment label and intent label.',
        labelNames: ['sentiment', 'intent'],
        registers,
      }),
      languages: new Counter({
        name: 'hark_scoring_languages_total',
        help: 'Mentions scored, by detected language (und when undetermined).',
        labelNames: ['lang'],
        registers,
      }),
      failures: new Counter({
        name: 'hark_scoring_failures_total',
        help: 'Mentions that could not be scored or encoded and went to the dead-letter topic, by error code.',
        labelNames: ['code'],
        registers,
      }),
    };
    return metrics;
  });
}
