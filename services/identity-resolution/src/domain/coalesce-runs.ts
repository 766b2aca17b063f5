/**
 * One run at a time: a call while a run is in progress shares it and asks
 * for one more pass, so a change notified mid-run is not missed. A failure
 * goes to `onError` and the run answers what it applied so far.
 */
export function coalesceRuns(opts: {
  run: () => Promise<number>;
  stopped: () => boolean;
  onError: (err: unknown) => void;
}): (() => Promise<number>) & { running(): Promise<number> | null } {
  let running: Promise<number> | null = null;
  let again = false;
  const trigger = (): Promise<number> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      try {
        do {
          again = false;
          total += await opts.run();
        } while (again && !opts.stopped());
      } catch (err) {
        opts.onError(err);
      } finally {
        running = null;
      }
      return total;
    })();
    return running;
  };
  return Object.assign(trigger, { running: () => running });
}
