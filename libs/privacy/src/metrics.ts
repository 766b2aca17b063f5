import { Counter, type Registry } from 'prom-client';

/** Counters every stage that reads encrypted events shares. */
export interface PrivacyMetrics {
  /** Records dropped because their author's key was shredded (lawful erasure). */
  erased: Counter<'stage'>;
}

/** Registers `hark_privacy_erased_records_total{stage}` on the service's registry. */
export function createPrivacyMetrics(registry: Registry): PrivacyMetrics {
  const existing = registry.getSingleMetric('hark_privacy_erased_records_total');
  const erased =
    (existing as Counter<'stage'> | undefined) ??
    new Counter({
      name: 'hark_privacy_erased_records_total',
      help: 'Records dropped because their author data key was shredded (erased), by stage.',
      labelNames: ['stage'],
      registers: [registry],
    });
  return { erased };
}
