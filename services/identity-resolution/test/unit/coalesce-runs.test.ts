import { describe, expect, it } from 'vitest';
import { coalesceRuns } from '../../src/domain/coalesce-runs.ts';

/** A run that waits until released, counting how often it started. */
function gatedRuns(rows = 1) {
  let starts = 0;
  let release: (() => void) | undefined;
  const run = async () => {
    starts++;
    await new Promise<void>((r) => (release = r));
    return rows;
  };
  return {
    run,
    starts: () => starts,
    release: async () => {
      await new Promise((r) => setImmediate(r));
      release?.();
    },
  };
}

describe('coalesceRuns', () => {
  it('when called during a run, the callers share it and one more pass follows', async () => {
    const g = gatedRuns(2);
    const trigger = coalesceRuns({ run: g.run, stopped: () => false, onError: () => {} });
    const first = trigger();
    const second = trigger();
    const third = trigger();
    expect(second).toBe(first);
    expect(third).toBe(first);
    await g.release();
    await g.release();
    expect(await first).toBe(4);
    expect(g.starts()).toBe(2);
    expect(trigger.running()).toBeNull();
  });

  it('when stopped, no further pass follows', async () => {
    const g = gatedRuns();
    let stopped = false;
    const trigger = coalesceRuns({ run: g.run, stopped: () => stopped, onError: () => {} });
    const first = trigger();
    void trigger();
    stopped = true;
    await g.release();
    expect(await first).toBe(1);
    expect(g.starts()).toBe(1);
  });

  it('when a run fails, the error goes to onError and the next call runs again', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const trigger = coalesceRuns({
      run: async () => {
        if (fail) throw new Error('down');
        return 3;
      },
      stopped: () => false,
      onError: (err) => errors.push(err),
    });
    expect(await trigger()).toBe(0);
    expect(errors).toHaveLength(1);
    fail = false;
    expect(await trigger()).toBe(3);
  });
});
