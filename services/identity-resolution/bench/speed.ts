/**
 * npm run bench:speed — resolutions per second against 1,000,000 customers,
 * the time to load them from PostgreSQL into the in-memory index, and the
 * resident memory of a process holding that index. The customers are
 * written to a scratch database, then a fresh child process loads them the
 * way the service does (so the generator's own objects do not inflate its
 * RSS) and resolves authors from the linkage benchmark. Without PostgreSQL
 * it builds the index from the generated rows instead.
 * Options: --customers N --authors N --seconds N --seed N, --profile FILE (a
 * .cpuprofile of the timed loop only).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createPool } from '@hark/db';
import { migrate } from '@hark/db';
import { createLogger } from '@hark/observability';
import { createTestDatabase } from '@hark/testing';
import { createCustomerRepository } from '../src/adapters/customer-repository.ts';
import { MIGRATIONS_DIR, SERVICE } from '../src/schema.ts';
import { generateWorld } from './generate.ts';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    authors: { type: 'string', default: '40000' },
    seconds: { type: 'string', default: '20' },
    seed: { type: 'string', default: '7' },
    profile: { type: 'string' },
  },
});
const nCustomers = Number(values.customers);
const nAuthors = Number(values.authors);
const logger = createLogger({ service: 'bench-speed', level: 'warn' });

let started = performance.now();
const world = generateWorld({
  seed: Number(values.seed),
  customers: nCustomers,
  derived: Math.round(nAuthors * 0.5),
  lookalikes: Math.round(nAuthors * 0.25),
  unrelated: Math.round(nAuthors * 0.25),
});
console.log(
  `generated ${nCustomers} customers and ${world.authors.length} authors in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
const dir = mkdtempSync(join(tmpdir(), 'hark-speed-'));
const authorsFile = join(dir, 'authors.json');
writeFileSync(authorsFile, JSON.stringify(world.authors.map((a) => a.input)));

let db: Awaited<ReturnType<typeof createTestDatabase>> | null = null;
try {
  db = await createTestDatabase();
} catch (err) {
  console.log(
    `PostgreSQL not reachable (${(err as Error).message}); building the index from generated rows`,
  );
}

let insertLine = '';
const workerEnv: Record<string, string> = {
  ...(process.env as Record<string, string>),
  BENCH_AUTHORS: authorsFile,
  BENCH_SECONDS: String(values.seconds),
  ...(values.profile ? { BENCH_PROFILE: values.profile } : {}),
};
if (db) {
  const pool = createPool({ url: db.url, logger, max: 2 });
  await migrate({ pool, scope: SERVICE, dir: MIGRATIONS_DIR, logger });
  const repo = createCustomerRepository({ pool });
  started = performance.now();
  const batch = 10_000;
  for (let i = 0; i < world.customers.length; i += batch) {
    await repo.upsertMany(world.customers.slice(i, i + batch));
  }
  const s = (performance.now() - started) / 1000;
  insertLine = `PostgreSQL upsert of ${nCustomers} customers (batches of ${batch}, one unnest statement each): ${s.toFixed(1)} s, ${Math.round(nCustomers / s)} rows/s`;
  console.log(insertLine);
  await pool.end();
  workerEnv.DATABASE_URL = db.url;
} else {
  const rowsFile = join(dir, 'customers.json');
  writeFileSync(rowsFile, JSON.stringify(world.customers.map(({ gen: _gen, ...c }) => c)));
  workerEnv.BENCH_CUSTOMERS = rowsFile;
}
// Drop the generator's objects before the child starts, so the two do not compete for memory.
world.customers.length = 0;

const worker = fileURLToPath(new URL('./speed-worker.ts', import.meta.url));
const code = await new Promise<number>((resolve) => {
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', worker], {
    env: workerEnv,
    stdio: 'inherit',
  });
  child.on('exit', (c) => resolve(c ?? 1));
});
await db?.drop();
process.exit(code);
