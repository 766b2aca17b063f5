/**
 * The measured process of bench:speed: loads the index as the service does
 * (PostgreSQL scan into CustomerIndex), reports load time and RSS, then
 * resolves authors in a loop for a fixed time. Before the clock runs, one
 * pass over every author prints a digest of the decisions (candidates,
 * posteriors, decision, evidence), so two versions of the code can be
 * checked to decide alike on the same data; BENCH_PROFILE names a
 * .cpuprofile of the timed loop only.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createPool } from '@hark/db';
import { createLogger } from '@hark/observability';
import { profileCpu } from '@hark/testing';
import { createCustomerRepository } from '../src/adapters/customer-repository.ts';
import { loadGazetteer } from '../src/adapters/gazetteer-file.ts';
import type { AuthorInput } from '../src/domain/author.ts';
import type { StoredCustomer } from '../src/domain/customer.ts';
import { CustomerIndex } from '../src/domain/customer-index.ts';
import { applyFit, fitFromAuthors } from '../src/domain/estimate-model.ts';
import { DEFAULT_MATCH_OPTIONS, Matcher, type Resolution } from '../src/domain/match-author.ts';
import { DEFAULT_MODEL } from '../src/domain/scoring.ts';

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
gc();
const baseline = process.memoryUsage();

const index = new CustomerIndex({ gazetteer: loadGazetteer() });
let started = performance.now();
if (process.env.DATABASE_URL) {
  const pool = createPool({
    url: process.env.DATABASE_URL,
    logger: createLogger({ service: 'bench-speed', level: 'warn' }),
    max: 1,
  });
  const { rows } = await createCustomerRepository({ pool }).scan((c) => index.upsert(c));
  index.finishLoad();
  await pool.end();
  console.log(
    `index loaded from PostgreSQL: ${rows} customers in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
} else {
  const customers = JSON.parse(
    readFileSync(process.env.BENCH_CUSTOMERS!, 'utf8'),
  ) as StoredCustomer[];
  started = performance.now();
  for (const c of customers) index.upsert(c);
  index.finishLoad();
  customers.length = 0;
  console.log(
    `index built from generated rows: ${index.size} customers in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
gc();
const loaded = process.memoryUsage();
const stats = index.stats();
console.log(
  `memory with the index: RSS ${mb(loaded.rss)} (process before loading: ${mb(baseline.rss)}), heap used ${mb(loaded.heapUsed)}, ` +
    `typed arrays ${mb(loaded.arrayBuffers)}; ${stats.blockingPairs} blocking-key pairs`,
);

const authors = JSON.parse(readFileSync(process.env.BENCH_AUTHORS!, 'utf8')) as AuthorInput[];
const matcher = new Matcher(index, DEFAULT_MATCH_OPTIONS);
// The service's periodic fit, on a traffic sample of the default size: it runs on the event loop.
started = performance.now();
const fit = fitFromAuthors(
  index,
  (a) => matcher.comparisonVectors(a),
  authors.slice(0, 2000),
  DEFAULT_MODEL,
);
matcher.useModel({ model: applyFit(DEFAULT_MODEL, fit), prior: fit.prior, label: 'bench fit' });
console.log(
  `model fitted from 2000 authors in ${((performance.now() - started) / 1000).toFixed(2)} s ` +
    `(${fit.pairs} candidate pairs, ${fit.iterations} EM iterations, ${fit.randomPairs} random customer pairs)`,
);
// One pass over every author, digested (customers by external id: slots follow load order);
// it is also the warm-up, so the JIT has settled before the clock runs.
started = performance.now();
const digest = createHash('sha256');
const externalId = (slot: number | null) => (slot === null ? null : index.externalId(slot));
const decided = (r: Resolution) =>
  JSON.stringify([
    r.status,
    r.method,
    externalId(r.slot),
    r.confidence,
    r.evidence,
    r.candidates.map((c) => [externalId(c.slot), c.weight, c.probability]),
    r.skippedBlocks,
  ]);
for (const a of authors) digest.update(decided(matcher.resolve(a))).update('\n');
console.log(
  `decisions of all ${authors.length} authors: sha256 ${digest.digest('hex')} ` +
    `(${((performance.now() - started) / 1000).toFixed(1)} s)`,
);

const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const outcome = { linked: 0, review: 0, prospect: 0 };
let done = 0;
const run = async () => {
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline) {
    for (let i = 0; i < 1000; i++) {
      outcome[matcher.resolve(authors[done % authors.length]!).status]++;
      done++;
    }
  }
};
const cpu0 = process.cpuUsage();
started = performance.now();
if (process.env.BENCH_PROFILE) {
  const { profile } = await profileCpu(run);
  writeFileSync(process.env.BENCH_PROFILE, JSON.stringify(profile));
} else {
  await run();
}
const wall = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
gc();
console.log(
  `resolved ${done} authors in ${wall.toFixed(1)} s: ${Math.round(done / wall)} resolutions/s wall clock, ` +
    `${Math.round(done / cpuSeconds)} per CPU-second (one thread; ${(1e6 / (done / cpuSeconds)).toFixed(0)} µs each)`,
);
console.log(
  `outcomes: ${JSON.stringify(outcome)}; RSS after the run ${mb(process.memoryUsage().rss)}`,
);
console.log(
  `machine load average during the run: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} (2 cores, shared with Kafka, PostgreSQL and other work)`,
);
