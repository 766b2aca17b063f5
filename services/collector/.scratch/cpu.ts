import { loadBrandsConfig } from '@hark/brands';
import { eventType } from '@hark/events';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createCollector } from '../src/collector.ts';

const brands = loadBrandsConfig('deploy/local/brands.yaml');
const types = { 'm-value': eventType('Mention'), 's-value': eventType('BrandSignal'), 'd-value': eventType('DeadLetter') } as Record<string, ReturnType<typeof eventType>>;
const serde = { encoder: async (subject: string) => ({ schemaId: 1, subject, encode: (v: unknown) => types[subject]!.toBuffer(v) }), decoder: () => { throw new Error(); } };
const collector = await createCollector({
  logger: pino({ level: 'silent' }), registry: new Registry(),
  producer: { connect: async () => {}, disconnect: async () => {}, sendBatch: async () => [] },
  serde: serde as never, topics: { mentions: 'm', signals: 's', dlq: 'd' }, brands,
  apiKeys: [{ name: 'b', key: 'bench-key-0123456789abcdef' }],
  limits: { bodyLimitBytes: 5e6, maxItems: 1000, maxTextLength: 10000, maxFutureSkewMs: 3.6e6 },
  kafka: { produceTimeoutMs: 5000, circuitOpenMs: 5000 },
});
const texts = ['Third time my @AcmeSupport router dropped the connection today #fail', 'Switched from Initech Broadband to Globex One, speeds are fine so far', 'lovely weather today'];
let id = 0;
const body = JSON.stringify(Array.from({ length: 100 }, (_, i) => ({ platform: 'x', id: String(1870000000000000000n + BigInt(id++)), url: `https://x.com/u/status/${id}`, author: { id: String(100000 + id), handle: `user${id}`, name: `User ${id}`, followers: id, location: 'Lyon, France' }, text: texts[i % 3], lang: 'en', createdAt: new Date(Date.UTC(2026, 10, 20) + id * 1000).toISOString(), engagement: { likes: 1, shares: 2, replies: 3, views: 4 } })));
for (let round = 0; round < 3; round++) {
  const t0 = performance.now();
  for (let i = 0; i < 300; i++) {
    const r = await collector.api.inject({ method: 'POST', url: '/v1/mentions', headers: { authorization: 'Bearer bench-key-0123456789abcdef', 'content-type': 'application/json' }, payload: body });
    if (r.statusCode !== 202) throw new Error(r.body);
  }
  const ms = (performance.now() - t0) / 300;
  console.log(`${ms.toFixed(2)} ms per 100-item request → ${Math.round(100_000 / ms)} mentions/s single core`);
}
