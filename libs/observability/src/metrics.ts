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
