import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * How often the event-loop lag histogram (`nodejs_eventloop_lag_*`) samples, in ms. prom-client's
 * default, 10, is a timer that wakes the loop ~200 times a second; on this project's machines a
 * wake-up of an otherwise idle loop costs ~50 µs of CPU, so that was ~10 ms of CPU a second per
 * process, busy or idle (root README, issue 20). At 100 ms a stall long enough to matter for the
 * ops dashboard's p99 panel is still seen.
 */
export const EVENT_LOOP_SAMPLE_MS = 100;

/**
 * A fresh registry per process (never prom-client's global), with the Node
 * defaults and a `service` label on every series.
 */
export function createMetricsRegistry(opts: { service: string; defaults?: boolean }): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: opts.service });
  if (opts.defaults !== false)
    collectDefaultMetrics({
      register: registry,
      eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS,
    });
  return registry;
}

const built = new WeakMap<Registry, Map<string, unknown>>();

/**
 * A component's metrics, built once per registry under `key` (platformatic/kafka's
 * `ensureMetric`): building a component twice on one registry shares its series instead of
 * failing on "already registered".
 */
export function metricsOnce<T>(
  registry: Registry,
  key: string,
  build: (registers: Registry[]) => T,
): T {
  let byKey = built.get(registry);
  if (!byKey) built.set(registry, (byKey = new Map()));
  if (!byKey.has(key)) byKey.set(key, build([registry]));
  return byKey.get(key) as T;
}
