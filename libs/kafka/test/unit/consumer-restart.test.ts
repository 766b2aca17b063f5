import { HarkError } from '@hark/errors';
import { describe, expect, it } from 'vitest';
import { shouldRestartConsumer } from '../../src/consumer-restart.ts';

function kafkaError(name: string, retriable: boolean, cause?: unknown): Error {
  const e = new Error(`${name} happened`) as Error & { retriable: boolean; cause?: unknown };
  e.name = name;
  e.retriable = retriable;
  if (cause !== undefined) e.cause = cause;
  return e;
}

const produceFailed = new HarkError('HARK_KAFKA_UNAVAILABLE', 'produce failed', {
  cause: kafkaError(
    'KafkaJSNumberOfRetriesExceeded',
    false,
    kafkaError('KafkaJSConnectionError', true),
  ),
});

describe('shouldRestartConsumer', () => {
  it.each([
    [
      'kafkajs giving up on a broker it cannot reach (the ~20 s exit, issue 15)',
      kafkaError(
        'KafkaJSNumberOfRetriesExceeded',
        false,
        kafkaError('KafkaJSConnectionError', true),
      ),
    ],
    ['a refused connection', kafkaError('KafkaJSConnectionError', true)],
    [
      'a group coordinator not found while the broker is down (kafkajs itself does not restart on it)',
      kafkaError(
        'KafkaJSNonRetriableError',
        false,
        kafkaError('KafkaJSGroupCoordinatorNotFound', false),
      ),
    ],
    ['no broker available', kafkaError('KafkaJSNoBrokerAvailableError', false)],
    ['a produce Kafka did not acknowledge', produceFailed],
    [
      'a produce outage that outlasted the stage retry budget',
      kafkaError(
        'KafkaJSNumberOfRetriesExceeded',
        false,
        new HarkError('HARK_STAGE_RETRIES_EXHAUSTED', 'gave up', { cause: produceFailed }),
      ),
    ],
  ])('restarts in place after %s', (_what, err) => {
    expect(shouldRestartConsumer(err)).toBe(true);
  });

  it.each([
    [
      'a handler bug',
      kafkaError('KafkaJSNumberOfRetriesExceeded', false, new TypeError('x is undefined')),
    ],
    [
      'a database outage that outlasted the budget',
      new HarkError('HARK_STAGE_RETRIES_EXHAUSTED', 'gave up', {
        cause: new HarkError('HARK_DB_UNAVAILABLE', 'db down'),
      }),
    ],
    [
      'a key that cannot be unwrapped',
      new HarkError('HARK_PRIVACY_KEY_UNWRAP_FAILED', 'wrong key'),
    ],
    ['a non-retriable protocol error', kafkaError('KafkaJSProtocolError', false)],
    ['nothing', undefined],
  ])('leaves %s to the supervisor', (_what, err) => {
    expect(shouldRestartConsumer(err)).toBe(false);
  });
});
