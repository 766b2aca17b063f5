import { isHarkError } from '@hark/errors';

/**
 * kafkajs errors that mean "the broker cannot be reached or is not serving
 * yet": the consumer restarts (reconnects with backoff) after them, however
 * long the outage lasts, instead of giving up when its retries run out.
 */
const BROKER_UNREACHABLE = new Set([
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSBrokerNotFound',
  'KafkaJSLockTimeout',
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSStaleTopicMetadataAssignment',
]);

function chainOf(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = err; e !== undefined && e !== null && chain.length < 16;) {
    chain.push(e);
    e = (e as { cause?: unknown }).cause;
  }
  return chain;
}

/**
 * Whether a consumer crash is an outage to ride out (restart the consumer in
 * place, readiness 503 meanwhile) rather than a fault for the process's
 * supervisor. The first error in the cause chain that is not kafkajs's own
 * wrapper decides: hark's `HARK_KAFKA_UNAVAILABLE` (a produce that Kafka did
 * not acknowledge, also when it outlasted the stage's retry budget) restarts;
 * any other hark error or a plain Error (a handler bug, a database outage
 * that outlasted its budget, a key that cannot be unwrapped) does not. A
 * chain of kafkajs errors only restarts when it ends in a retriable one or
 * one that means the broker is unreachable.
 */
export function shouldRestartConsumer(err: unknown): boolean {
  const chain = chainOf(err);
  for (const e of chain) {
    if (isHarkError(e)) {
      if (e.code === 'HARK_KAFKA_UNAVAILABLE') return true;
      if (e.code === 'HARK_STAGE_RETRIES_EXHAUSTED')
        return chainOf(e.cause).some((c) => isHarkError(c) && c.code === 'HARK_KAFKA_UNAVAILABLE');
      return false;
    }
    const name = (e as { name?: unknown }).name;
    if (typeof name !== 'string' || !name.startsWith('KafkaJS')) return false;
  }
  const last = chain[chain.length - 1] as { name?: string; retriable?: boolean } | undefined;
  if (!last) return false;
  return last.retriable === true || BROKER_UNREACHABLE.has(last.name ?? '');
}
