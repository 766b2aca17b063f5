import { describe, expect, it } from 'vitest';
import { createFlushQueue, type Pending } from '../../src/partition-queue.ts';

/** A scheduler the test runs by hand, so it decides when the flush starts. */
function manualSchedule() {
  const runs: (() => void)[] = [];
  return {
    schedule: (run: () => void) => void runs.push(run),
    runNext: () => runs.shift()!(),
    pending: () => runs.length,
  };
}

describe('createFlushQueue', () => {
  it('items queued before the flush starts are flushed together, in queue order', async () => {
    const s = manualSchedule();
    const flushed: string[][] = [];
    const q = createFlushQueue<string>(async (batch) => {
      flushed.push(batch.map((p) => p.item));
      for (const p of batch) p.resolve();
    }, s.schedule);
    const done = Promise.all([q.enqueue('p0'), q.enqueue('p1'), q.enqueue('p2')]);
    expect(s.pending(), 'one flush scheduled for the three').toBe(1);
    s.runNext();
    await done;
    expect(flushed).toEqual([['p0', 'p1', 'p2']]);
  });

  it('items queued while a flush runs wait for the next round of the same drain', async () => {
    const s = manualSchedule();
    const flushed: string[][] = [];
    let release!: () => void;
    const q = createFlushQueue<string>(async (batch) => {
      flushed.push(batch.map((p) => p.item));
      if (flushed.length === 1) await new Promise<void>((r) => (release = r));
      for (const p of batch) p.resolve();
    }, s.schedule);
    const first = q.enqueue('a');
    s.runNext();
    await Promise.resolve();
    expect(q.isFlushing()).toBe(true);
    const second = q.enqueue('b');
    expect(s.pending(), 'no second drain while one runs').toBe(0);
    release();
    await Promise.all([first, second]);
    expect(flushed).toEqual([['a'], ['b']]);
    expect(q.isFlushing()).toBe(false);
  });

  it('when the flush throws, the items it had not settled reject and the settled ones stay resolved', async () => {
    const s = manualSchedule();
    const q = createFlushQueue<string>(async (batch: Pending<string>[]) => {
      batch[0]!.resolve();
      throw new Error('commit failed');
    }, s.schedule);
    const a = q.enqueue('a');
    const b = q.enqueue('b');
    s.runNext();
    await expect(a).resolves.toBeUndefined();
    await expect(b).rejects.toThrow('commit failed');
  });

  it('after a drain ends, the next item schedules a new one', async () => {
    const s = manualSchedule();
    const q = createFlushQueue<number>(async (batch) => {
      for (const p of batch) p.resolve();
    }, s.schedule);
    const one = q.enqueue(1);
    s.runNext();
    await one;
    const two = q.enqueue(2);
    expect(s.pending()).toBe(1);
    s.runNext();
    await expect(two).resolves.toBeUndefined();
  });
});
