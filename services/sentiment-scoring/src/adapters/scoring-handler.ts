import { HarkError, isHarkError } from '@hark/errors';
import type { Mention } from '@hark/events';
import type { Emit, HandlerResult, OpenedRecord } from '@hark/stage-runtime';
import type { ScoringModel } from '../domain/model.ts';
import { scoredMentionKey, scoresOf } from '../domain/score-mention.ts';
import type { ScoringMetrics } from './scoring-metrics.ts';

/** What the scoring stage writes. */
export type ScoringOutputs = { scored: 'ScoredMention' };

/**
 * The batch handler, a thin adapter around `scoresOf`: the runtime opened
 * the text and title. Scoring is pure and deterministic, so a record that
 * makes it throw would throw again after any restart: it goes to the DLQ
 * with the reason instead of crashing the consumer into a loop.
 */
export function createScoringHandler(deps: {
  model: ScoringModel;
  metrics?: ScoringMetrics;
  now: () => number;
}): (records: OpenedRecord<Mention>[]) => Promise<HandlerResult<Mention, ScoringOutputs>> {
  return async (opened) => {
    const outputs: Emit<ScoringOutputs, Mention>[] = [];
    const failures: NonNullable<HandlerResult<Mention, ScoringOutputs>['failures']> = [];
    const now = deps.now();
    // Counted per batch, then added once per label set: prom-client hashes the label object
    // on every inc (0.7 µs a mention for the two counters).
    const scored = new Map<string, Map<string, number>>();
    const languages = new Map<string, number>();
    for (const { record, mention } of opened) {
      try {
        const result = scoresOf(mention, deps.model, now);
        // The output extends the mention as it came in (personal fields still sealed): the
        // runtime appends the scores to its consumed bytes.
        outputs.push({
          output: 'scored',
          key: scoredMentionKey(record.value),
          extend: record,
          with: result,
        });
        const { label, lang } = result.sentiment;
        let byIntent = scored.get(label);
        if (!byIntent) scored.set(label, (byIntent = new Map()));
        byIntent.set(result.intent.label, (byIntent.get(result.intent.label) ?? 0) + 1);
        languages.set(lang, (languages.get(lang) ?? 0) + 1);
      } catch (err) {
        const error = isHarkError(err)
          ? err
          : new HarkError(
              'HARK_STAGE_PROCESSING_FAILED',
              `scoring failed: ${(err as Error).message}`,
              {
                cause: err,
                context: { mentionId: record.value.mentionId },
              },
            );
        deps.metrics?.failures.inc({ code: error.code });
        failures.push({ record, error });
      }
    }
    const m = deps.metrics;
    if (m) {
      for (const [sentiment, byIntent] of scored)
        for (const [intent, n] of byIntent) m.scored.inc({ sentiment, intent }, n);
      for (const [lang, n] of languages) m.languages.inc({ lang }, n);
    }
    return { outputs, failures };
  };
}
