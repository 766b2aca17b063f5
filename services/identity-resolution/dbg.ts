import { CustomerIndex } from './src/domain/customer-index.ts';
import { Matcher } from './src/domain/match-author.ts';
import { generateWorld } from './bench/generate.ts';
const world = generateWorld({ seed: 20261124, customers: 100000, derived: 10000, lookalikes: 5000, unrelated: 5000 });
const index = new CustomerIndex();
for (const c of world.customers) index.upsert(c);
index.finishLoad();
const m = new Matcher(index);
let shown = 0; const tally: Record<string, number> = {};
for (const a of world.authors) {
  if (a.kind !== 'derived' || !a.variants.includes('name:exact') || !a.variants.includes('loc:city')) continue;
  const r = m.resolve(a.input);
  const got = r.slot === null ? null : index.externalId(r.slot);
  const k = `${r.status}:${got === a.truth ? 'right' : got === null ? 'none' : 'wrong'}`; tally[k] = (tally[k] ?? 0) + 1;
  if (r.status !== 'linked' && shown++ < 12) {
    const c = world.customers.find((x) => x.externalId === a.truth)!;
    console.log(JSON.stringify(a.input.name), a.input.handle, a.input.location, '| cust', c.firstName, c.lastName, c.city, '|', r.status, r.confidence.toFixed(3), got === a.truth, r.candidates.map((x) => x.weight.toFixed(1)).join(','), 'firstCount', index.firstNameCount(c.gen.first), 'lastCount', index.lastNameCount(c.gen.last), 'skipped', r.skippedBlocks);
  }
}
console.log(tally);
