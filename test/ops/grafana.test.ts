import { createPool, migrate, type Pool } from '@hark/db';
import { createLogger } from '@hark/observability';
import { createTestDatabase } from '@hark/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allPanels,
  interpolateSql,
  loadDashboard,
  panelQueries,
  variables,
  type Dashboard,
} from './support/grafana.ts';
import { asRecord, readYaml, repoPath } from './support/repo.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- provisioning files and dashboards are plain YAML/JSON */

const logger = createLogger({ service: 'ops-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const DASHBOARDS = ['hark-ops.json', 'hark-analysts.json'];
const datasources = (
  readYaml<any>('deploy/grafana/provisioning/datasources/hark.yml').datasources as any[]
).map((d) => asRecord(d, 'datasource'));

describe('Grafana provisioning', () => {
  it('provisions Prometheus and PostgreSQL under the uids the dashboards use', () => {
    expect(datasources.map((d) => [d.uid, d.type])).toEqual([
      ['hark-prometheus', 'prometheus'],
      ['hark-postgres', 'grafana-postgresql-datasource'],
    ]);
    const used = new Set<string>();
    for (const file of DASHBOARDS) {
      const d = loadDashboard(file);
      for (const p of allPanels(d).filter((x) => x.type !== 'row')) used.add(p.datasource.uid);
      for (const q of panelQueries(d)) used.add(q.datasourceUid);
      for (const v of variables(d)) if (v.datasourceUid) used.add(v.datasourceUid);
    }
    expect([...used].sort()).toEqual(datasources.map((d) => d.uid as string).sort());
  });

  it('the dashboards provider reads the folder docker-compose.yml mounts the dashboards at', () => {
    const providers = readYaml<any>('deploy/grafana/provisioning/dashboards/hark.yml').providers;
    expect(providers).toHaveLength(1);
    const compose = readYaml<any>('docker-compose.yml');
    const mounts: string[] = compose.services.grafana.volumes;
    expect(mounts).toContain(`./deploy/grafana/dashboards:${providers[0].options.path}:ro`);
  });

  it('every ${VAR} of the data sources is set for Grafana in docker-compose.yml', () => {
    const text = JSON.stringify(datasources);
    const vars = [...text.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]!);
    const environment = readYaml<any>('docker-compose.yml').services.grafana.environment;
    for (const v of vars) expect(environment, v).toHaveProperty(v);
  });

  it.each(DASHBOARDS)(
    '%s: unique uid and panel ids, panels inside the 24-column grid without overlap',
    (file) => {
      const d = loadDashboard(file);
      expect(d.uid).toMatch(/^hark-/);
      const panels = allPanels(d);
      const ids = panels.map((p) => p.id);
      expect(new Set(ids).size).toBe(ids.length);
      const cells = new Set<string>();
      for (const p of panels) {
        const { x, y, w, h } = p.gridPos;
        expect(x + w, p.title).toBeLessThanOrEqual(24);
        for (let i = x; i < x + w; i++)
          for (let j = y; j < y + h; j++) {
            expect(cells.has(`${i},${j}`), `${p.title} overlaps another panel`).toBe(false);
            cells.add(`${i},${j}`);
          }
        if (p.type !== 'row') expect(p.targets?.length, p.title).toBeGreaterThan(0);
      }
    },
  );

  it('the ops dashboard reads Prometheus only and the analysts dashboard PostgreSQL only', () => {
    const uids = (d: Dashboard) => new Set(panelQueries(d).map((q) => q.datasourceUid));
    expect([...uids(loadDashboard('hark-ops.json'))]).toEqual(['hark-prometheus']);
    expect([...uids(loadDashboard('hark-analysts.json'))]).toEqual(['hark-postgres']);
  });
});

/**
 * Every query of the analysts' dashboard, run as Grafana would run it (macros
 * expanded, variables from their own queries) against a database migrated
 * like production — identity-resolution's tables, then metrics-rollup's
 * rollups and views — as the read-only hark_analyst role Grafana logs in with.
 */
describe('the analysts dashboard against PostgreSQL', () => {
  const dashboard = loadDashboard('hark-analysts.json');
  const range = {
    from: new Date(Date.now() - 7 * 86_400_000),
    to: new Date(Date.now() + 3_600_000),
  };
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    pool = createPool({ url: db.url, logger, max: 2 });
    await migrate({
      pool,
      scope: 'identity-resolution',
      dir: repoPath('services/identity-resolution/migrations'),
      logger,
    });
    await migrate({
      pool,
      scope: 'metrics-rollup',
      dir: repoPath('services/metrics-rollup/migrations'),
      logger,
    });
    await seed(pool);
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  /** Runs `sql` as hark_analyst, the role Grafana's login belongs to. */
  async function asAnalyst(sql: string) {
    const client = await pool.connect();
    try {
      await client.query('begin read only');
      await client.query('set local role hark_analyst');
      const result = await client.query(sql);
      await client.query('rollback');
      return result;
    } catch (err) {
      await client.query('rollback').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  }

  /** Each variable's values from its own query, formatted as Grafana puts them into SQL. */
  async function variableValues(): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    for (const v of variables(dashboard)) {
      let values: string[];
      if (v.type === 'custom') values = v.query.split(',').map((s) => s.trim());
      else {
        const { rows } = await asAnalyst(interpolateSql(v.query, {}, range));
        values = rows.map((r) => String(r.__value ?? Object.values(r)[0]));
      }
      expect(values.length, `variable ${v.name} has values`).toBeGreaterThan(0);
      out[v.name] = values;
    }
    return out;
  }

  /** Grafana quotes every value of a multi-value or include-all variable in SQL; a single value goes in raw. */
  function sqlValues(
    all: Record<string, string[]>,
    pick: Record<string, string>,
  ): Record<string, string> {
    const out: Record<string, string> = {};
    for (const v of variables(dashboard)) {
      const values = all[v.name]!;
      out[v.name] =
        v.multi || v.includeAll
          ? values.map((x) => `'${x.replace(/'/g, "''")}'`).join(',')
          : (pick[v.name] ?? values[0]!);
    }
    return out;
  }

  it('each variable query returns values as hark_analyst', async () => {
    const values = await variableValues();
    expect(values.brand!.sort()).toEqual(['acme', 'globex']);
    expect(values.platform![0]).toBe('all');
    expect(values.set).toEqual(['home-internet']);
  });

  it('every panel query runs as hark_analyst, for every window and platform, and returns the seeded data', async () => {
    const all = await variableValues();
    const failures: string[] = [];
    for (const grain of all.grain!) {
      for (const platform of all.platform!) {
        const values = sqlValues(all, { grain, platform });
        for (const q of panelQueries(dashboard)) {
          const sql = interpolateSql(q.text, values, range);
          try {
            const r = await asAnalyst(sql);
            if (r.rows.length === 0)
              failures.push(`"${q.panel}" (${grain}, ${platform}): no rows\n${sql}`);
            if (q.format === 'time_series') {
              const names = r.fields.map((f) => f.name);
              if (names[0] !== 'time')
                failures.push(`"${q.panel}": a time series needs "time" first, got ${names}`);
              // Other columns are the metric name (text) or values (numeric types).
              for (const f of r.fields.slice(1))
                if (f.name !== 'metric' && ![20, 21, 23, 700, 701, 1700].includes(f.dataTypeID))
                  failures.push(`"${q.panel}": column ${f.name} is not numeric`);
            }
          } catch (err) {
            failures.push(
              `"${q.panel}" (${grain}, ${platform}): ${(err as Error).message}\n${sql}`,
            );
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('the top negative customer mentions name the CRM customer, worst first', async () => {
    const all = await variableValues();
    const q = panelQueries(dashboard).find((x) => x.panel === 'Top negative customer mentions')!;
    const { rows } = await asAnalyst(interpolateSql(q.text, sqlValues(all, {}), range));
    expect(rows.map((r) => [r.customer_id, r.customer_name])).toEqual([
      ['C-1', 'Jane Doe'],
      ['C-2', 'Sam Roe'],
    ]);
    expect(Number(rows[0].severity)).toBeGreaterThan(Number(rows[1].severity));
  });

  it('share of voice for the range adds up to the set: acme 3 of 4 mentions per window', async () => {
    const all = await variableValues();
    const q = panelQueries(dashboard).find((x) => x.panel === 'Share of voice over time')!;
    const { rows } = await asAnalyst(
      interpolateSql(q.text, sqlValues(all, { grain: 'day', platform: 'all' }), range),
    );
    const acme = rows.filter((r) => r.metric === 'Acme').map((r) => Number(r.value));
    expect(acme).toEqual([0.75]);
  });
});

/**
 * A day of data for two brands on two platforms at every grain, and two
 * negative mentions by linked customers, written as the services write them.
 */
async function seed(pool: Pool): Promise<void> {
  await pool.query(`
    insert into tracked_brands (brand, name) values ('acme', 'Acme'), ('globex', 'Globex');
    insert into competitive_sets (set_id, name) values ('home-internet', 'Home internet providers');
    insert into competitive_set_brands (set_id, brand) values ('home-internet', 'acme'), ('home-internet', 'globex');
  `);
  for (const grain of ['minute', 'hour', 'day']) {
    // acme: 2 mentions on x and 1 on reddit; globex: 1 on x. On 'all', acme has 3 of the set's 4.
    await pool.query(`
      insert into rollup_${grain} (brand, window_start, platform, mentions, positive, neutral, negative,
        unknown_sentiment, sentiment_sum, likes, shares, replies, views, reach, unique_authors,
        customer_mentions, prospect_mentions, intent_complaint, intent_question, intent_praise,
        intent_suggestion, intent_purchase_intent, intent_churn_risk, intent_other)
      select brand, date_trunc('${grain}', now() - interval '2 hours'), platform, n, 1, 0, n - 1,
        0, -0.5, 3, 1, 1, 0, 1000, n, 1, n - 1, 1, 0, 0, 0, 0, 0, n - 1
      from (values ('acme', 'x', 2), ('acme', 'reddit', 1), ('globex', 'x', 1)) as b (brand, platform, n)
    `);
  }
  await pool.query(`
    create table mentions_seed partition of mentions default;
    insert into customers (external_id, full_name, tier, value) values
      ('C-1', 'Jane Doe', 'gold', 1200), ('C-2', 'Sam Roe', 'silver', 300);
    select metrics_rollup_refresh_customer_views();
  `);
  for (const [i, customer, score, likes, platform] of [
    [1, 'C-1', -0.9, 40, 'x'],
    [2, 'C-2', -0.4, 0, 'reddit'],
  ] as const) {
    await pool.query(
      `insert into mentions (mention_id, created_at, platform, post_id, kind, url, author_id,
         author_handle, author_followers, author_verified, text, likes, shares, replies, views,
         brands, keywords, source_kind, source_name, collected_at, sentiment_score,
         sentiment_label, sentiment_lang, sentiment_model, intent_label, intent_confidence,
         scored_at, customer_id, customer_status, customer_confidence, customer_method,
         customer_tier, customer_value, influence_score, influence_tier, resolved_at, theme)
       values ($1, now() - interval '3 hours', $8, $2, 'post', 'https://example.com/p/' || $2, $3,
         $4, 10, false, 'acme fiber down again', $5, 0, 0, 0,
         '{acme}', '{}', 'http', 'test', now(), $6,
         'negative', 'en', 'test', 'complaint', 0.9,
         now(), $7, 'linked', 0.99, 'email',
         null, null, 0.1, 'low', now(), 'outage')`,
      [
        `${platform}:${i}`,
        String(i),
        `author-${i}`,
        `handle${i}`,
        likes,
        score,
        customer,
        platform,
      ],
    );
  }
  // The theme views count claimed facts only, as the rollups do.
  await pool.query(
    `insert into mention_keys (mention_id, created_at) select mention_id, created_at from mentions`,
  );
}
