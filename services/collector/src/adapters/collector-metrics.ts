import { deadLetterCounter } from '@hark/kafka';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface CollectorMetrics {
  /** Items parsed from a request, webhook, poll or file, valid or not. */
  received: Counter<'source' | 'type'>;
  /** Items Kafka acknowledged. */
  accepted: Counter<'source' | 'type'>;
  rejected: Counter<'source' | 'type' | 'reason'>;
  /** Valid mentions that matched no tracked brand: answered, not produced. */
  unmatched: Counter<'source'>;
  brandMatches: Counter<'brand'>;
  /** Dead letters the collector wrote (refused webhook/poller items, unreadable bodies), by code. */
  deadLetters: Counter<'stage' | 'code'>;
  /** Whole requests refused before their items were looked at (401, 413, 415, 503, …). */
  requestsRejected: Counter<'route' | 'reason'>;
  produceSeconds: Histogram<'outcome'>;
  kafkaCircuitOpen: Gauge;
  pollsTotal: Counter<'poller' | 'outcome'>;
  /** Seconds since the poller last completed a poll: how stale its source may be. */
  pollerLag: Gauge<'poller'>;
  /** When each poller last completed a poll (epoch ms); pollerLag is computed from it at scrape time. */
  pollerLastSuccess: Map<string, number>;
  /** collectedAt − createdAt of polled items: how late items reach hark. */
  pollerItemDelay: Histogram<'poller'>;
  /** Stream events by outcome: post, compliance, ignored (likes, identity…), replayed (dropped repeats). */
  streamEvents: Counter<'stream' | 'outcome'>;
  /** Stream connections opened, closed and failed. */
  streamConnections: Counter<'stream' | 'outcome'>;
}

/** The collector's metrics on the injected registry (never prom-client's global). */
export function createCollectorMetrics(
  registry: Registry,
  now: () => number = Date.now,
): CollectorMetrics {
  const registers = [registry];
  const pollerLastSuccess = new Map<string, number>();
  return {
    pollerLastSuccess,
    received: new Counter({
      name: 'hark_collector_received_total',
      help: 'Items received, by source kind (http, webhook, poller, replay) and type (mention, signal).',
      labelNames: ['source', 'type'],
      registers,
    }),
    accepted: new Counter({
      name: 'hark_collector_accepted_total',
      help: 'Items written to Kafka and acknowledged (acks=all).',
      labelNames: ['source', 'type'],
      registers,
    }),
    rejected: new Counter({
      name: 'hark_collector_rejected_total',
      help: 'Items refused, by reason (missing_field, invalid_timestamp, negative_count, …).',
      labelNames: ['source', 'type', 'reason'],
      registers,
    }),
    unmatched: new Counter({
      name: 'hark_collector_unmatched_total',
      help: 'Valid mentions that matched no tracked brand; answered as unmatched, not forwarded.',
      labelNames: ['source'],
      registers,
    }),
    brandMatches: new Counter({
      name: 'hark_collector_brand_matches_total',
      help: 'Forwarded mentions per tracked brand (a mention of two brands counts for each).',
      labelNames: ['brand'],
      registers,
    }),
    // The same series the stages' loop writes, so one alert covers all.
    deadLetters: deadLetterCounter(registry),
    requestsRejected: new Counter({
      name: 'hark_collector_requests_rejected_total',
      help: 'Requests refused as a whole: unauthorized, bad_signature, payload_too_large, malformed_body, unsupported_media_type, kafka_unavailable, …',
      labelNames: ['route', 'reason'],
      registers,
    }),
    produceSeconds: new Histogram({
      name: 'hark_collector_produce_duration_seconds',
      help: 'Time from handing records to the producer until Kafka acknowledged them (or the attempt failed).',
      labelNames: ['outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    kafkaCircuitOpen: new Gauge({
      name: 'hark_collector_kafka_circuit_open',
      help: '1 while the collector fails fast because Kafka recently failed to acknowledge, else 0.',
      registers,
    }),
    pollsTotal: new Counter({
      name: 'hark_collector_polls_total',
      help: 'Poll attempts, by poller and outcome (ok, not_modified, rate_limited, failed, lease_held).',
      labelNames: ['poller', 'outcome'],
      registers,
    }),
    pollerLag: new Gauge({
      name: 'hark_collector_poller_lag_seconds',
      help: 'Seconds since the poller last completed a poll and checkpointed (since start, before its first).',
      labelNames: ['poller'],
      registers,
      collect() {
        const t = now();
        for (const [poller, at] of pollerLastSuccess)
          this.set({ poller }, Math.max(0, (t - at) / 1000));
      },
    }),
    pollerItemDelay: new Histogram({
      name: 'hark_collector_poller_item_delay_seconds',
      help: 'Delay between an item being published on its platform and the poller collecting it.',
      labelNames: ['poller'],
      buckets: [1, 5, 15, 30, 60, 120, 300, 900, 1800, 3600, 21_600, 86_400],
      registers,
    }),
    streamEvents: new Counter({
      name: 'hark_collector_stream_events_total',
      help: 'Live stream events, by stream and outcome (post, unmatched, compliance, ignored, replayed).',
      labelNames: ['stream', 'outcome'],
      registers,
    }),
    streamConnections: new Counter({
      name: 'hark_collector_stream_connections_total',
      help: 'Live stream connections, by stream and outcome (opened, closed, failed).',
      labelNames: ['stream', 'outcome'],
      registers,
    }),
  };
}
