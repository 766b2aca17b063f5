import { describe, expect, it } from 'vitest';
import { createSourceLoops, repeatUntilStopped } from '../../../src/adapters/source-loops.ts';

/** Runs rounds from a script (a number is a success's delay, an Error a failure), then stops. */
async function run(script: (number | Error)[]) {
  const loops = createSourceLoops();
  const waits: number[] = [];
  const failures: number[] = [];
  let i = 0;
  await repeatUntilStopped({
    signal: loops.signal,
    round: async () => {
      const step = script[i++];
      if (step === undefined) {
        void loops.stop();
        throw new Error('stopped meanwhile');
      }
      if (step instanceof Error) throw step;
      return step;
    },
    onFailure: (_err, n) => {
      failures.push(n);
      return 1000 * n;
    },
    wait: async (ms) => void waits.push(ms),
  });
  return { waits, failures };
}

describe('repeatUntilStopped', () => {
  it('waits what a success says, and backs off with the count of consecutive failures', async () => {
    const boom = new Error('boom');
    const { waits, failures } = await run([60, boom, boom, 60, boom]);
    expect(failures).toEqual([1, 2, 1]);
    expect(waits).toEqual([60, 1000, 2000, 60, 1000]);
  });

  it('when a round fails because the loop was stopped, the failure is not reported', async () => {
    const { failures } = await run([]);
    expect(failures).toEqual([]);
  });

  it('when the wait is aborted, the loop ends', async () => {
    const loops = createSourceLoops();
    let rounds = 0;
    loops.spawn(
      repeatUntilStopped({
        signal: loops.signal,
        round: async () => (rounds++, 60_000),
        onFailure: () => 0,
      }),
    );
    await new Promise((r) => setTimeout(r, 10));
    await loops.stop();
    expect(rounds).toBe(1);
    expect(loops.stopped).toBe(true);
  });
});
