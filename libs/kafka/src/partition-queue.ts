import type { KafkaMessage } from 'kafkajs';

/** One partition's slice of a fetch: up to `maxBatchSize` consecutive messages. */
export interface Chunk {
  topic: string;
  partition: number;
  messages: KafkaMessage[];
  heartbeat: () => Promise<void>;
}

/** A queued item and the settle functions of the promise its producer awaits. */
export interface Pending<C> {
  item: C;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface FlushQueue<C> {
  /** Queues an item; settles when the flush that took it has settled it. */
  enqueue(item: C): Promise<void>;
  /** True while a flush is running. */
  isFlushing(): boolean;
}

/**
 * The queue across partitions. kafkajs hands each partition of a fetch to its own eachBatch
 * call, all at once; handling them one by one would pay a handler call, a produce request and
 * an offset commit per partition, and at a few thousand records/s that per-request cost is most
 * of the CPU. So each call queues its chunk and one flush takes every chunk queued meanwhile.
 * A producer awaits its item before queueing the next one, so a partition has at most one
 * chunk queued and its order holds.
 *
 * `flush` settles each item it takes (as soon as that item is done); when it throws, the items
 * it left unsettled are rejected with its error.
 */
export function createFlushQueue<C>(
  flush: (batch: Pending<C>[]) => Promise<void>,
  schedule: (run: () => void) => void = setImmediate,
): FlushQueue<C> {
  let queued: Pending<C>[] = [];
  let scheduled = false;
  let flushing = false;

  async function drain(): Promise<void> {
    while (queued.length > 0) {
      const batch = queued;
      queued = [];
      flushing = true;
      try {
        await flush(batch);
      } catch (err) {
        // Settling twice is a no-op, so the items already resolved stay resolved.
        for (const p of batch) p.reject(err);
      } finally {
        flushing = false;
      }
    }
    scheduled = false;
  }

  return {
    enqueue(item) {
      return new Promise<void>((resolve, reject) => {
        queued.push({ item, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          // Deferred, so the other partitions of the same fetch queue before the flush starts.
          schedule(() => void drain());
        }
      });
    },
    isFlushing: () => flushing,
  };
}
