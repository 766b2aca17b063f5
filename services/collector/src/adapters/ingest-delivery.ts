import type { BrandSignal, ComplianceEvent, Mention, Source } from '@hark/events';
import { COLLECTOR_STAGE, collectorDeadLetter } from '../domain/dead-letter.ts';
import { describeErrors, rejectionReason, type RejectedItem } from '../domain/item-errors.ts';
import { signalKey } from '../domain/prepare-signals.ts';
import type { IngestDeps } from './ingest.ts';
import type { PublishRecord } from './kafka-publisher.ts';

/** What one ingest call hands to Kafka, and how it counts once Kafka acknowledged. */
export interface Delivery {
  labels: { source: string; type: 'mention' | 'signal' | 'compliance' };
  received: number;
  records: PublishRecord[];
  accepted: number;
  /**
   * Where refused items came from, when they are to be dead-lettered (webhooks,
   * pollers: nobody else would hear of them); published with the records.
   */
  deadLetterRejected?: false | { source: Source; at: number };
  rejected: readonly RejectedItem[];
}

export interface IngestDelivery {
  mentionRecords(mentions: readonly Mention[]): PublishRecord[];
  signalRecords(signals: readonly BrandSignal[]): PublishRecord[];
  complianceRecords(events: readonly { key: string; event: ComplianceEvent }[]): PublishRecord[];
  deadLetter(refused: Parameters<typeof collectorDeadLetter>[0]): PublishRecord;
  /** Publishes (acks=all), then counts the dead letters among the records, as every stage does. */
  publish(records: readonly PublishRecord[]): Promise<void>;
  /** Counts what was received, publishes, and only then counts what was accepted and refused. */
  deliver(delivery: Delivery): Promise<void>;
}

/** The outbound half of ingest: encoding for each topic, publishing, and the counters around it. */
export function createIngestDelivery(
  deps: Pick<IngestDeps, 'publisher' | 'encoders' | 'topics' | 'metrics'>,
): IngestDelivery {
  const { encoders, topics, metrics } = deps;

  function deadLetter(refused: Parameters<typeof collectorDeadLetter>[0]): PublishRecord {
    const value = encoders.deadLetter.encode(collectorDeadLetter(refused));
    return { topic: topics.dlq, key: refused.id, value, deadLetterCode: refused.code };
  }

  function refusedItem(r: RejectedItem, from: { source: Source; at: number }): PublishRecord {
    const message = describeErrors(r.errors);
    const { source, at } = from;
    return deadLetter({
      id: r.id,
      native: r.native,
      source,
      code: 'HARK_INGEST_INVALID',
      message,
      at,
    });
  }

  async function publish(records: readonly PublishRecord[]): Promise<void> {
    await deps.publisher.publish(records);
    for (const r of records)
      if (r.deadLetterCode)
        metrics.deadLetters.inc({ stage: COLLECTOR_STAGE, code: r.deadLetterCode });
  }

  return {
    deadLetter,
    publish,
    mentionRecords: (mentions) =>
      mentions.map((m) => ({
        topic: topics.mentions,
        key: m.mentionId,
        value: encoders.mention.encode(m),
      })),
    signalRecords: (signals) =>
      signals.map((s) => ({
        topic: topics.signals,
        key: signalKey(s),
        value: encoders.signal.encode(s),
      })),
    complianceRecords: (events) =>
      events.map(({ key, event }) => ({
        topic: topics.compliance,
        key,
        value: encoders.compliance.encode(event),
      })),
    async deliver(d) {
      const refused = d.deadLetterRejected;
      const deadLetters = refused ? d.rejected.map((r) => refusedItem(r, refused)) : [];
      metrics.received.inc(d.labels, d.received);
      await publish(deadLetters.length > 0 ? [...d.records, ...deadLetters] : d.records);
      if (d.accepted > 0) metrics.accepted.inc(d.labels, d.accepted);
      for (const r of d.rejected) metrics.rejected.inc({ ...d.labels, reason: rejectionReason(r) });
    },
  };
}
