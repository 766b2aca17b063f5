import { describe, expect, it } from 'vitest';
import { createPacedPool } from '../../../src/cli/paced-pool.ts';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('paced pool', () => {
  it('runs at most `concurrency` tasks at once', async () => {
    let running = 0;
    let most = 0;
    let settled = 0;
    const pool = createPacedPool({
      concurrency: 2,
      rate: 0,
      started: Date.now(),
      onSettled: () => settled++,
    });
    for (let i = 0; i < 6; i++) {
      await pool.run(1, async () => {
        most = Math.max(most, ++running);
        await tick();
        running--;
      });
    }
    await pool.drain();
    expect(most).toBe(2);
    expect(settled).toBe(6);
  });

  it('when a task throws, the next run and the final rethrow fail with its error', async () => {
    const pool = createPacedPool({ concurrency: 1, rate: 0, started: Date.now(), onSettled() {} });
    await pool.run(1, async () => {
      throw new Error('refused key');
    });
    await expect(pool.run(1, async () => {})).rejects.toThrow('refused key');
    await pool.drain();
    expect(() => pool.rethrow()).toThrow('refused key');
  });

  it('with a rate, starts items no faster than the rate allows', async () => {
    const started = Date.now();
    const pool = createPacedPool({ concurrency: 4, rate: 100, started, onSettled() {} });
    for (let i = 0; i < 3; i++) await pool.run(5, async () => {});
    await pool.drain();
    // The third batch is due after 10 items at 100/s.
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
  });
});
