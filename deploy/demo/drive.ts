/**
 * The main job (`make demo`): with the stack and the five services running,
 * load a demo CRM, drive realistic traffic through the collector's HTTP API,
 * wait until every accepted mention is in the rollups, and print the KPIs
 * straight from the rollup tables and views.
 *
 * Env: DEMO_MENTIONS (20000), DEMO_CUSTOMERS (10000), DEMO_SEED, COLLECTOR_URL,
 * COLLECTOR_API_KEYS (first key is used), DATABASE_URL.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadBrandsConfig } from '@hark/brands';
import { commonSettings, int, parseConfig, setting, str, url } from '@hark/config';
import {
  createRng,
  customersToCsv,
  generateCustomers,
  generateTraffic,
  type GenericPost,
} from '@hark/traffic';
import pg from 'pg';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const config = parseConfig({
  databaseUrl: commonSettings.databaseUrl,
  mentions: setting({
    env: 'DEMO_MENTIONS',
    doc: 'mentions to generate',
    parse: int({ min: 100 }),
    default: 20_000,
  }),
  customers: setting({
    env: 'DEMO_CUSTOMERS',
    doc: 'CRM customers to load',
    parse: int({ min: 100 }),
    default: 10_000,
  }),
  seed: setting({ env: 'DEMO_SEED', doc: 'random seed', parse: int(), default: 20261124 }),
  collectorUrl: setting({
    env: 'COLLECTOR_URL',
    doc: 'collector API',
    parse: url(),
    default: 'http://127.0.0.1:8080',
  }),
  apiKeys: setting({
    env: 'COLLECTOR_API_KEYS',
    doc: 'collector API keys',
    parse: str(),
    default: 'hark-demo-key-local',
  }),
  brandsFile: setting({
    env: 'BRANDS_FILE',
    doc: 'brands config',
    parse: str(),
    default: `${ROOT}deploy/local/brands.yaml`,
  }),
});
const apiKey = config.apiKeys.split(',')[0]!.trim();
const brands = loadBrandsConfig(config.brandsFile);
const rng = createRng(config.seed);
const runId = `demo${Date.now().toString(36)}`;
const workDir = `${ROOT}.stack/demo`;
mkdirSync(workDir, { recursive: true });
const db = new pg.Pool({ connectionString: config.databaseUrl, max: 2 });
const line = (s = '') => process.stdout.write(`${s}\n`);
const progress = (s: string) =>
  process.stderr.write(process.stderr.isTTY ? `\r\x1b[K${s}` : `${s}\n`);

// 1. The CRM.
const customers = generateCustomers(config.customers, rng);
const csvPath = `${workDir}/customers.csv`;
writeFileSync(csvPath, customersToCsv(customers));
line(
  `\n▸ loading ${customers.length.toLocaleString()} CRM customers (${csvPath.replace(ROOT, '')})`,
);
const imported = spawnSync(`${ROOT}bin/hark`, ['crm', 'import', csvPath], {
  stdio: 'inherit',
  env: process.env,
});
if (imported.status !== 0) throw new Error(`hark crm import exited ${imported.status}`);
// identity-resolution picks up changed customers by LISTEN/NOTIFY and a 2 s poll.
await new Promise((r) => setTimeout(r, 4000));

// 2. The traffic.
const end = Date.now() - 60_000;
const spikeStart = end - 5 * 3_600_000;
const { posts, truth } = generateTraffic({
  brands,
  customers,
  count: config.mentions,
  rng,
  end,
  days: 3,
  runId,
  spike: { brand: 'globex', start: spikeStart, durationMs: 90 * 60_000, share: 0.06 },
});
writeFileSync(`${workDir}/truth-${runId}.json`, JSON.stringify(truth));
line(
  `▸ sending ${posts.length.toLocaleString()} mentions over 3 days of event time through ${config.collectorUrl}/v1/mentions`,
);
const counts = { accepted: 0, unmatched: 0, rejected: 0, retried: 0 };
const started = Date.now();
const batches: GenericPost[][] = [];
for (let i = 0; i < posts.length; i += 200) batches.push(posts.slice(i, i + 200));
let next = 0;
await Promise.all(
  Array.from({ length: 4 }, async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      for (let attempt = 1; ; attempt++) {
        const res = await fetch(`${config.collectorUrl}/v1/mentions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify(batch),
        });
        if (res.status === 503 && attempt < 10) {
          counts.retried++;
          await new Promise((r) =>
            setTimeout(r, Number(res.headers.get('retry-after') ?? 1) * 1000),
          );
          continue;
        }
        const body = (await res.json()) as {
          accepted?: number;
          unmatched?: number;
          rejected?: number;
          message?: string;
        };
        if (res.status >= 300 && res.status !== 207)
          throw new Error(`collector answered ${res.status}: ${body.message}`);
        counts.accepted += body.accepted ?? 0;
        counts.unmatched += body.unmatched ?? 0;
        counts.rejected += body.rejected ?? 0;
        break;
      }
      const done = counts.accepted + counts.unmatched + counts.rejected;
      progress(
        `  ${done.toLocaleString()} / ${posts.length.toLocaleString()} sent, ${Math.round(done / ((Date.now() - started) / 1000))}/s`,
      );
    }
  }),
);
progress(
  `  accepted ${counts.accepted.toLocaleString()}, unmatched ${counts.unmatched}, rejected ${counts.rejected} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
);

// 3. Wait until the pipeline has counted every accepted mention.
line('▸ waiting for collector → sentiment-scoring → identity-resolution → metrics-rollup');
const waitStart = Date.now();
let inRollups = 0;
while (inRollups < counts.accepted) {
  const { rows } = await db.query<{ n: string }>(
    `select count(*) as n from mentions where post_id like $1`,
    [`${runId}-%`],
  );
  inRollups = Number(rows[0]!.n);
  progress(
    `  ${inRollups.toLocaleString()} / ${counts.accepted.toLocaleString()} mentions rolled up`,
  );
  if (inRollups >= counts.accepted) break;
  if (Date.now() - waitStart > 180_000) {
    throw new Error(
      `only ${inRollups} of ${counts.accepted} mentions reached the rollups in 3 minutes; check .stack/logs/*.log`,
    );
  }
  await new Promise((r) => setTimeout(r, 500));
}
progress(
  `  all ${inRollups.toLocaleString()} mentions rolled up ${((Date.now() - started) / 1000).toFixed(1)} s after the first was sent\n`,
);

// 4. The KPIs, from the rollups.
const since = new Date(end - 3 * 86_400_000);
line(
  `\n━━ hark KPIs, last 3 days (rollup tables; earlier demo runs in the same window count too) ━━`,
);

const sov = await db.query(
  `select brand_name, sum(mentions)::bigint as mentions,
          round(100 * sum(mentions) / nullif(sum(set_mentions), 0), 1) as share,
          round(100 * sum(engagement) / nullif(sum(set_engagement), 0), 1) as engagement_share
     from v_share_of_voice
    where grain = 'day' and platform = 'all' and window_start >= date_trunc('day', $1::timestamptz)
    group by brand_name order by mentions desc`,
  [since],
);
line('\nShare of voice — home internet providers');
for (const r of sov.rows) {
  line(
    `  ${String(r.brand_name).padEnd(16)} ${String(r.share).padStart(5)} %  ${'█'.repeat(Math.round(Number(r.share) / 2.5)).padEnd(40)} ${String(r.mentions).padStart(7)} mentions, ${r.engagement_share} % of engagement`,
  );
}

const sentiment = await db.query(
  `select b.name, sum(r.mentions)::bigint as mentions, sum(r.positive)::bigint as pos, sum(r.negative)::bigint as neg,
          round(100 * (sum(r.positive) - sum(r.negative))::numeric / nullif(sum(r.positive + r.neutral + r.negative), 0), 1) as net,
          sum(r.customer_mentions)::bigint as customers, sum(r.unique_authors)::bigint as authors
     from rollup_day r join tracked_brands b using (brand)
    where r.window_start >= date_trunc('day', $1::timestamptz)
    group by b.name order by net desc`,
  [since],
);
line('\nNet sentiment per brand (positive − negative, % of scored mentions)');
for (const r of sentiment.rows) {
  line(
    `  ${String(r.name).padEnd(16)} ${String(r.net).padStart(6)}   (${r.pos} positive, ${r.neg} negative, ${r.customers} by known customers)`,
  );
}

const spike = await db.query(
  `with hourly as (
     select window_start, sum(negative)::bigint as negative, sum(mentions)::bigint as mentions
       from rollup_hour where brand = 'globex' and window_start >= $1::timestamptz group by window_start)
   select window_start, negative, mentions,
          (select percentile_cont(0.5) within group (order by negative) from hourly) as median
     from hourly order by negative desc limit 1`,
  [since],
);
const s = spike.rows[0];
if (s) {
  line(`\nNegative spike — Globex`);
  line(
    `  ${new Date(s.window_start).toISOString().slice(0, 16).replace('T', ' ')} UTC: ${s.negative} negative mentions in one hour (of ${s.mentions}); the hourly median is ${Number(s.median).toFixed(0)}`,
  );
}

const top = await db.query(
  `select created_at, brand, platform, customer_name, customer_tier, sentiment_score, text
     from v_top_negative_customer_mentions where created_at >= $1 order by sentiment_score asc, created_at desc limit 5`,
  [since],
);
line('\nTop negative mentions by known customers');
for (const r of top.rows) {
  line(
    `  ${Number(r.sentiment_score).toFixed(2)}  ${String(r.customer_name ?? '?').padEnd(22)} ${String(r.customer_tier ?? '').padEnd(8)} ${r.platform.padEnd(8)} ${r.brand.padEnd(8)} "${String(r.text).slice(0, 70)}"`,
  );
}

// 5. What action-router routed to the queues (its counters; it reads mentions.resolved too).
const routerMetrics = async () => {
  try {
    return await (await fetch('http://127.0.0.1:9105/metrics')).text();
  } catch {
    return '';
  }
};
const sumOf = (text: string, re: RegExp) =>
  [...text.matchAll(re)].reduce((n, m) => n + Number(m[m.length - 1]), 0);
let router = await routerMetrics();
for (let waited = 0; waited < 30_000; waited += 500) {
  const seen = sumOf(
    router,
    /^hark_stage_records_in_total\{[^}]*stage="action-router\.rules"[^}]*\} ([\d.e+]+)$/gm,
  );
  if (seen >= counts.accepted) break;
  await new Promise((r) => setTimeout(r, 500));
  router = await routerMetrics();
}
const perQueue = new Map<string, number>();
for (const m of router.matchAll(/^hark_actions_routed_total\{([^}]*)\} ([\d.e+]+)$/gm)) {
  const labels = Object.fromEntries(
    [...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]),
  );
  const key = `${labels.queue} (${labels.priority})`;
  perQueue.set(key, (perQueue.get(key) ?? 0) + Number(m[2]));
}
line('\nActions routed to queues (action-router, rules/routing.yaml)');
if (perQueue.size === 0) line('  none yet (is action-router running? make services-up)');
for (const [queue, n] of [...perQueue].sort((a, b) => b[1] - a[1]))
  line(`  ${queue.padEnd(34)} ${n.toLocaleString().padStart(8)}`);

line('\nWhere to look');
for (const [name, port] of [
  ['collector', 9101],
  ['sentiment-scoring', 9102],
  ['identity-resolution', 9103],
  ['metrics-rollup', 9104],
  ['action-router', 9105],
  ['schema-registry', 8081],
] as const) {
  line(`  ${name.padEnd(20)} http://127.0.0.1:${port}/metrics   log .stack/logs/${name}.log`);
}
line(
  `  analysts             psql ${config.databaseUrl}  (views v_daily_kpis, v_share_of_voice, v_sentiment_trend, v_top_negative_customer_mentions, v_customer_360)`,
);
line(`  ground truth         .stack/demo/truth-${runId}.json`);
line('  stop everything      make demo-down');
await db.end();
