import perfHooks from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMetricsRegistry } from '../../src/metrics.ts';

describe('createMetricsRegistry', () => {
  afterEach(() => void vi.restoreAllMocks());

  it('samples event-loop lag every 100 ms, not prom-client’s 10 (each sample wakes the loop)', async () => {
    const monitor = vi.spyOn(perfHooks, 'monitorEventLoopDelay');
    const registry = createMetricsRegistry({ service: 'registry-test' });
    expect(monitor).toHaveBeenCalledWith({ resolution: 100 });
    expect(await registry.metrics()).toContain(
      'nodejs_eventloop_lag_p99_seconds{service="registry-test"}',
    );
  });

  it('without defaults there is no event-loop monitor at all', () => {
    const monitor = vi.spyOn(perfHooks, 'monitorEventLoopDelay');
    createMetricsRegistry({ service: 'registry-test', defaults: false });
    expect(monitor).not.toHaveBeenCalled();
  });
});
