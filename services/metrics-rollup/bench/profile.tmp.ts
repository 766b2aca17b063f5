import { createPool, migrate } from '@hark/db';
import { createLogger } from '@hark/observability';
import { createTestDatabase } from '@hark/testing';
import { createPartitionManager } from '../src/adapters/partition-manager.ts';
import { toMentionFact } from '../src/domain/mention-fact.ts';
import { aggregateMentions } from '../src/domain/aggregate-mentions.ts';
import { MIGRATIONS_DIR } from '../src/service.ts';
import { makeWorkload } from './workload.ts';
import * as store from '../src/adapters/rollup-store.ts';

const logger = createLogger({ service: 'p', level: 'warn' });
const db = await createTestDatabase();
const pool = createPool({ url: db.url, logger, max: 4 });
await migrate({ pool, scope: 'metrics-rollup', dir: MIGRATIONS_DIR, logger });
const now = Date.now();
const pm = createPartitionManager({ pool, logger, now: () => now, policy: { latenessMs: 7 * 86_400_000, futureToleranceMs: 900_000, retentionMs: 30 * 86_400_000, aheadDays: 2 } });
await pm.maintain();
const facts = makeWorkload({ count: 30000, authors: 100_000, now }).map(toMentionFact);
const t = { js: 0, agg: 0 };
let s = process.hrtime.bigint();
for (let i = 0; i < facts.length; i += 500) aggregateMentions(facts.slice(i, i + 500));
t.agg = Number(process.hrtime.bigint() - s) / 1e6;
console.log('aggregate ms total', t.agg);
const st = createRollupStoreInstrumented();
function createRollupStoreInstrumented() { return store.createRollupStore({ pool }); }
// time via pg_stat_statements-less approach: wrap client.query
const origConnect = pool.connect.bind(pool);
const times: Record<string, number> = {};
(pool as any).connect = async () => {
  const c = await origConnect();
  if (!(c as any).__wrapped) {
    const q = c.query.bind(c);
    (c as any).query = async (cfg: any, v?: any) => {
      const name = typeof cfg === 'string' ? cfg.slice(0, 20) : cfg.name ?? cfg.text.slice(0, 30);
      const t0 = process.hrtime.bigint();
      try { return await q(cfg, v); } finally { times[name] = (times[name] ?? 0) + Number(process.hrtime.bigint() - t0) / 1e6; }
    };
    (c as any).__wrapped = true;
  }
  return c;
};
s = process.hrtime.bigint();
for (let i = 0; i < facts.length - 5000; i += 500) await st.applyMentions(facts.slice(i, i + 500));
console.log('total ms', Number(process.hrtime.bigint() - s) / 1e6);
{
  const c = await origConnect();
  await c.query("load 'auto_explain'");
  await c.query("set auto_explain.log_min_duration = 0; set auto_explain.log_analyze = on; set auto_explain.log_level = notice; set auto_explain.log_buffers = on");
  c.on('notice', (n: any) => console.log(n.message));
  c.release();
  for (let k = 10; k >= 1; k--) await st.applyMentions(facts.slice(facts.length - 500 * k, facts.length - 500 * (k - 1)));
}
console.log('total ms', Number(process.hrtime.bigint() - s) / 1e6);
console.log(times);
await pool.end();
await db.drop();
