import { CustomerIndex } from './src/domain/customer-index.ts';
import { Matcher } from './src/domain/match-author.ts';
import { prepareAuthor } from './src/domain/author.ts';
import { authorKeys } from './src/domain/blocking-keys.ts';
import { generateWorld } from './bench/generate.ts';
const N = Number(process.argv[2] ?? 100000);
const world = generateWorld({ seed: 1, customers: N, derived: 2000, lookalikes: 1000, unrelated: 1000 });
const index = new CustomerIndex();
for (const c of world.customers) index.upsert(c);
index.finishLoad();
const m = new Matcher(index);
const A = world.authors.length;
for (let k = 0; k < 3; k++) {
  let t = (process.cpuUsage().user/1000);
  const preps = world.authors.map((a) => prepareAuthor(a.input, index));
  const tp = (((process.cpuUsage().user/1000) - t) / A) * 1000;
  t = (process.cpuUsage().user/1000);
  for (const p of preps) authorKeys(p);
  const tk = (((process.cpuUsage().user/1000) - t) / A) * 1000;
  t = (process.cpuUsage().user/1000);
  let c = 0;
  for (const a of world.authors) c += m.candidates(a.input).slots.length;
  const tc = (((process.cpuUsage().user/1000) - t) / A) * 1000;
  t = (process.cpuUsage().user/1000); for (const a of world.authors) m.resolve(a.input); const tr = (((process.cpuUsage().user/1000) - t) / A) * 1000;
  console.log(`prepare ${tp.toFixed(1)} keys ${tk.toFixed(1)} collect ${tc.toFixed(1)} resolve ${tr.toFixed(1)} cands ${(c / A).toFixed(1)}`);
}
