import { Counter, Histogram, type Registry } from 'prom-client';

export interface RollupMetrics {
  applied: Counter<'kind'>;
  duplicates: Counter<'kind'>;
  rejected: Counter<'kind' | 'code'>;
  writeSeconds: Histogram<'kind'>;
  eventAgeSeconds: Histogram<'kind'>;
  /** collectedAt → committed here: the pipeline's end-to-end latency as users see it. */
  visibilitySeconds: Histogram;
  maintenanceFailures: Counter;
  suppressed: Counter;
  restated: Counter<'cause'>;
  compliance: Counter<'kind' | 'outcome'>;
  corrections: Counter;
  textScrubbed: Counter;
}

export function createRollupMetrics(registry: Registry): RollupMetrics {
  const registers = [registry];
  return {
    applied: new Counter({
      name: 'hark_rollup_applied_total',
      help: 'Facts that were new and were added to the rollups, by kind (mention, signal).',
      labelNames: ['kind'],
      registers,
    }),
    duplicates: new Counter({
      name: 'hark_rollup_duplicates_total',
      help: 'Re-delivered facts recognized as already counted; they changed nothing.',
      labelNames: ['kind'],
      registers,
    }),
    rejected: new Counter({
      name: 'hark_rollup_rejected_total',
      help: 'Records sent to the DLQ instead of the rollups: too late, in the future or invalid, by kind and code.',
      labelNames: ['kind', 'code'],
      registers,
    }),
    writeSeconds: new Histogram({
      name: 'hark_rollup_write_duration_seconds',
      help: 'Time of one rollup transaction (facts, authors and rollups of a batch).',
      labelNames: ['kind'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    visibilitySeconds: new Histogram({
      name: 'hark_rollup_visibility_latency_seconds',
      help: 'Collector acceptance (collectedAt) to commit in the rollups, per delivered mention; re-deliveries after a crash or a replay show as a tail.',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers,
    }),
    eventAgeSeconds: new Histogram({
      name: 'hark_rollup_event_age_seconds',
      help: 'Processing clock minus event time of accepted records: how late the data arrives.',
      labelNames: ['kind'],
      buckets: [1, 10, 60, 300, 900, 3600, 6 * 3600, 86_400, 3 * 86_400, 7 * 86_400],
      registers,
    }),
    maintenanceFailures: new Counter({
      name: 'hark_rollup_maintenance_failures_total',
      help: 'Partition maintenance or view refresh runs that failed (retried next interval).',
      registers,
    }),
    suppressed: new Counter({
      name: 'hark_rollup_suppressed_total',
      help: 'Mention deliveries not counted because a compliance record names them (deleted post, deleted or erased author or customer).',
      registers,
    }),
    restated: new Counter({
      name: 'hark_rollup_restated_total',
      help: 'Facts removed or replaced by a restatement, by cause (edit, compliance, correction).',
      labelNames: ['cause'],
      registers,
    }),
    compliance: new Counter({
      name: 'hark_rollup_compliance_events_total',
      help: 'Compliance events handled, by kind and outcome (applied, duplicate).',
      labelNames: ['kind', 'outcome'],
      registers,
    }),
    corrections: new Counter({
      name: 'hark_rollup_corrections_total',
      help: 'Analyst corrections stored (each restated its mention).',
      registers,
    }),
    textScrubbed: new Counter({
      name: 'hark_rollup_text_scrubbed_total',
      help: 'Facts whose text, title, url, handle and name the text retention blanked.',
      registers,
    }),
  };
}
