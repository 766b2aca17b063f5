import { EventEmitter } from 'node:events';
import { HarkError } from '@hark/errors';
import { createLogger } from '@hark/observability';
import type { Consumer } from 'kafkajs';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchConsumer } from '../../src/consumer-health.ts';
import { stageMetrics } from '../../src/stage-metrics.ts';

function fakeConsumer() {
  const emitter = new EventEmitter();
  const events = {
    FETCH: 'fetch',
    HEARTBEAT: 'heartbeat',
    COMMIT_OFFSETS: 'commit',
    GROUP_JOIN: 'join',
    STOP: 'stop',
    CRASH: 'crash',
  };
  const consumer = { events, on: (e: string, fn: (p: unknown) => void) => emitter.on(e, fn) };
  return {
    consumer: consumer as unknown as Consumer,
    emit: (e: keyof typeof events, payload: unknown = {}) => emitter.emit(events[e], { payload }),
  };
}

function setup() {
  const { consumer, emit } = fakeConsumer();
  const registry = new Registry();
  const crashes: Error[] = [];
  let reruns = 0;
  const health = watchConsumer(consumer, {
    stage: 'test',
    log: createLogger({ service: 'health-test', level: 'silent' }),
    metrics: stageMetrics(registry),
    staleAfterMs: 10_000,
    onCrash: (err) => void crashes.push(err),
    rerun: async () => void reruns++,
  });
  const join = (assignment: Record<string, number[]>) =>
    emit('GROUP_JOIN', { memberId: 'm', memberAssignment: assignment });
  return { health, emit, join, registry, crashes, reruns: () => reruns };
}

afterEach(() => void vi.useRealTimers());

describe('watchConsumer', () => {
  it('is ready once in the group, and not while Kafka fails or after a stop', () => {
    const { health, emit, join } = setup();
    expect(health.isReady(false)).toBe(false);
    join({ in: [0] });
    expect(health.isReady(false)).toBe(true);
    health.setKafkaFailing(true);
    expect(health.isReady(true)).toBe(false);
    health.setKafkaFailing(false);
    emit('STOP');
    expect(health.isReady(false)).toBe(false);
  });

  it('goes stale without broker contact, unless a flush is running', () => {
    vi.useFakeTimers();
    const { health, emit, join } = setup();
    join({ in: [0] });
    vi.advanceTimersByTime(10_001);
    expect(health.isReady(false)).toBe(false);
    expect(health.isReady(true)).toBe(true);
    emit('HEARTBEAT');
    expect(health.isReady(false)).toBe(true);
  });

  it('a rebalance drops the lag series of partitions no longer assigned', async () => {
    const { health, join, registry } = setup();
    join({ in: [0, 1] });
    health.reportLag('in', 0, 5);
    health.reportLag('in', 1, 7);
    join({ in: [1] });
    const lag = await registry.getSingleMetric('hark_consumer_lag')!.get();
    expect(lag.values.map((v) => [v.labels.partition, v.value])).toEqual([['1', 7]]);
  });

  it('a crash that is not an outage calls onCrash once', () => {
    const { emit, crashes } = setup();
    const bug = new HarkError('HARK_STAGE_PROCESSING_FAILED');
    emit('CRASH', { error: bug, restart: false });
    emit('CRASH', { error: bug, restart: false });
    expect(crashes).toEqual([bug]);
  });

  it('a crash because the broker is unreachable reruns the consumer after a backoff, not onCrash', () => {
    vi.useFakeTimers();
    const { emit, crashes, reruns } = setup();
    emit('CRASH', { error: new HarkError('HARK_KAFKA_UNAVAILABLE'), restart: false });
    expect(reruns()).toBe(0);
    vi.advanceTimersByTime(1500);
    expect(reruns()).toBe(1);
    expect(crashes).toEqual([]);
  });

  it('after close, a scheduled rerun does not run and a crash is not reported', () => {
    vi.useFakeTimers();
    const { health, emit, crashes, reruns } = setup();
    emit('CRASH', { error: new HarkError('HARK_KAFKA_UNAVAILABLE'), restart: false });
    health.close();
    vi.advanceTimersByTime(60_000);
    emit('CRASH', { error: new TypeError('bug'), restart: false });
    expect([reruns(), crashes.length]).toEqual([0, 0]);
  });
});
