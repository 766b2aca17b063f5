import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * A fresh registry per process (never prom-client's global), with the Node
 * defaults and a `service` label on every series.
 */
export function createMetricsRegistry(opts: { service: string; defaults?: boolean }): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: opts.service });
  if (opts.defaults !== false) collectDefaultMetrics({ register: registry });
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
