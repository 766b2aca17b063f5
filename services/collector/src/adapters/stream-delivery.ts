import { countBatchEvents, type StreamBatch } from '../domain/streams/stream-batch.ts';
import type { StreamCursor } from '../domain/streams/stream-kind.ts';
import type { StreamSpec } from '../domain/streams/stream-spec.ts';
import type { CollectorMetrics } from './collector-metrics.ts';
import type { IngestService } from './ingest.ts';
import type { SourceLeases } from './source-leases.ts';

/**
 * Makes a stream batch durable, then checkpoints it: ingest resolves only
 * after Kafka acknowledged, so a crash before the checkpoint re-reads the
 * batch (the same mentionIds) and a crash after it loses nothing.
 */
export function createStreamDelivery(deps: {
  ingest: IngestService;
  metrics: CollectorMetrics;
  leases: SourceLeases;
  leaseMs: number;
}) {
  const { ingest, metrics } = deps;
  return async function deliver(spec: StreamSpec, batch: StreamBatch<StreamCursor>): Promise<void> {
    // A stream is a source the collector pulls from, like a poller: same Source kind, its own name.
    const source = { kind: 'poller' as const, name: spec.id };
    if (batch.compliance.length > 0) {
      const entries = batch.compliance.map((entry) => ({ entry }));
      await ingest.compliance(entries, { source, deadLetterRejected: true });
    }
    if (batch.posts.length > 0) {
      const entries = batch.posts.map((entry) => ({ entry }));
      await ingest.mentions(entries, { source, brand: spec.brand, deadLetterRejected: true });
    }
    for (const [outcome, n] of countBatchEvents(batch))
      metrics.streamEvents.inc({ stream: spec.id, outcome }, n);
    if (batch.unmatched > 0) {
      metrics.received.inc({ source: source.kind, type: 'mention' }, batch.unmatched);
      metrics.unmatched.inc({ source: source.kind }, batch.unmatched);
    }
    await deps.leases.save(spec.id, batch.cursor, deps.leaseMs);
  };
}
