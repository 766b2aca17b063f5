import { checkResolvedMention } from '@hark/events';
import {
  defineService,
  isEntryPoint,
  runService,
  type Component,
  type RunningService,
} from '@hark/stage-runtime';
import { createDeliveryWorker } from './adapters/delivery-worker.ts';
import { loadRuleset } from './adapters/load-rules.ts';
import { createOutboxStore } from './adapters/outbox-store.ts';
import { createRouterMetrics } from './adapters/router-metrics.ts';
import { createRoutingHandler } from './adapters/routing-handler.ts';
import { createSpikeMonitor, type SpikeMonitor } from './adapters/spike-monitor.ts';
import { configProblems, configSpec, detectorParams, SERVICE } from './config.ts';
import { MIGRATIONS_DIR } from './schema.ts';

/**
 * Resolved mentions in, Actions out (rules); optionally the actions topic into
 * the webhook outbox, and spike Alerts from metrics-rollup's minute rollups.
 */
export const actionRouter = defineService({
  name: SERVICE,
  config: configSpec,
  configCheck: configProblems,
  database: { migrations: MIGRATIONS_DIR },
  keyring: true,
  outputs: {
    actions: { event: 'Action', topic: (c) => c.actionsTopic },
    alerts: { event: 'Alert', topic: (c) => c.alertsTopic },
  },
  setup({ config, logger, registry, pool, keyring, outputs, now, input }) {
    // A bad rules file stops the start here: HARK_RULES_INVALID with the file, line and reason.
    const ruleset = loadRuleset(config.rulesFile);
    const metrics = createRouterMetrics(registry);
    metrics.rulesInfo.set({ version: ruleset.version }, 1);
    logger.info(
      { file: ruleset.file, version: ruleset.version, rules: ruleset.rules.length },
      'routing rules loaded',
    );
    const inputs: ReturnType<typeof input>[] = [
      input({
        name: 'rules',
        topic: config.inputTopic,
        event: 'ResolvedMention',
        check: checkResolvedMention,
        // Rules read the text and title; the Action keeps every personal field sealed.
        personal: {
          fields: ['text', 'title'],
          mentionOf: (resolved) => resolved.mention,
          onErased: (n) => metrics.unrouted.inc({ reason: 'erased' }, n),
        },
        handle: createRoutingHandler({ ruleset, metrics, maxAgeMs: config.maxAge.ms, now }),
      }),
    ];
    const components: Component[] = [];
    if (config.webhookUrl) {
      const store = createOutboxStore({ pool });
      // The outbox is filled from the topic: an action reaches the webhook only once it is
      // durable in Kafka, and offsets commit only after the rows are in PostgreSQL.
      inputs.push(
        input({
          name: 'webhook',
          topic: config.actionsTopic,
          group: `${config.groupId}.webhook`,
          event: 'Action',
          handle: async (records) => {
            metrics.outboxInserted.inc(await store.insert(records.map((r) => r.value)));
            return { outputs: [] };
          },
        }),
      );
      const worker = createDeliveryWorker({
        store,
        keyring,
        logger,
        metrics,
        url: config.webhookUrl,
        secret: config.webhookSecret,
        timeoutMs: config.webhookTimeout.ms,
        maxAttempts: config.webhookMaxAttempts,
        backoff: { initialMs: config.webhookBackoffInitial.ms, maxMs: config.webhookBackoffMax.ms },
        concurrency: config.webhookConcurrency,
        pollMs: config.webhookPoll.ms,
        retentionMs: config.outboxRetention.ms,
        now,
      });
      components.push({ name: 'webhook delivery', start: worker.start, close: worker.close });
    }
    let spikes: SpikeMonitor | undefined;
    if (config.alertsEnabled) {
      spikes = createSpikeMonitor({
        pool,
        alerts: outputs.alerts,
        logger,
        metrics,
        params: detectorParams(config),
        intervalMs: config.alertInterval.ms,
        graceMs: config.alertGrace.ms,
        maxCatchUp: config.alertMaxCatchUp,
        topMentions: config.alertTopMentions,
        now,
      });
      components.push({ name: 'spike monitor', start: spikes.start, close: spikes.close });
    }
    return { inputs, components, exposed: { spikes } };
  },
});

/** The running service as tests reach it: the spike monitor (absent with ALERTS_ENABLED=false). */
export type ActionRouter = RunningService<{ spikes: SpikeMonitor | undefined }>;

if (isEntryPoint(import.meta.url)) await runService(actionRouter);
