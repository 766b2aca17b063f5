import { HarkError } from '@hark/errors';
import type { Logger } from 'pino';
import { createCircuitBreaker, type CircuitState } from '../domain/circuit-breaker.ts';
import type { CollectorMetrics } from './collector-metrics.ts';

export interface KafkaCircuit {
  /** The error to answer at once while the circuit is open; undefined when a request may go. */
  failFast(now: number): HarkError | undefined;
  /** A request was acknowledged: closes the circuit. */
  succeeded(now: number): void;
  /** A request failed: opens the circuit; returns the error for everyone waiting on it. */
  failed(cause: unknown, now: number, context: Record<string, unknown>): HarkError;
  state(now: number): CircuitState;
}

/** The publisher's circuit breaker, with its gauge and its log lines. */
export function createKafkaCircuit(deps: {
  openMs: number;
  metrics: CollectorMetrics;
  log: Logger;
}): KafkaCircuit {
  const circuit = createCircuitBreaker({ openMs: deps.openMs });
  return {
    failFast: (now) =>
      circuit.canAttempt(now)
        ? undefined
        : kafkaUnavailable('Kafka is unavailable (failing fast)', circuit.retryAfterMs(now)),
    succeeded(now) {
      if (circuit.state(now) !== 'closed')
        deps.log.info('Kafka acknowledged again; circuit closed');
      circuit.recordSuccess();
      deps.metrics.kafkaCircuitOpen.set(0);
    },
    failed(cause, now, context) {
      circuit.recordFailure(now);
      deps.metrics.kafkaCircuitOpen.set(1);
      deps.log.warn(
        { err: cause, ...context, circuitOpenMs: deps.openMs },
        'produce failed; failing fast until the next probe',
      );
      const message = `Kafka did not acknowledge: ${(cause as Error).message}`;
      return kafkaUnavailable(message, deps.openMs, cause);
    },
    state: (now) => circuit.state(now),
  };
}

/** Retriable: the caller answers 503 with Retry-After (at least a second) and the client retries. */
export function kafkaUnavailable(
  message: string,
  retryAfterMs: number,
  cause?: unknown,
): HarkError {
  return new HarkError('HARK_KAFKA_UNAVAILABLE', message, {
    cause,
    context: { retryAfterMs: Math.max(1000, retryAfterMs) },
  });
}
