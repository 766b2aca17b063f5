import { fileURLToPath } from 'node:url';
import { loadBrandsConfig } from '@hark/brands';
import { describe, expect, it } from 'vitest';
import { createRng, customersToCsv, generateCustomers, generateTraffic } from '../../src/index.ts';

const brands = loadBrandsConfig(
  fileURLToPath(new URL('../../../../deploy/local/brands.yaml', import.meta.url)),
);
const END = Date.UTC(2026, 10, 20, 12);

function traffic(seed: number, count = 2000) {
  const rng = createRng(seed);
  const customers = generateCustomers(500, rng);
  const spike = { brand: 'globex', start: END - 6 * 3_600_000, durationMs: 3_600_000, share: 0.1 };
  return {
    customers,
    ...generateTraffic({ brands, customers, count, rng, end: END, days: 3, spike, runId: 't' }),
  };
}

describe('traffic generator', () => {
  it('is reproducible: the same seed gives the same posts and truth', () => {
    expect(traffic(7).posts).toEqual(traffic(7).posts);
    expect(traffic(7).truth).not.toEqual(traffic(8).truth);
  });

  it('gives one truth per post, with unique mention ids, in time order', () => {
    const { posts, truth } = traffic(1);
    expect(truth.map((t) => t.mentionId)).toEqual(posts.map((p) => `${p.platform}:${p.id}`));
    expect(new Set(truth.map((t) => t.mentionId)).size).toBe(posts.length);
    const times = truth.map((t) => t.createdAt);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(END - 3 * 86_400_000);
    expect(Math.max(...times)).toBeLessThan(END);
  });

  it('has heavy-tailed authors: the top 1% write far more than 1% of posts', () => {
    const { truth } = traffic(2, 5000);
    const counts = new Map<string, number>();
    for (const t of truth) counts.set(t.authorId, (counts.get(t.authorId) ?? 0) + 1);
    const sorted = [...counts.values()].sort((a, b) => b - a);
    const top = sorted.slice(0, Math.ceil(sorted.length / 100)).reduce((a, b) => a + b, 0);
    expect(top / truth.length).toBeGreaterThan(0.1);
  });

  it('mixes sentiments, platforms, customers and prospects, and puts a negative spike where asked', () => {
    const { truth, customers } = traffic(3, 5000);
    for (const s of ['positive', 'neutral', 'negative'])
      expect(truth.some((t) => t.sentiment === s)).toBe(true);
    expect(new Set(truth.map((t) => t.platform)).size).toBeGreaterThanOrEqual(4);
    const ids = new Set(customers.map((c) => c.externalId));
    const byCustomers = truth.filter((t) => t.customerId !== null);
    expect(byCustomers.length).toBeGreaterThan(truth.length * 0.1);
    expect(byCustomers.every((t) => ids.has(t.customerId!))).toBe(true);
    const spike = truth.filter((t) => t.inSpike);
    expect(spike.length).toBeGreaterThan(300);
    expect(spike.every((t) => t.brand === 'globex' && t.sentiment === 'negative')).toBe(true);
  });

  it('writes customers as a CSV the CRM import reads, quoting commas', () => {
    const csv = customersToCsv([
      { ...generateCustomers(1, createRng(1))[0]!, company: 'Acme, Inc.' },
    ]);
    const [header, row] = csv.trim().split('\n');
    expect(header!.split(',')).toContain('external_id');
    expect(row).toContain('"Acme, Inc."');
  });
});
