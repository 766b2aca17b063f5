import { CustomerIndex } from './src/domain/customer-index.ts';
import { Matcher } from './src/domain/match-author.ts';
import { authorKeys } from './src/domain/blocking-keys.ts';
import { prepareAuthor } from './src/domain/author.ts';
import { generateWorld } from './bench/generate.ts';
const world = generateWorld({ seed: 1, customers: 100000, derived: 2000, lookalikes: 1000, unrelated: 1000 });
const index = new CustomerIndex();
for (const c of world.customers) index.upsert(c);
index.finishLoad();
const m = new Matcher(index);
let cands = 0, keys = 0, max = 0; const hist: number[] = [];
let t = performance.now();
for (const a of world.authors) { const c = m.candidates(a.input); cands += c.slots.length; hist.push(c.slots.length); max = Math.max(max, c.slots.length); keys += authorKeys(prepareAuthor(a.input, index)).strong.length; }
console.log('collect us', (performance.now() - t) / world.authors.length * 1000, 'avg cands', cands / world.authors.length, 'max', max, 'avg keys', keys / world.authors.length);
hist.sort((a,b)=>a-b); console.log('p50', hist[hist.length/2|0], 'p90', hist[hist.length*0.9|0], 'p99', hist[hist.length*0.99|0]);
t = performance.now();
for (const a of world.authors) m.resolve(a.input);
console.log('resolve us', (performance.now() - t) / world.authors.length * 1000);
