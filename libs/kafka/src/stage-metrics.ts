import { metricsOnce } from '@hark/observability';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface StageMetrics {
  recordsIn: Counter<'stage' | 'topic'>;
  recordsOut: Counter<'stage' | 'topic'>;
  deadLetters: Counter<'stage' | 'code'>;
  retries: Counter<'stage'>;
  tombstones: Counter<'stage' | 'topic'>;
  batchSeconds: Histogram<'stage'>;
  lag: Gauge<'stage' | 'topic' | 'partition'>;
}

/**
 * `hark_dlq_records_total{stage,code}` on a registry, created once: the stage loop counts
 * its dead letters here, and so does any other writer to `dlq` (the collector's refused
 * items), so one series and one alert cover them all.
 */
export function deadLetterCounter(registry: Registry): Counter<'stage' | 'code'> {
  return (
    (registry.getSingleMetric('hark_dlq_records_total') as Counter<'stage' | 'code'> | undefined) ??
    new Counter({
      name: 'hark_dlq_records_total',
      help: 'Records sent to the dead-letter topic, by stage and error code.',
      labelNames: ['stage', 'code'],
      registers: [registry],
    })
  );
}

/** The consume-process-produce metrics, one set per registry (several stages in a process share it). */
export function stageMetrics(registry: Registry): StageMetrics {
  return metricsOnce(registry, 'stage', (registers): StageMetrics => ({
    recordsIn: new Counter({
      name: 'hark_stage_records_in_total',
      help: 'Records consumed by a stage, by topic.',
      labelNames: ['stage', 'topic'],
      registers,
    }),
    recordsOut: new Counter({
      name: 'hark_stage_records_out_total',
      help: 'Records produced by a stage and acknowledged by Kafka, by topic.',
      labelNames: ['stage', 'topic'],
      registers,
    }),
    deadLetters: deadLetterCounter(registry),
    retries: new Counter({
      name: 'hark_stage_retries_total',
      help: 'Batch attempts retried after a retriable failure.',
      labelNames: ['stage'],
      registers,
    }),
    tombstones: new Counter({
      name: 'hark_stage_tombstones_skipped_total',
      help: 'Input records with a null value, skipped.',
      labelNames: ['stage', 'topic'],
      registers,
    }),
    batchSeconds: new Histogram({
      name: 'hark_stage_batch_duration_seconds',
      help: 'Time to decode, process, produce and commit one batch.',
      labelNames: ['stage'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    lag: new Gauge({
      name: 'hark_consumer_lag',
      help: 'Records between the last processed offset and the partition high watermark.',
      labelNames: ['stage', 'topic', 'partition'],
      registers,
    }),
  }));
}
