import { HarkError, isHarkError } from '@hark/errors';
import type { ResolvedMention } from '@hark/events';
import type { Emit, HandlerResult, OpenedRecord } from '@hark/stage-runtime';
import { buildAction, routeMention } from '../domain/rules/route-mention.ts';
import type { Ruleset } from '../domain/rules/ruleset.ts';
import type { RouterMetrics } from './router-metrics.ts';

/** What the rules stage writes. */
export type RoutingOutputs = { actions: 'Action' };

/**
 * Evaluates the rules on each resolved mention and returns one Action record
 * per route, keyed by its deterministic id. The runtime opened the text and
 * title (rules read clear text; an erased author is not routed; a bad
 * envelope goes to the DLQ). Evaluation is pure, so a record that makes it
 * throw would throw again: it goes to the DLQ with the reason.
 */
export function createRoutingHandler(deps: {
  ruleset: Ruleset;
  metrics?: RouterMetrics;
  /** Mentions posted longer ago than this are not routed. */
  maxAgeMs: number;
  now: () => number;
}): (
  records: OpenedRecord<ResolvedMention>[],
) => Promise<HandlerResult<ResolvedMention, RoutingOutputs>> {
  return async (opened) => {
    const outputs: Emit<RoutingOutputs, ResolvedMention>[] = [];
    const failures: NonNullable<HandlerResult<ResolvedMention, RoutingOutputs>['failures']> = [];
    const now = deps.now();
    for (const { record, mention } of opened) {
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
          outputs.push({ output: 'actions', key: action.actionId, value: action, from: record });
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
