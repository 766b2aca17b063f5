import { CustomerIndex } from './src/domain/customer-index.ts';
import { authorKeys } from './src/domain/blocking-keys.ts';
import { prepareAuthor } from './src/domain/author.ts';
import { hashKey } from './src/domain/int-multimap.ts';
import { generateWorld } from './bench/generate.ts';
const world = generateWorld({ seed: 1, customers: 100000, derived: 2000, lookalikes: 1000, unrelated: 1000 });
const index = new CustomerIndex();
for (const c of world.customers) index.upsert(c);
index.finishLoad();
const fam: Record<string, number> = {}; const famKeys: Record<string, number> = {};
for (const a of world.authors) { const p = prepareAuthor(a.input, index);
  // display-name keys vs handle keys
  const dk = authorKeys({ name: p.name, handle: "", email: null }); const dn = new Set([...dk.strong, ...dk.weak]);
  const ks = authorKeys(p); for (const k of [...ks.strong, ...ks.weak]) { const f = (dn.has(k) ? 'name:' : 'handle:') + k[0]; const n = index.blocks.count(hashKey(k)); fam[f] = (fam[f] ?? 0) + (n > 1000 ? 0 : n); famKeys[f] = (famKeys[f] ?? 0) + 1; } }
for (const k of Object.keys(fam)) console.log(k, 'cands/author', (fam[k]! / world.authors.length).toFixed(1), 'keys/author', (famKeys[k]! / world.authors.length).toFixed(1));
