import type { Consumer } from 'kafkajs';
import type { Logger } from 'pino';
import { shouldRestartConsumer } from './consumer-restart.ts';
import type { StageMetrics } from './stage-metrics.ts';

export interface ConsumerHealth {
  /** In the group, Kafka not failing, and heard from the broker lately (or a flush is running). */
  isReady(flushing: boolean): boolean;
  /** Set while a produce keeps failing, cleared when one succeeds. */
  setKafkaFailing(failing: boolean): void;
  reportLag(topic: string, partition: number, lag: number): void;
  /** The stage is closing: no restart from now on, and a crash is no longer reported. */
  close(): void;
}

/**
 * Watches a consumer's events: readiness (group membership, broker contact), the lag series
 * of the partitions it owns, and what happens when it crashes — restarted in place with
 * backoff when the broker is unreachable, `onCrash` otherwise.
 */
export function watchConsumer(
  consumer: Consumer,
  deps: {
    stage: string;
    log: Logger;
    metrics: Pick<StageMetrics, 'lag'>;
    staleAfterMs: number;
    onCrash?: (err: Error) => void;
    /** Runs the consumer again after a crash it should ride out. */
    rerun: () => Promise<void>;
  },
): ConsumerHealth {
  const { log, stage } = deps;
  let ready = false;
  let kafkaFailing = false;
  let lastContact = Date.now();
  const touch = () => {
    lastContact = Date.now();
  };
  consumer.on(consumer.events.FETCH, touch);
  consumer.on(consumer.events.HEARTBEAT, touch);
  consumer.on(consumer.events.COMMIT_OFFSETS, touch);
  const restarts = restartOnCrash(consumer, deps, () => void (ready = false));

  // Lag series this instance reports; a rebalance drops the ones it no longer owns,
  // so a revoked partition does not keep a frozen value here.
  const lagSeries = new Map<string, { topic: string; partition: string }>();
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    ready = true;
    restarts.joined();
    kafkaFailing = false;
    touch();
    const assigned = new Set(
      Object.entries(e.payload.memberAssignment).flatMap(([topic, partitions]) =>
        partitions.map((p) => `${topic}:${p}`),
      ),
    );
    for (const [key, labels] of lagSeries) {
      if (!assigned.has(key)) {
        deps.metrics.lag.remove({ stage, ...labels });
        lagSeries.delete(key);
      }
    }
    log.info(
      { memberId: e.payload.memberId, assignment: e.payload.memberAssignment },
      'joined group',
    );
  });
  consumer.on(consumer.events.STOP, () => void (ready = false));

  return {
    isReady: (flushing) =>
      ready && !kafkaFailing && (flushing || Date.now() - lastContact < deps.staleAfterMs),
    setKafkaFailing(failing) {
      kafkaFailing = failing;
    },
    reportLag(topic, partition, lag) {
      const labels = { topic, partition: String(partition) };
      lagSeries.set(`${topic}:${labels.partition}`, labels);
      deps.metrics.lag.set({ stage, ...labels }, lag);
    },
    close() {
      ready = false;
      restarts.close();
    },
  };
}

/**
 * What happens when the consumer crashes. kafkajs restarts it itself only when the error's
 * innermost cause is marked retriable; some broker-outage errors are not (a group coordinator
 * that cannot be found while the broker is down), so those are restarted here, with backoff,
 * the same way. Any other crash calls `onCrash`, once.
 */
function restartOnCrash(
  consumer: Consumer,
  deps: { log: Logger; onCrash?: (err: Error) => void; rerun: () => Promise<void> },
  stopped: () => void,
): { joined(): void; close(): void } {
  const { log } = deps;
  let crashed = false;
  let closing = false;
  let restartDelayMs = 1000;
  let restartTimer: NodeJS.Timeout | undefined;
  function crash(error: Error): void {
    log.error({ err: error }, 'consumer crashed');
    if (crashed || closing) return;
    crashed = true;
    deps.onCrash?.(error);
  }
  function scheduleRerun(error: Error): void {
    const delayMs = Math.round(restartDelayMs * (0.5 + Math.random()));
    log.warn({ err: error, delayMs }, 'consumer lost the broker; restarting it');
    restartDelayMs = Math.min(restartDelayMs * 2, 30_000);
    restartTimer = setTimeout(() => {
      if (closing) return;
      // A failed start emits CRASH again, which lands back here or in crash().
      deps.rerun().catch((err: Error) => {
        if (shouldRestartConsumer(err)) scheduleRerun(err);
        else crash(err);
      });
    }, delayMs);
  }
  consumer.on(consumer.events.CRASH, (e) => {
    stopped();
    const { error, restart } = e.payload;
    if (restart) log.warn({ err: error }, 'consumer lost the broker; reconnecting');
    else if (!closing && shouldRestartConsumer(error)) scheduleRerun(error);
    else crash(error);
  });
  return {
    joined() {
      restartDelayMs = 1000;
    },
    close() {
      closing = true;
      clearTimeout(restartTimer);
    },
  };
}
