import { HarkError, isHarkError } from '@hark/errors';
import type { Action, ResolvedMention } from '@hark/events';
import type { BatchHandler, BatchResult, OutputRecord } from '@hark/kafka';
import { openMentionBatch, type Keyring } from '@hark/privacy';
import { buildAction, routeMention } from '../domain/rules/route-mention.ts';
import type { Ruleset } from '../domain/rules/ruleset.ts';
import type { RouterMetrics } from './router-metrics.ts';

/**
 * Evaluates the rules on each resolved mention and returns one Action record
 * per route, keyed by its deterministic id. The batch is opened first (one
 * keyring round trip): rules read clear text; an erased author is not routed;
 * a bad envelope goes to the DLQ. Evaluation is pure, so a record that makes
 * it throw would throw again: it goes to the DLQ with the reason.
 */
export function createRoutingHandler(deps: {
  keyring: Pick<Keyring, 'keysForRead'>;
  ruleset: Ruleset;
  encode: (action: Action) => Buffer;
  topic: string;
  metrics?: RouterMetrics;
  /** Mentions posted longer ago than this are not routed. */
  maxAgeMs: number;
  now: () => number;
}): BatchHandler<ResolvedMention> {
  return async (records) => {
    const outputs: OutputRecord[] = [];
    // Rules read the text and title; the Action keeps every personal field sealed.
    const opened = await openMentionBatch(records, (r) => r.value.mention, deps.keyring, [
      'text',
      'title',
    ]);
    const failures: NonNullable<BatchResult<ResolvedMention>['failures']> = [...opened.failures];
    const now = deps.now();
    if (opened.erased.length > 0)
      deps.metrics?.unrouted.inc({ reason: 'erased' }, opened.erased.length);
    for (const { record, mention } of opened.clear) {
      if (now - mention.createdAt > deps.maxAgeMs) {
        deps.metrics?.unrouted.inc({ reason: 'too_old' });
        continue;
      }
      try {
        const clear = { ...record.value, mention };
        const routes = routeMention(clear, deps.ruleset);
        if (routes.length === 0) deps.metrics?.unrouted.inc({ reason: 'no_rule' });
        for (const route of routes) {
          const action = buildAction(clear, route, deps.ruleset.version, now, record.value.mention);
          outputs.push({ topic: deps.topic, key: action.actionId, value: deps.encode(action) });
          deps.metrics?.routed.inc({
            queue: route.queue,
            rule: route.ruleId,
            priority: route.priority,
          });
        }
      } catch (err) {
        failures.push({
          record,
          error: isHarkError(err)
            ? err
            : new HarkError(
                'HARK_STAGE_PROCESSING_FAILED',
                `routing failed: ${(err as Error).message}`,
                {
                  cause: err,
                  context: { mentionId: record.value.mention?.mentionId },
                },
              ),
        });
      }
    }
    return { outputs, failures };
  };
}
