import { loadSchema, valueSubject, type DeadLetter, type Mention } from '@hark/events';
import {
  createAvroSerde,
  createKafka,
  createProducer,
  createRegistryClient,
  createStage,
} from '@hark/kafka';
import { createLogger, createMetricsRegistry, createOpsServer } from '@hark/observability';
import { createTestTopics, makeMention, testEnv, uniqueName, waitFor } from '@hark/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interpolatePromQL, loadDashboard, panelQueries, variables } from './support/grafana.ts';
import {
  requireBinary,
  startPrometheus,
  type RunningPrometheus,
  type VectorSample,
} from './support/prometheus.ts';
import { readYaml, repoPath } from './support/repo.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- Prometheus configs and API answers are plain JSON */

/**
 * A real Prometheus (Debian's binary) against the local stack: it scrapes the
 * schema registry with the job from prometheus.yml, and a stage running the
 * real consume-process-produce loop (@hark/kafka createStage, the loop every
 * stage service runs) through the pod relabelling of prometheus.k8s.yml, with
 * the Kubernetes discovery replaced by static targets carrying the same
 * labels. It loads alerts.yml, and every query of the ops dashboard runs
 * against it.
 */

const env = testEnv();
const logger = createLogger({ service: 'ops-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const STAGE = uniqueName('ops-test-stage');
const POD = 'ops-test-stage-5d8f7c9b6-x2k4q';
const RECORDS = 5;
const cleanups: (() => Promise<unknown>)[] = [];
let prom: RunningPrometheus;
let inputTopic: string;

function podLabels(opts: { app: string; pod: string; port: number; scrape: boolean }) {
  return {
    __meta_kubernetes_namespace: 'hark',
    __meta_kubernetes_pod_name: opts.pod,
    __meta_kubernetes_pod_phase: 'Running',
    __meta_kubernetes_pod_label_app_kubernetes_io_name: opts.app,
    __meta_kubernetes_pod_label_app_kubernetes_io_part_of: 'hark',
    __meta_kubernetes_pod_annotation_prometheus_io_scrape: String(opts.scrape),
    __meta_kubernetes_pod_annotation_prometheus_io_port: String(opts.port),
    __meta_kubernetes_pod_annotation_prometheus_io_path: '/metrics',
  };
}

function liveConfig(stagePort: number): Record<string, unknown> {
  const local = readYaml<any>('deploy/prometheus/prometheus.yml');
  const k8s = readYaml<any>('deploy/prometheus/prometheus.k8s.yml');
  const registryJob = local.scrape_configs.find((j: any) => j.job_name === 'schema-registry');
  registryJob.static_configs = [{ targets: [new URL(env.schemaRegistryUrl).host] }];
  const pods = k8s.scrape_configs[0];
  delete pods.kubernetes_sd_configs;
  // The pod IP's port is replaced by the annotated one, as for a real pod.
  pods.static_configs = [
    {
      targets: ['127.0.0.1:1'],
      labels: podLabels({ app: 'ops-test-stage', pod: POD, port: stagePort, scrape: true }),
    },
    {
      targets: ['127.0.0.1:2'],
      labels: podLabels({ app: 'not-scraped', pod: 'not-scraped-0', port: 1, scrape: false }),
    },
  ];
  return {
    global: {
      ...local.global,
      scrape_interval: '1s',
      scrape_timeout: '1s',
      evaluation_interval: '1s',
    },
    rule_files: [repoPath('deploy/prometheus/alerts.yml')],
    scrape_configs: [registryJob, pods],
  };
}

beforeAll(async () => {
  requireBinary('prometheus');
  const kafka = createKafka({ clientId: 'ops-test', brokers: env.kafkaBrokers, logger });
  const producer = createProducer(kafka);
  await producer.connect();
  cleanups.push(() => producer.disconnect());
  const serde = createAvroSerde({ registry: createRegistryClient({ url: env.schemaRegistryUrl }) });
  const topics = await createTestTopics(kafka, [
    { prefix: 'ops-in', partitions: 2 },
    { prefix: 'ops-out', partitions: 1 },
    { prefix: 'ops-dlq', partitions: 1 },
  ]);
  cleanups.push(topics.drop);
  const [input, output, dlqTopic] = topics.names as [string, string, string];
  inputTopic = input;
  const inputEncoder = await serde.encoder<Mention>(valueSubject(input), loadSchema('Mention'));
  const outputEncoder = await serde.encoder<Mention>(valueSubject(output), loadSchema('Mention'));
  const dlq = await serde.encoder<DeadLetter>(valueSubject(dlqTopic), loadSchema('DeadLetter'));

  const registry = createMetricsRegistry({ service: 'ops-test' });
  const stage = createStage<Mention>({
    stage: STAGE,
    kafka,
    producer,
    logger,
    registry,
    groupId: uniqueName('ops-test-group'),
    topics: [input],
    decoder: serde.decoder<Mention>(loadSchema('Mention')),
    dlq: Object.assign(dlq, { topic: dlqTopic }),
    handle: async (records) => ({
      outputs: records.map((r) => ({
        topic: output,
        key: r.value.mentionId,
        value: outputEncoder.encode(r.value),
      })),
    }),
    retryInitialMs: 50,
  });
  const ops = createOpsServer({ host: '127.0.0.1', port: 0, registry, logger });
  ops.addReadinessCheck('consumer', () => stage.isReady());
  const { port } = await ops.start();
  cleanups.push(() => ops.close());
  await stage.start();
  cleanups.push(() => stage.close());

  const mentions = Array.from({ length: RECORDS }, (_, i) => makeMention({ postId: `ops-${i}` }));
  await producer.send({
    topic: input,
    acks: -1,
    messages: [
      ...mentions.map((m) => ({ key: m.mentionId, value: inputEncoder.encode(m) })),
      // Not Avro at all: the stage must dead-letter it and count it.
      { key: 'garbage', value: Buffer.from('definitely not avro') },
    ],
  });
  await waitFor(
    async () => {
      const m = await registry.getSingleMetric('hark_stage_records_in_total')?.get();
      return (m?.values ?? []).reduce((n, v) => n + v.value, 0) >= RECORDS + 1;
    },
    { timeoutMs: 60_000, intervalMs: 250, what: 'the stage to consume its input' },
  );

  prom = await startPrometheus(liveConfig(port));
  cleanups.push(() => prom.stop());
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

function total(samples: VectorSample[]): number {
  return samples.reduce((n, s) => n + Number(s.value[1]), 0);
}

async function eventually(expr: string, what: string): Promise<VectorSample[]> {
  return waitFor(
    async () => {
      const samples = await prom.query(expr);
      return samples.length > 0 ? samples : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 250, what },
  );
}

describe('a real Prometheus scraping the local stack', () => {
  it('scrapes the schema registry under the job name of prometheus.yml', async () => {
    await eventually('up{job="schema-registry"} == 1', 'the registry to be scraped');
    // The test registered subjects above, so the counter has moved.
    const requests = await eventually(
      'sum(hark_registry_requests_total{job="schema-registry", service="schema-registry"})',
      'hark_registry_requests_total',
    );
    expect(total(requests)).toBeGreaterThan(0);
  });

  it('scrapes a stage through the pod relabelling and serves its pipeline metrics', async () => {
    const consumed = await eventually(
      `hark_stage_records_in_total{stage="${STAGE}"}`,
      'the stage metrics',
    );
    expect(consumed).toHaveLength(1);
    expect(consumed[0]!.metric).toMatchObject({
      job: 'ops-test-stage',
      namespace: 'hark',
      pod: POD,
      service: 'ops-test',
      stage: STAGE,
      topic: inputTopic,
    });
    expect(total(consumed)).toBe(RECORDS + 1);
    expect(total(await prom.query(`hark_stage_records_out_total{stage="${STAGE}"}`))).toBe(
      RECORDS + 1,
    );
    const dead = await prom.query(`hark_dlq_records_total{stage="${STAGE}"}`);
    expect(total(dead)).toBe(1);
    expect(dead[0]!.metric.code).toMatch(/^HARK_/);
    expect(
      await prom.query(`hark_stage_batch_duration_seconds_count{stage="${STAGE}"} > 0`),
    ).not.toHaveLength(0);
    expect(await prom.query(`hark_consumer_lag{stage="${STAGE}"}`)).not.toHaveLength(0);
    expect(await prom.query(`process_resident_memory_bytes{job="ops-test-stage"}`)).toHaveLength(1);
  });

  it('drops a pod that is not annotated for scraping', async () => {
    const { body } = await prom.api<any>('/api/v1/targets');
    const active = body.data.activeTargets.map((t: any) => t.labels.pod).filter(Boolean);
    expect(active).toEqual([POD]);
    const dropped = body.data.droppedTargets.map(
      (t: any) => t.discoveredLabels.__meta_kubernetes_pod_name,
    );
    expect(dropped).toContain('not-scraped-0');
  });

  it('loads every alert rule of alerts.yml and evaluates each without error', async () => {
    const expected = readYaml<any>('deploy/prometheus/alerts.yml').groups;
    const groups = await waitFor(
      async () => {
        const { body } = await prom.api<any>('/api/v1/rules');
        const g = body.data.groups as any[];
        const evaluated = g.every((x) =>
          x.rules.every((r: any) => r.lastEvaluation && !r.lastEvaluation.startsWith('0001')),
        );
        return evaluated && g.length === expected.length ? g : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, what: 'every rule to be evaluated' },
    );
    expect(groups.map((g) => g.name).sort()).toEqual(expected.map((g: any) => g.name).sort());
    const rules = groups.flatMap((g) => g.rules);
    expect(rules).toHaveLength(expected.flatMap((g: any) => g.rules).length);
    const unhealthy = rules
      .filter((r: any) => r.health !== 'ok')
      .map((r: any) => `${r.name}: ${r.lastError}`);
    expect(unhealthy).toEqual([]);
  });
});

describe('the ops dashboard against that Prometheus', () => {
  const dashboard = loadDashboard('hark-ops.json');

  it('each variable query answers, and the stage variable lists the running stage', async () => {
    for (const v of variables(dashboard)) {
      const m = /^label_values\((.+),\s*(\w+)\)$/.exec(v.query);
      expect(m, `${v.name}: ${v.query}`).not.toBeNull();
      const [, selector, label] = m!;
      const { httpStatus, body } = await prom.api<string[]>(
        `/api/v1/label/${label}/values`,
        { 'match[]': selector! },
        'GET',
      );
      expect(httpStatus, `${v.name}: ${body.error}`).toBe(200);
      expect(body.status).toBe('success');
      if (v.name === 'stage') {
        await waitFor(
          async () =>
            (
              await prom.api<string[]>(
                `/api/v1/label/stage/values`,
                { 'match[]': selector! },
                'GET',
              )
            ).body.data?.includes(STAGE),
          { timeoutMs: 30_000, what: `${STAGE} among the stage values` },
        );
      }
    }
  });

  it('every panel query parses and runs as a range query', async () => {
    const end = Date.now() / 1000;
    const failures: string[] = [];
    for (const q of panelQueries(dashboard)) {
      const expr = interpolatePromQL(q.text, { stage: STAGE, job: '.*' });
      const { httpStatus, body } = await prom.api('/api/v1/query_range', {
        query: expr,
        start: String(end - 300),
        end: String(end),
        step: '15',
      });
      if (httpStatus !== 200 || body.status !== 'success')
        failures.push(`"${q.panel}" ${q.refId}: HTTP ${httpStatus} ${body.error}\n  ${expr}`);
    }
    expect(failures).toEqual([]);
  });

  it('the stage panels show the running stage', async () => {
    const queries = panelQueries(dashboard);
    const shown = [
      'Records in per stage',
      'Records out per stage and topic',
      'Consumer lag per stage',
      'Consumer lag per partition',
      'Batch duration per stage',
      'Dead letters by stage and code',
      'Dead letters in range',
    ];
    for (const title of shown) {
      const q = queries.find((x) => x.panel === title);
      expect(q, title).toBeDefined();
      const expr = interpolatePromQL(q!.text, { stage: STAGE, job: '.*' });
      // rate() needs two samples in its window: wait for the second scrape.
      await eventually(expr, `"${title}" to show data`);
    }
  });
});
