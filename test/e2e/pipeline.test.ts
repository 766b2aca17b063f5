/**
 * The whole flow, as processes: generated posts in through the collector's
 * HTTP API, through sentiment-scoring and identity-resolution, into
 * metrics-rollup's tables; then every count and, where the generator's
 * truth is unambiguous, every customer link and sentiment label is checked.
 */
import { readFileSync } from 'node:fs';
import { loadBrandsConfig } from '@hark/brands';
import { loadSchema, type Action, type ResolvedMention } from '@hark/events';
import { createAvroSerde, createRegistryClient } from '@hark/kafka';
import { createKeyring, openMentionBatch, TEST_MASTER_KEY } from '@hark/privacy';
import { readMessages, testEnv } from '@hark/testing';
import {
  createRng,
  generateCustomers,
  generateTraffic,
  type DemoCustomer,
  type PostTruth,
} from '@hark/traffic';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  actionId,
  routeMention,
} from '../../services/action-router/src/domain/rules/route-mention.ts';
import { parseRuleset } from '../../services/action-router/src/domain/rules/ruleset.ts';
import {
  BRANDS_FILE,
  createPipeline,
  expectedByBrand,
  sorted,
  type Pipeline,
  type SendReport,
} from '../support/pipeline.ts';

const N = Number(process.env.HARK_E2E_MENTIONS ?? 2000);
const CUSTOMERS = 3000;
const brands = loadBrandsConfig(BRANDS_FILE);
const rng = createRng(20261124);
const runId = `e2e${Date.now().toString(36)}`;

let p: Pipeline;
let customers: DemoCustomer[];
let truth: PostTruth[];
let report: SendReport;
const timings: Record<string, number> = {};

beforeAll(async () => {
  const t0 = Date.now();
  p = await createPipeline({
    label: 'flow',
    partitions: 4,
    env: {
      // The traffic spans two days: route all of it, not only the last two days' default.
      'action-router': { ACTION_MAX_AGE: '7d' },
      // The matcher's prior fitted to this world, as its README says to calibrate it: about 30% of
      // the generated authors are the 3,000 customers, so the population is about 10,000 (the
      // default, 10M, is for the open web, where a name and a city alone never reach review).
      'identity-resolution': { MATCH_POPULATION: String(Math.round(CUSTOMERS / 0.3)) },
    },
  });
  customers = generateCustomers(CUSTOMERS, rng);
  await p.loadCrm(customers);
  timings.crmImportMs = Date.now() - t0;
  await p.startAll();
  timings.startMs = Date.now() - t0;
}, 300_000);

afterEach(async ({ task }) => {
  if (task.result?.state === 'fail') await p?.printLogTails();
});

afterAll(async () => {
  console.log(`pipeline e2e timings: ${JSON.stringify(timings)}`);
  await p?.dispose();
}, 120_000);

describe('N generated mentions through the whole pipeline', () => {
  it('every mention accepted over HTTP is in the rollups exactly once, under each brand it names', async () => {
    const traffic = generateTraffic({
      brands,
      customers,
      count: N,
      rng,
      end: Date.now() - 10 * 60_000,
      days: 2,
      runId,
    });
    truth = traffic.truth;
    const t0 = Date.now();
    report = await p.sendMentions(traffic.posts, { batchSize: 100, concurrency: 2 });
    timings.sendMs = Date.now() - t0;

    // Every generated post is valid and names a tracked brand.
    expect(report.rejected).toBe(0);
    expect(report.unmatched.size).toBe(0);
    expect(report.accepted.size).toBe(N);
    expect(Object.keys(report.statuses)).toEqual(['202']);

    await p.waitForMentions(runId, N, 240_000);
    timings.acceptedToRolledUpMs = Date.now() - t0 - timings.sendMs;

    expect(await p.factCount(runId)).toBe(N);
    const expected = expectedByBrand(report.accepted);
    // A mention naming two brands counts once under each: Σ brands per mention.
    expect(expected.total).toBeGreaterThanOrEqual(N);
    for (const grain of ['day', 'hour', 'minute'] as const) {
      const totals = await p.rollupTotals(grain);
      expect(sorted(totals.byBrand), `rollup_${grain}`).toEqual(sorted(expected.byBrand));
    }

    // The facts carry the brands the collector answered, mention by mention.
    const { rows } = await p.db.query<{ mention_id: string; brands: string[] }>(
      `select mention_id, brands from mentions where starts_with(post_id, $1)`,
      [runId],
    );
    const mismatched = rows.filter(
      (r) =>
        [...r.brands].sort().join(',') !==
        [...(report.accepted.get(r.mention_id) ?? [])].sort().join(','),
    );
    expect(mismatched).toEqual([]);

    // Per row, customers and prospects add up to the mentions; per brand, so do the sentiment labels.
    const { rows: checks } = await p.db.query<{ bad_split: string; bad_labels: string }>(
      `select count(*) filter (where customer_mentions + prospect_mentions <> mentions) as bad_split,
              count(*) filter (where positive + neutral + negative + unknown_sentiment <> mentions) as bad_labels
         from rollup_day`,
    );
    expect(checks[0]).toEqual({ bad_split: '0', bad_labels: '0' });

    // Complaint themes travel scoring → identity-resolution → the facts and the theme views:
    // every negative mention has one, and the daily view counts each themed mention once per brand.
    const { rows: themes } = await p.db.query<{ unthemed: string; themed: string; viewed: string }>(
      `select count(*) filter (where sentiment_label = 'negative' and theme = 'none') as unthemed,
              coalesce(sum(cardinality(brands)) filter (where theme <> 'none'), 0) as themed,
              (select coalesce(sum(mentions), 0) from v_theme_daily) as viewed
         from mentions where starts_with(post_id, $1)`,
      [runId],
    );
    expect(themes[0]!.unthemed).toBe('0');
    expect(Number(themes[0]!.themed)).toBeGreaterThan(0);
    expect(themes[0]!.viewed).toBe(themes[0]!.themed);

    expect(await p.deadLetters()).toEqual([]);
    expect(p.unexpectedExits()).toEqual([]);
  }, 420_000);

  it('links authors and labels sentiment as the generator says, where its truth is unambiguous', async () => {
    expect(truth, 'needs the previous test').toBeDefined();
    const { rows } = await p.db.query<{
      mention_id: string;
      customer_id: string | null;
      customer_status: string;
      sentiment_label: string;
    }>(
      `select mention_id, customer_id, customer_status, sentiment_label
         from mentions where starts_with(post_id, $1)`,
      [runId],
    );
    const facts = new Map(rows.map((r) => [r.mention_id, r]));
    const rate = (ok: number, all: number) => (all === 0 ? 1 : ok / all);
    const fuzzyStatus: Record<string, number> = {};
    const tally = { exact: [0, 0], prospect: [0, 0], fuzzy: [0, 0], sentiment: [0, 0] };
    const wrong: { exact: unknown[]; prospect: unknown[]; fuzzy: unknown[]; sentiment: unknown[] } =
      { exact: [], prospect: [], fuzzy: [], sentiment: [] };
    for (const t of truth) {
      const f = facts.get(t.mentionId);
      expect(f, t.mentionId).toBeDefined();
      if (!f) continue;
      const linkedTo = f.customer_status === 'linked' ? f.customer_id : null;
      if (t.linkEvidence === 'email' || t.linkEvidence === 'handle') {
        tally.exact[1]!++;
        if (linkedTo === t.customerId) tally.exact[0]!++;
        else wrong.exact.push({ id: t.mentionId, want: t.customerId, got: linkedTo });
      } else if (t.linkEvidence === 'none') {
        tally.prospect[1]!++;
        if (linkedTo === null) tally.prospect[0]!++;
        else wrong.prospect.push({ id: t.mentionId, got: linkedTo });
      } else {
        // Name and handle variations: a link must be the right customer; review or prospect is
        // a matter of evidence (a namesake without a city stays ambiguous), so only reported.
        tally.fuzzy[1]!++;
        if (linkedTo === t.customerId) tally.fuzzy[0]!++;
        else if (linkedTo !== null)
          wrong.fuzzy.push({ id: t.mentionId, want: t.customerId, got: linkedTo });
        fuzzyStatus[f.customer_status] = (fuzzyStatus[f.customer_status] ?? 0) + 1;
      }
      if (t.sentimentClear) {
        tally.sentiment[1]!++;
        if (f.sentiment_label === t.sentiment) tally.sentiment[0]!++;
        else wrong.sentiment.push({ id: t.mentionId, want: t.sentiment, got: f.sentiment_label });
      }
    }
    const rates = Object.fromEntries(
      Object.entries(tally).map(([k, [ok, all]]) => [
        k,
        { ok, all, rate: Number(rate(ok!, all!).toFixed(4)) },
      ]),
    );
    console.log(
      `agreement with the generator's truth: ${JSON.stringify(rates)}; fuzzy-evidence authors by status: ${JSON.stringify(fuzzyStatus)}`,
    );

    // Enough of each kind for the rates to mean something.
    expect(tally.exact[1]).toBeGreaterThan(N / 20);
    expect(tally.prospect[1]).toBeGreaterThan(N / 5);
    expect(tally.sentiment[1]).toBeGreaterThan(N / 2);
    expect(wrong.exact.slice(0, 10)).toEqual([]);
    expect(wrong.prospect.slice(0, 10)).toEqual([]);
    expect(wrong.fuzzy.slice(0, 10)).toEqual([]);
    // The fuzzy path works end to end (decrypted name, handle and city reach the matcher):
    // most variations get at least a review.
    expect(tally.fuzzy[1]).toBeGreaterThan(N / 100);
    const fuzzyHeard = (fuzzyStatus.linked ?? 0) + (fuzzyStatus.review ?? 0);
    expect(fuzzyHeard / tally.fuzzy[1]!).toBeGreaterThanOrEqual(0.3);
    expect(rate(tally.sentiment[0]!, tally.sentiment[1]!)).toBeGreaterThanOrEqual(0.95);
  }, 60_000);

  it('action-router routes every resolved mention as the repository rules say, each action once', async () => {
    expect(report, 'needs the first test').toBeDefined();
    await p.start('action-router');
    await p.waitForQuiet(180_000);

    // What the rules say, computed here from the resolved mentions on the topic.
    const rulesFile = new URL('../../rules/routing.yaml', import.meta.url);
    const ruleset = parseRuleset(readFileSync(rulesFile, 'utf8'), rulesFile.pathname);
    const serde = createAvroSerde({
      registry: createRegistryClient({ url: testEnv().schemaRegistryUrl }),
    });
    const resolvedDecoder = serde.decoder<ResolvedMention>(loadSchema('ResolvedMention'));
    const resolved = await Promise.all(
      (await readMessages(p.kafka, p.topics.resolved, N, 60_000)).map((m) =>
        resolvedDecoder.decode(m.value!),
      ),
    );
    const keyring = createKeyring({ pool: p.db, masterKey: TEST_MASTER_KEY, listen: false });
    const opened = await openMentionBatch(resolved, (r) => r.mention, keyring, ['text', 'title']);
    await keyring.close();
    expect(opened.clear).toHaveLength(N);
    const expected = new Set<string>();
    for (const { record, mention } of opened.clear)
      for (const route of routeMention({ ...record, mention }, ruleset))
        expected.add(actionId(route.ruleId, mention.mentionId));
    expect(expected.size).toBeGreaterThan(N / 10);

    // What action-router wrote: exactly those, none twice, personal fields still sealed.
    const admin = p.kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(p.topics.actions).finally(() => admin.disconnect());
    const total = ends.reduce((n, e) => n + Number(e.high), 0);
    const actionDecoder = serde.decoder<Action>(loadSchema('Action'));
    const actions = await Promise.all(
      (await readMessages(p.kafka, p.topics.actions, total, 60_000)).map((m) =>
        actionDecoder.decode(m.value!),
      ),
    );
    const ids = actions.map((a) => a.actionId);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...expected].sort());
    const clearTexts = new Set(opened.clear.map((c) => c.mention.text));
    expect(actions.filter((a) => clearTexts.has(a.mention.text))).toEqual([]);
    expect(await p.deadLetters()).toEqual([]);
    expect(p.unexpectedExits()).toEqual([]);
  }, 300_000);
});
