import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs tasks at most `concurrency` at a time and, when `rate` > 0, starts
 * them no faster than `rate` items per second since `started`. The first
 * task that throws stops the pool: the next run() and the drain rethrow it.
 */
export function createPacedPool(opts: {
  concurrency: number;
  rate: number;
  started: number;
  onSettled: () => void;
}) {
  const inFlight = new Set<Promise<void>>();
  let sentItems = 0;
  let fatal: Error | undefined;

  return {
    /** Waits for its turn, then starts `task` (counted as `items` for the rate) without awaiting it. */
    async run(items: number, task: () => Promise<void>): Promise<void> {
      if (opts.rate > 0) {
        const due = opts.started + (sentItems / opts.rate) * 1000;
        const wait = due - Date.now();
        if (wait > 0) await sleep(wait);
      }
      sentItems += items;
      while (inFlight.size >= opts.concurrency) await Promise.race(inFlight);
      if (fatal) throw fatal;
      const p = task()
        .catch((err: Error) => {
          fatal ??= err;
        })
        .finally(() => {
          inFlight.delete(p);
          opts.onSettled();
        });
      inFlight.add(p);
    },
    /** Waits for every started task. */
    async drain(): Promise<void> {
      await Promise.all(inFlight);
    },
    /** Throws the first task's error, if one failed. */
    rethrow(): void {
      if (fatal) throw fatal;
    },
  };
}
