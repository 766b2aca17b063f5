import { CustomerIndex } from './src/domain/customer-index.ts';
import { Matcher } from './src/domain/match-author.ts';
import { CandidateScorer } from './src/domain/scoring.ts';
import { generateWorld } from './bench/generate.ts';
const world = generateWorld({ seed: 1, customers: 1000000, derived: 2000, lookalikes: 1000, unrelated: 1000 });
const index = new CustomerIndex();
for (const c of world.customers) index.upsert(c);
index.finishLoad();
const P = CandidateScorer.prototype as any;
const orig = { name: P.nameWeight, loc: P.locationWeight, id: P.identifierAndEmailWeight };
const m = new Matcher(index);
function measure(label: string) {
  const rounds: number[] = [];
  for (let k = 0; k < 6; k++) { const t0 = process.cpuUsage().user; for (const a of world.authors) m.resolve(a.input); rounds.push((process.cpuUsage().user - t0) / world.authors.length); }
  console.log(label, Math.min(...rounds).toFixed(1));
}
measure('full');
P.nameWeight = () => 0; measure('no name');
P.locationWeight = () => 0; measure('no name, no location');
P.identifierAndEmailWeight = () => 0; measure('no name/location/identifier');
P.nameWeight = orig.name; P.locationWeight = orig.loc; P.identifierAndEmailWeight = orig.id; measure('full again');
