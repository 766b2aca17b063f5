import { CustomerIndex } from './src/domain/customer-index.ts';
import { authorKeys } from './src/domain/blocking-keys.ts';
import { prepareAuthor } from './src/domain/author.ts';
import { hashKey } from './src/domain/int-multimap.ts';
import { generateWorld } from './bench/generate.ts';
const world = generateWorld({ seed: 1, customers: 1000000, derived: 2000, lookalikes: 1000, unrelated: 1000 });
const index = new CustomerIndex();
for (const c of world.customers) index.upsert(c);
index.finishLoad();
const fam: Record<string, number> = {}; const famKeys: Record<string, number> = {};
for (const a of world.authors) { const p = prepareAuthor(a.input, index);
  const cities = [...p.cityIds].map((id) => index.cityNames.str(id));
  const ks = authorKeys({ name: p.name, handle: p.handle, email: p.email, cities });
  for (const [list, cap, tag] of [[ks.strong, 500, 'S'], [ks.weak, 100, 'W']] as const) for (const k of list) { const n = index.blocks.count(hashKey(k)); const f = tag + k[0]; fam[f] = (fam[f] ?? 0) + (n > cap ? 0 : n); famKeys[f] = (famKeys[f] ?? 0) + 1; } }
for (const k of Object.keys(fam)) console.log(k, 'cands/author', (fam[k]! / world.authors.length).toFixed(1), 'keys/author', (famKeys[k]! / world.authors.length).toFixed(1));
console.log(index.stats());
