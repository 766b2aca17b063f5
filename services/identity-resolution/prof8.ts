import { CustomerIndex } from './src/domain/customer-index.ts';
import { Matcher } from './src/domain/match-author.ts';
import { CandidateScorer } from './src/domain/scoring.ts';
import { generateWorld } from './bench/generate.ts';
const world = generateWorld({ seed: 1, customers: 1000000, derived: 2000, lookalikes: 1000, unrelated: 1000 });
const index = new CustomerIndex();
for (const c of world.customers) index.upsert(c);
index.finishLoad();
const P = CandidateScorer.prototype as any;
const counts: Record<string, number> = {};
for (const name of ['weight', 'nameWeight', 'locationWeight', 'identifierAndEmailWeight', 'companyWeight', 'explain']) {
  const orig = P[name];
  P[name] = function (...args: unknown[]) { counts[name] = (counts[name] ?? 0) + 1; return orig.apply(this, args); };
}
const m = new Matcher(index);
for (const a of world.authors) m.resolve(a.input);
for (const [k, v] of Object.entries(counts)) console.log(k, (v / world.authors.length).toFixed(1));
