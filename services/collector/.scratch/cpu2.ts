import { loadBrandsConfig } from '@hark/brands';
import { eventType } from '@hark/events';
import { compileBrandMatcher } from '../src/domain/brand-matcher.ts';
import { expandPayload } from '../src/domain/expand-payload.ts';
import { prepareMentions } from '../src/domain/prepare-mentions.ts';
const matcher = compileBrandMatcher(loadBrandsConfig('deploy/local/brands.yaml').brands);
const type = eventType('Mention');
const texts = ['Third time my @AcmeSupport router dropped the connection today #fail', 'Switched from Initech Broadband to Globex One, speeds are fine so far', 'lovely weather today'];
let id = 0;
const body = JSON.stringify(Array.from({ length: 100 }, (_, i) => ({ platform: 'x', id: String(1870000000000000000n + BigInt(id++)), url: `https://x.com/u/status/${id}`, author: { id: String(100000 + id), handle: `user${id}`, name: `User ${id}`, followers: id, location: 'Lyon, France' }, text: texts[i % 3], lang: 'en', createdAt: new Date(Date.UTC(2026, 10, 20) + id * 1000).toISOString(), engagement: { likes: 1, shares: 2, replies: 3, views: 4 } })));
const N = 2000;
for (let r = 0; r < 3; r++) {
  let t = performance.now(); let parse = 0, prep = 0, enc = 0;
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    const e = expandPayload(body, 'json', 'generic'); if (!e.ok) throw 0;
    const t1 = performance.now();
    const p = prepareMentions(e.entries, { matcher, limits: { maxTextLength: 10000, maxFutureSkewMs: 3.6e6 }, now: Date.now(), source: { kind: 'http', name: 'x' } });
    const t2 = performance.now();
    for (const m of p.mentions) type.toBuffer(m.mention);
    const t3 = performance.now();
    parse += t1 - t0; prep += t2 - t1; enc += t3 - t2;
  }
  console.log(`per 100 items: parse ${(parse / N).toFixed(3)} ms, validate+match ${(prep / N).toFixed(3)} ms, avro ${(enc / N).toFixed(3)} ms; total ${((performance.now() - t) / N).toFixed(3)} ms`);
}
