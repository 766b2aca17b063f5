import { CustomerIndex } from './src/domain/customer-index.ts';
import { Matcher } from './src/domain/match-author.ts';
import { generateWorld } from './bench/generate.ts';
const world = generateWorld({ seed: 1, customers: Number(process.argv[2] ?? 100000), derived: 2000, lookalikes: 1000, unrelated: 1000 });
const index = new CustomerIndex();
for (const c of world.customers) index.upsert(c);
index.finishLoad();
world.customers.length = 0;
const m = new Matcher(index);
const rounds: number[] = [];
for (let k = 0; k < 8; k++) {
  const t0 = process.cpuUsage().user;
  for (const a of world.authors) m.resolve(a.input);
  rounds.push((process.cpuUsage().user - t0) / world.authors.length);
}
console.log('cpu µs/author min', Math.min(...rounds).toFixed(1), 'median', rounds.sort((a, b) => a - b)[4]!.toFixed(1));
const r2: number[] = [];
let cands = 0;
for (let k = 0; k < 8; k++) {
  const t0 = process.cpuUsage().user;
  cands = 0;
  for (const a of world.authors) cands += m.candidates(a.input).slots.length;
  r2.push((process.cpuUsage().user - t0) / world.authors.length);
}
console.log('collect only µs/author min', Math.min(...r2).toFixed(1), 'cands', cands / world.authors.length);
