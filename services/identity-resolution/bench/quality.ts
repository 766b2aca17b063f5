/**
 * npm run bench:quality — precision, recall and F1 of automatic links and of
 * links plus review, against an exact-match-only baseline (e-mail or CRM
 * handle equality), on a generated labeled benchmark. Service defaults, no
 * tuning to the generator. Options: --customers N --authors N --seed N.
 */
import { parseArgs } from 'node:util';
import { CustomerIndex } from '../src/domain/customer-index.ts';
import { DEFAULT_MATCH_OPTIONS, Matcher } from '../src/domain/match-author.ts';
import { normalizeEmail, normalizeHandle } from '../src/domain/normalize.ts';
import { generateWorld, type BenchAuthor } from './generate.ts';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '100000' },
    authors: { type: 'string', default: '20000' },
    seed: { type: 'string', default: '20261124' },
    population: { type: 'string' },
    upper: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});
const nAuthors = Number(values.authors);
const world = generateWorld({
  seed: Number(values.seed),
  customers: Number(values.customers),
  derived: Math.round(nAuthors * 0.5),
  lookalikes: Math.round(nAuthors * 0.25),
  unrelated: Math.round(nAuthors * 0.25),
});
const index = new CustomerIndex();
for (const c of world.customers) index.upsert(c);
index.finishLoad();
const options = {
  ...DEFAULT_MATCH_OPTIONS,
  ...(values.population ? { population: Number(values.population) } : {}),
  ...(values.upper ? { upper: Number(values.upper) } : {}),
};
const matcher = new Matcher(index, options);

interface Counts {
  tp: number;
  fp: number;
  predicted: number;
}
const fresh = (): Counts => ({ tp: 0, fp: 0, predicted: 0 });
const auto = fresh();
const autoReview = fresh();
const baseline = fresh();
const positives = world.authors.filter((a) => a.truth !== null).length;
const byVariant = new Map<string, { n: number; linked: number; reviewed: number; wrong: number }>();
const falseLinks: { a: BenchAuthor; got: string; confidence: number }[] = [];
const status = { linked: 0, review: 0, prospect: 0 };
const started = performance.now();

for (const a of world.authors) {
  const r = matcher.resolve(a.input);
  status[r.status]++;
  const got = r.slot === null ? null : index.externalId(r.slot);
  const count = (c: Counts) => {
    c.predicted++;
    if (got === a.truth) c.tp++;
    else c.fp++;
  };
  if (r.status === 'linked') count(auto);
  if (r.status === 'linked' || r.status === 'review') count(autoReview);
  if (r.status === 'linked' && got !== a.truth)
    falseLinks.push({ a, got: got!, confidence: r.confidence });

  // Baseline: exact e-mail, or a handle the CRM lists for that platform, linked only when unique.
  const email = normalizeEmail(a.input.email);
  let exact = email ? index.lookupEmail(email) : [];
  if (exact.length === 0)
    exact = index.lookupHandle(a.input.platform, normalizeHandle(a.input.handle));
  if (exact.length === 1) {
    baseline.predicted++;
    if (index.externalId(exact[0]!) === a.truth) baseline.tp++;
    else baseline.fp++;
  }
  for (const v of a.variants) {
    const key = `${a.kind}/${v}`;
    const s = byVariant.get(key) ?? { n: 0, linked: 0, reviewed: 0, wrong: 0 };
    s.n++;
    if (r.status === 'linked' && got === a.truth) s.linked++;
    if (r.status === 'review' && got === a.truth) s.reviewed++;
    if (r.status === 'linked' && got !== a.truth) s.wrong++;
    byVariant.set(key, s);
  }
}
const ms = performance.now() - started;

function row(name: string, c: Counts): string {
  const precision = c.predicted ? c.tp / c.predicted : 1;
  const recall = c.tp / positives;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return `| ${name} | ${c.predicted} | ${c.tp} | ${c.fp} | ${precision.toFixed(4)} | ${recall.toFixed(4)} | ${f1.toFixed(4)} |`;
}

console.log(
  `linkage benchmark: ${world.customers.length} customers, ${world.authors.length} authors ` +
    `(${positives} are customers), seed ${values.seed}; upper ${options.upper}, lower ${options.lower}, ` +
    `population ${options.population}`,
);
console.log(
  `outcomes: ${status.linked} linked, ${status.review} review, ${status.prospect} prospect; ${((ms / world.authors.length) * 1000).toFixed(0)} µs/author\n`,
);
console.log('| method | predicted | true | false | precision | recall | F1 |');
console.log('|---|---|---|---|---|---|---|');
console.log(row('exact e-mail/handle only (baseline)', baseline));
console.log(row('auto-link', auto));
console.log(row('auto-link + review', autoReview));
if (values.verbose) {
  console.log(
    '\nper variant (derived: share linked right / sent to review right; others: wrongly linked):',
  );
  for (const [k, s] of [...byVariant].sort()) {
    console.log(
      `  ${k.padEnd(40)} n=${String(s.n).padStart(5)}  linked ${((s.linked / s.n) * 100).toFixed(1).padStart(5)}%  review ${((s.reviewed / s.n) * 100).toFixed(1).padStart(5)}%  wrong ${s.wrong}`,
    );
  }
  console.log('\nfalse links:');
  for (const f of falseLinks.slice(0, 30)) {
    console.log(
      `  ${JSON.stringify(f.a.input)} truth=${f.a.truth} got=${f.got} p=${f.confidence.toFixed(3)} ${f.a.variants.join(',')}`,
    );
  }
}
