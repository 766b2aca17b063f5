import { Counter } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetricsRegistry, metricsOnce } from '../../src/metrics.ts';

const build = (registers: ReturnType<typeof createMetricsRegistry>[]) =>
  new Counter({ name: 'hark_test_things_total', help: 'Things.', registers });

describe('metricsOnce', () => {
  it('when a component is built twice on one registry, it shares the first build', () => {
    const registry = createMetricsRegistry({ service: 't', defaults: false });
    const a = metricsOnce(registry, 'things', build);
    const b = metricsOnce(registry, 'things', build);
    expect(b).toBe(a);
  });

  it('when the registries differ, each gets its own series', () => {
    const one = createMetricsRegistry({ service: 't', defaults: false });
    const two = createMetricsRegistry({ service: 't', defaults: false });
    metricsOnce(one, 'things', build).inc(2);
    expect(metricsOnce(two, 'things', build)).not.toBe(metricsOnce(one, 'things', build));
    expect(two.getSingleMetric('hark_test_things_total')).toBeDefined();
  });

  it('when the key differs, it builds again (and prom-client refuses a second metric of one name)', () => {
    const registry = createMetricsRegistry({ service: 't', defaults: false });
    metricsOnce(registry, 'things', build);
    expect(() => metricsOnce(registry, 'other', build)).toThrow(/already been registered/);
  });
});
