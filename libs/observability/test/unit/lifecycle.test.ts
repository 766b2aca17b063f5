import { describe, expect, it } from 'vitest';
import { createLifecycle, createLogger } from '../../src/index.ts';

const logger = createLogger({ service: 'test', level: 'silent' });

describe('lifecycle', () => {
  it('closes steps in reverse start order, once, then exits 0', async () => {
    const order: string[] = [];
    const exits: number[] = [];
    const lc = createLifecycle({ logger, exit: (c) => exits.push(c) });
    lc.onShutdown('pool', () => void order.push('pool'));
    lc.onShutdown('producer', async () => void order.push('producer'));
    lc.onShutdown('consumer', () => void order.push('consumer'));
    await Promise.all([lc.shutdown('SIGTERM'), lc.shutdown('SIGINT')]);
    expect(order).toEqual(['consumer', 'producer', 'pool']);
    expect(exits).toEqual([0]);
  });

  it('when a step fails, still closes the rest and exits non-zero', async () => {
    const order: string[] = [];
    const exits: number[] = [];
    const lc = createLifecycle({ logger, exit: (c) => exits.push(c) });
    lc.onShutdown('pool', () => void order.push('pool'));
    lc.onShutdown('consumer', () => {
      throw new Error('boom');
    });
    await lc.shutdown('SIGTERM');
    expect(order).toEqual(['pool']);
    expect(exits).toEqual([1]);
  });

  it('when a step hangs past the timeout, exits 1', async () => {
    const exits: number[] = [];
    const lc = createLifecycle({ logger, timeoutMs: 50, exit: (c) => exits.push(c) });
    lc.onShutdown('stuck', () => new Promise<void>(() => {}));
    void lc.shutdown('SIGTERM');
    await new Promise((r) => setTimeout(r, 120));
    expect(exits).toEqual([1]);
  });
});
