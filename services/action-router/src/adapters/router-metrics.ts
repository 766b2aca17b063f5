import { metricsOnce } from '@hark/observability';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface RouterMetrics {
  routed: Counter<'queue' | 'rule' | 'priority'>;
  unrouted: Counter<'reason'>;
  rulesInfo: Gauge<'version'>;
  outboxInserted: Counter;
  deliveries: Counter<'outcome'>;
  deliverySeconds: Histogram;
  outboxPending: Gauge;
  outboxDead: Gauge;
  alerts: Counter<'metric'>;
  alertRounds: Counter<'outcome'>;
  alertRoundSeconds: Histogram;
  openEpisodes: Gauge<'metric'>;
}

/** The action router's metrics; one set per registry. */
export function createRouterMetrics(registry: Registry): RouterMetrics {
  return metricsOnce(registry, 'router', (registers) => {
    const metrics: RouterMetrics = {
      routed: new Counter({
        name: 'hark_actions_routed_total',
        help: 'Actions emitted, by queue, rule and priority.',
        labelNames: ['queue', 'rule', 'priority'],
        registers,
      }),
      unrouted: new Counter({
        name: 'hark_actions_unrouted_mentions_total',
        help: 'Resolved mentions that produced no action, by reason: no_rule (nothing matched), too_old (past ACTION_MAX_AGE), erased (author erased).',
        labelNames: ['reason'],
        registers,
      }),
      rulesInfo: new Gauge({
        name: 'hark_actions_rules_info',
        help: 'Version of the routing rules this process runs (value is always 1).',
        labelNames: ['version'],
        registers,
      }),
      outboxInserted: new Counter({
        name: 'hark_actions_outbox_inserted_total',
        help: 'Actions newly added to the webhook outbox (re-deliveries of known action ids are not counted).',
        registers,
      }),
      deliveries: new Counter({
        name: 'hark_actions_webhook_attempts_total',
        help: 'Webhook delivery attempts, by outcome: delivered, retry (will be tried again), dead (gave up) or erased (author erased before delivery, nothing sent).',
        labelNames: ['outcome'],
        registers,
      }),
      deliverySeconds: new Histogram({
        name: 'hark_actions_webhook_seconds',
        help: 'Duration of webhook POSTs.',
        buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
        registers,
      }),
      outboxPending: new Gauge({
        name: 'hark_actions_outbox_pending',
        help: 'Actions waiting for webhook delivery (sampled by the delivery worker).',
        registers,
      }),
      outboxDead: new Gauge({
        name: 'hark_actions_outbox_dead',
        help: 'Actions that exhausted their webhook attempts and are kept as dead (sampled).',
        registers,
      }),
      alerts: new Counter({
        name: 'hark_alerts_emitted_total',
        help: 'Spike alerts emitted (one per episode), by metric.',
        labelNames: ['metric'],
        registers,
      }),
      alertRounds: new Counter({
        name: 'hark_alerts_rounds_total',
        help: 'Spike detection rounds, by outcome: done, skipped (another instance holds the lock) or failed.',
        labelNames: ['outcome'],
        registers,
      }),
      alertRoundSeconds: new Histogram({
        name: 'hark_alerts_round_seconds',
        help: 'Duration of a spike detection round.',
        buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
        registers,
      }),
      openEpisodes: new Gauge({
        name: 'hark_alerts_open_episodes',
        help: 'Spike episodes open after the last round, by metric.',
        labelNames: ['metric'],
        registers,
      }),
    };
    return metrics;
  });
}
