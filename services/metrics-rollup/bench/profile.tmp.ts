import { readFileSync } from 'node:fs';
import { createPool, migrate } from '@hark/db';
import { createLogger } from '@hark/observability';
import { createTestDatabase } from '@hark/testing';
import { createPartitionManager } from '../src/adapters/partition-manager.ts';
import { toMentionFact } from '../src/domain/mention-fact.ts';
import { windowStart } from '../src/domain/windows.ts';
import { MIGRATIONS_DIR } from '../src/service.ts';
import { makeWorkload } from './workload.ts';
import * as store from '../src/adapters/rollup-store.ts';

const logger = createLogger({ service: 'p', level: 'warn' });
const db = await createTestDatabase();
const pool = createPool({ url: db.url, logger, max: 1 });
if (process.env.GENERIC)
  pool.on('connect', (c) => void c.query('set plan_cache_mode = force_generic_plan'));
await migrate({ pool, scope: 'metrics-rollup', dir: MIGRATIONS_DIR, logger });
const now = Date.now();
const pm = createPartitionManager({
  pool,
  logger,
  now: () => now,
  policy: {
    latenessMs: 7 * 86_400_000,
    futureToleranceMs: 900_000,
    retentionMs: 30 * 86_400_000,
    aheadDays: 2,
  },
});
await pm.maintain();
if (process.env.NOAUTHORIDX) await pool.query('drop index mentions_author_idx');
if (process.env.NONEG) await pool.query('drop index mentions_negative_customer_idx');
const facts = makeWorkload({ count: Number(process.env.N ?? 40000), authors: 100_000, now }).map(
  toMentionFact,
);
await pm.ensureDays(facts.map((f) => windowStart(f.createdAt, 'day')));
const c0 = await pool.connect();
const pid = (await c0.query('select pg_backend_pid() as pid')).rows[0].pid;
c0.release();
const ticks = () => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(f[11]) + Number(f[12]);
};
const times: Record<string, { wall: number; cpu: number; n: number }> = {};
const origConnect = pool.connect.bind(pool);
(pool as any).connect = async () => {
  const c = await origConnect();
  if (!(c as any).__wrapped) {
    const q = c.query.bind(c);
    (c as any).query = async (cfg: any, v?: any) => {
      const name = typeof cfg === 'string' ? cfg.slice(0, 20) : (cfg.name ?? cfg.text.slice(0, 30));
      const t0 = process.hrtime.bigint();
      const k0 = ticks();
      try {
        return await q(cfg, v);
      } finally {
        const e = (times[name] ??= { wall: 0, cpu: 0, n: 0 });
        e.wall += Number(process.hrtime.bigint() - t0) / 1e6;
        e.cpu += (ticks() - k0) * 10;
        e.n++;
      }
    };
    (c as any).__wrapped = true;
  }
  return c;
};
const st = store.createRollupStore({ pool });
const cpu0 = process.cpuUsage();
const s = process.hrtime.bigint();
for (let i = 0; i < facts.length; i += 500) await st.applyMentions(facts.slice(i, i + 500));
const total = Number(process.hrtime.bigint() - s) / 1e6;
const cpu = process.cpuUsage(cpu0);
console.log(
  `total ${total.toFixed(0)} ms, node cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, per mention wall ${((total * 1000) / facts.length).toFixed(1)} µs`,
);
if (process.env.EXPLAIN) {
  const c = await origConnect();
  await c.query("load 'auto_explain'");
  await c.query(
    'set auto_explain.log_min_duration = 0; set auto_explain.log_analyze = on; set auto_explain.log_level = notice; set auto_explain.log_nested_statements = on',
  );
  c.on('notice', (n: any) => console.log(n.message));
  c.release();
  const more = makeWorkload({ count: 500, authors: 100_000, now, seed: 99, prefix: 'x' }).map(
    toMentionFact,
  );
  await st.applyMentions(more);
}
for (const [k, v] of Object.entries(times))
  console.log(
    k.padEnd(40),
    `wall/mention ${((v.wall * 1000) / facts.length).toFixed(1)} µs`,
    `pg cpu/mention ${((v.cpu * 1000) / facts.length).toFixed(1)} µs`,
  );
await pool.end();
await db.drop();
