import { HarkError } from '@hark/errors';
import {
  eventType,
  loadSchema,
  valueSubject,
  type DeadLetter,
  type Mention,
  type ScoredMention,
} from '@hark/events';
import { createLogger, createMetricsRegistry } from '@hark/observability';
import {
  createTestTopics,
  makeMention,
  readMessages,
  testEnv,
  uniqueName,
  waitFor,
} from '@hark/testing';
import type { Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAvroSerde,
  createKafka,
  createProducer,
  createRegistryClient,
  createStage,
  type AvroSerde,
  type BatchHandler,
  type Encoder,
  type Stage,
} from '../../src/index.ts';

const env = testEnv();
const logger = createLogger({
  service: 'stage-test',
  level: process.env.TEST_LOG_LEVEL ?? 'silent',
});
let kafka: Kafka;
let producer: Producer;
let serde: AvroSerde;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  kafka = createKafka({ clientId: 'stage-test', brokers: env.kafkaBrokers, logger });
  producer = createProducer(kafka);
  await producer.connect();
  serde = createAvroSerde({ registry: createRegistryClient({ url: env.schemaRegistryUrl }) });
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
  await producer.disconnect();
});

async function topics(...prefixes: string[]) {
  const t = await createTestTopics(
    kafka,
    prefixes.map((prefix) => ({ prefix, partitions: 3 })),
  );
  cleanups.push(t.drop);
  return t.names;
}

/** `count` mentions on each of partitions 0..2, postId `<partition>-<i>`, keyed `p<partition>`. */
async function writeToEachPartition(topic: string, enc: Encoder<Mention>, count: number) {
  for (const partition of [0, 1, 2]) {
    await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: count }, (_, i) => ({
        partition,
        key: `p${partition}`,
        value: enc.encode(makeMention({ postId: `${partition}-${i}` })),
      })),
    });
  }
}

/** A scoring-shaped stage under test: Mention in, ScoredMention out, keyed by author. */
async function startStage(opts: {
  input: string;
  output: string;
  dlq: string;
  handle?: BatchHandler<Mention>;
  groupId?: string;
  onCrash?: (err: Error) => void;
  retryBudgetMs?: number;
}): Promise<Stage> {
  // Tests with their own handler write their own schema to the output topic.
  const out = opts.handle
    ? undefined
    : await serde.encoder<ScoredMention>(valueSubject(opts.output), loadSchema('ScoredMention'));
  const dlq = await serde.encoder<DeadLetter>(valueSubject(opts.dlq), loadSchema('DeadLetter'));
  const handle: BatchHandler<Mention> =
    opts.handle ??
    (async (records) => ({
      outputs: records.map((r) => ({
        topic: opts.output,
        key: `${r.value.platform}:${r.value.author.id}`,
        value: out!.encode({
          mention: r.value,
          sentiment: { score: 0, label: 'neutral', lang: 'en', model: 'test' },
          intent: { label: 'other', confidence: 0, model: 'test' },
          scoredAt: Date.now(),
          theme: 'none',
        }),
      })),
    }));
  const stage = createStage<Mention>({
    stage: 'test-stage',
    kafka,
    producer,
    logger,
    registry: createMetricsRegistry({ service: 'stage-test', defaults: false }),
    groupId: opts.groupId ?? uniqueName('test-group'),
    topics: [opts.input],
    decoder: serde.decoder<Mention>(loadSchema('Mention')),
    dlq: Object.assign(dlq, { topic: opts.dlq }),
    handle,
    retryInitialMs: 20,
    retryMaxMs: 40,
    retryBudgetMs: opts.retryBudgetMs,
    onCrash: opts.onCrash,
  });
  await stage.start();
  cleanups.push(() => stage.close());
  return stage;
}

describe('Avro through Kafka with the registry', () => {
  it('every event type round-trips through a real topic and decodes to the same value', async () => {
    const {
      makeBrandSignal,
      makeDeadLetter,
      makeIdentityLink,
      makeResolvedMention,
      makeScoredMention,
    } = await import('@hark/testing');
    const samples = {
      Mention: makeMention(),
      ScoredMention: makeScoredMention(),
      ResolvedMention: makeResolvedMention(),
      IdentityLink: makeIdentityLink(),
      BrandSignal: makeBrandSignal(),
      DeadLetter: makeDeadLetter(),
    } as const;
    const names = Object.keys(samples) as (keyof typeof samples)[];
    const topicNames = await topics(...names.map((n) => n.toLowerCase()));
    for (const [i, name] of names.entries()) {
      const enc = await serde.encoder(valueSubject(topicNames[i]!), loadSchema(name));
      await producer.send({
        topic: topicNames[i]!,
        acks: -1,
        messages: [{ key: name, value: enc.encode(samples[name]) }],
      });
    }
    for (const [i, name] of names.entries()) {
      const [msg] = await readMessages(kafka, topicNames[i]!, 1);
      const decoded = await serde.decoder(loadSchema(name)).decode(msg!.value!);
      expect(decoded, name).toEqual(samples[name]);
    }
  });
});

describe('consume-process-produce stage', () => {
  it('when a record cannot be decoded, it lands in dlq with its original bytes and the next good record is processed', async () => {
    const [input, output, dlqTopic] = await topics('in', 'out', 'dlq');
    const enc = await serde.encoder<Mention>(valueSubject(input!), loadSchema('Mention'));
    const garbage = Buffer.from('{"not":"avro"}');
    const unknownId = Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 1, 2, 3]);
    // One partition key, so the bad records sit between good ones on the same partition.
    await producer.send({
      topic: input!,
      acks: -1,
      messages: [
        { key: 'k', value: enc.encode(makeMention({ postId: '1' })) },
        { key: 'k', value: garbage },
        { key: 'k', value: unknownId },
        { key: 'k', value: enc.encode(makeMention({ postId: '2' })) },
      ],
    });
    await startStage({ input: input!, output: output!, dlq: dlqTopic! });

    const scored = await readMessages(kafka, output!, 2);
    const decodedOut = await Promise.all(
      scored.map((m) => serde.decoder<ScoredMention>(loadSchema('ScoredMention')).decode(m.value!)),
    );
    expect(decodedOut.map((s) => s.mention.postId).sort()).toEqual(['1', '2']);
    expect(scored[0]!.key!.toString()).toBe('x:2244994945');

    const dead = await readMessages(kafka, dlqTopic!, 2);
    const letters = await Promise.all(
      dead.map((m) => serde.decoder<DeadLetter>(loadSchema('DeadLetter')).decode(m.value!)),
    );
    const byCode = Object.fromEntries(letters.map((l) => [l.errorCode, l]));
    expect(byCode.HARK_SERDE_NOT_FRAMED!.value).toEqual(garbage);
    expect(byCode.HARK_SERDE_UNKNOWN_SCHEMA!.value).toEqual(unknownId);
    for (const l of letters) {
      expect(l).toMatchObject({ stage: 'test-stage', sourceTopic: input, key: Buffer.from('k') });
      expect(l.sourceOffset).toBeGreaterThanOrEqual(1);
    }
    expect(dead[0]!.key!.toString()).toBe('k');
  });

  it('when the handler rejects one record, only that record goes to dlq with the reason', async () => {
    const [input, output, dlqTopic] = await topics('in', 'out', 'dlq');
    const enc = await serde.encoder<Mention>(valueSubject(input!), loadSchema('Mention'));
    const out = await serde.encoder<Mention>(valueSubject(output!), loadSchema('Mention'));
    await producer.send({
      topic: input!,
      acks: -1,
      messages: ['1', '2', '3'].map((id) => ({
        key: id,
        value: enc.encode(makeMention({ postId: id, text: id === '2' ? '' : 'ok' })),
      })),
    });
    await startStage({
      input: input!,
      output: output!,
      dlq: dlqTopic!,
      handle: async (records) => ({
        outputs: records
          .filter((r) => r.value.text)
          .map((r) => ({ topic: output!, key: r.value.mentionId, value: out.encode(r.value) })),
        failures: records
          .filter((r) => !r.value.text)
          .map((record) => ({
            record,
            error: new HarkError('HARK_STAGE_PROCESSING_FAILED', 'text: must not be empty'),
          })),
      }),
    });
    expect(await readMessages(kafka, output!, 2)).toHaveLength(2);
    const [dead] = await readMessages(kafka, dlqTopic!, 1);
    const letter = await serde.decoder<DeadLetter>(loadSchema('DeadLetter')).decode(dead!.value!);
    expect(letter.errorCode).toBe('HARK_STAGE_PROCESSING_FAILED');
    expect(letter.errorMessage).toBe('text: must not be empty');
    expect(eventType('Mention').fromBuffer(letter.value!.subarray(5))).toMatchObject({
      postId: '2',
    });
  });

  it('when processing fails retriably, the batch is retried and nothing is lost or duplicated', async () => {
    const [input, output, dlqTopic] = await topics('in', 'out', 'dlq');
    const enc = await serde.encoder<Mention>(valueSubject(input!), loadSchema('Mention'));
    const out = await serde.encoder<Mention>(valueSubject(output!), loadSchema('Mention'));
    await producer.send({
      topic: input!,
      acks: -1,
      messages: [{ key: 'a', value: enc.encode(makeMention()) }],
    });
    let calls = 0;
    await startStage({
      input: input!,
      output: output!,
      dlq: dlqTopic!,
      handle: async (records) => {
        // More failures than any fixed attempt count would allow: the budget is time.
        if (++calls < 12) throw new HarkError('HARK_DB_UNAVAILABLE');
        return {
          outputs: records.map((r) => ({ topic: output!, key: 'a', value: out.encode(r.value) })),
        };
      },
    });
    expect(await readMessages(kafka, output!, 1)).toHaveLength(1);
    expect(calls).toBe(12);
  });

  it('a backlog whose outputs for one partition exceed the broker limit (1 MiB) goes out in several requests: nothing refused, lost or duplicated', async () => {
    const [input, output, dlqTopic] = await topics('in', 'out', 'dlq');
    const enc = await serde.encoder<Mention>(valueSubject(input!), loadSchema('Mention'));
    const out = await serde.encoder<Mention>(valueSubject(output!), loadSchema('Mention'));
    const text = 'a long review '.repeat(150); // ~2 KB per record
    for (const partition of [0, 1, 2]) {
      await producer.send({
        topic: input!,
        acks: -1,
        messages: Array.from({ length: 400 }, (_, i) => ({
          partition,
          key: `p${partition}`,
          value: enc.encode(makeMention({ postId: `${partition}-${i}`, text })),
        })),
      });
    }
    let crashed: Error | undefined;
    let largest = 0;
    await startStage({
      input: input!,
      output: output!,
      dlq: dlqTopic!,
      retryBudgetMs: 5_000,
      onCrash: (err) => (crashed = err),
      // Every output on one key, so one partition takes the whole flush.
      handle: async (records) => {
        largest = Math.max(largest, records.length);
        return {
          outputs: records.map((r) => ({ topic: output!, key: 'one', value: out.encode(r.value) })),
        };
      },
    });
    const got = await readMessages(kafka, output!, 1200);
    expect(crashed).toBeUndefined();
    expect(
      largest * 2048,
      'one flush held more than the broker takes in one batch',
    ).toBeGreaterThan(1024 * 1024);
    const decoder = serde.decoder<Mention>(loadSchema('Mention'));
    const ids = await Promise.all(got.map(async (m) => (await decoder.decode(m.value!)).postId));
    expect(new Set(ids).size).toBe(1200);
  });

  it('when retriable failures outlast the retry budget, the stage crashes uncommitted instead of skipping the batch', async () => {
    const [input, output, dlqTopic] = await topics('in', 'out', 'dlq');
    const enc = await serde.encoder<Mention>(valueSubject(input!), loadSchema('Mention'));
    await producer.send({
      topic: input!,
      acks: -1,
      messages: [{ key: 'a', value: enc.encode(makeMention()) }],
    });
    let crash: Error | undefined;
    const groupId = uniqueName('test-group');
    await startStage({
      input: input!,
      output: output!,
      dlq: dlqTopic!,
      groupId,
      retryBudgetMs: 300,
      onCrash: (err) => (crash = err),
      handle: async () => {
        throw new HarkError('HARK_DB_UNAVAILABLE');
      },
    });
    await waitFor(() => crash !== undefined, { timeoutMs: 20_000 });
    // kafkajs wraps what the batch handler threw.
    expect(crash!.message).toMatch(
      /^gave up after \d+ attempts in \d+ s: PostgreSQL did not answer/,
    );
    expect(crash!.cause).toMatchObject({ code: 'HARK_DB_UNAVAILABLE' });
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId, topics: [input!] });
    await admin.disconnect();
    expect(offsets[0]!.partitions.every((p) => p.offset === '-1')).toBe(true);
  });

  it('offsets are committed only after outputs are acknowledged: a crash mid-batch re-delivers it to the next consumer', async () => {
    const [input, output, dlqTopic] = await topics('in', 'out', 'dlq');
    const enc = await serde.encoder<Mention>(valueSubject(input!), loadSchema('Mention'));
    await producer.send({
      topic: input!,
      acks: -1,
      messages: ['1', '2', '3'].map((id) => ({
        key: 'same',
        value: enc.encode(makeMention({ postId: id })),
      })),
    });
    const groupId = uniqueName('test-group');
    let crash: Error | undefined;
    const first = await startStage({
      input: input!,
      output: output!,
      dlq: dlqTopic!,
      groupId,
      handle: async () => {
        throw new TypeError('a bug in the handler');
      },
      onCrash: (err) => void (crash = err),
    });
    await waitFor(() => crash, { what: 'the consumer to crash' });
    expect(crash!.message).toContain('a bug in the handler');
    await first.close();

    const admin = kafka.admin();
    await admin.connect();
    const committed = await admin.fetchOffsets({ groupId, topics: [input!] });
    await admin.disconnect();
    expect(committed[0]!.partitions.every((p) => p.offset === '-1')).toBe(true);

    await startStage({ input: input!, output: output!, dlq: dlqTopic!, groupId });
    const delivered = await readMessages(kafka, output!, 3);
    expect(delivered).toHaveLength(3);
  });

  it('when a retriable failure is confined to one partition, the other partitions are committed while it retries, and handled at most twice', async () => {
    const [input, output, dlqTopic] = await topics('in', 'out', 'dlq');
    const enc = await serde.encoder<Mention>(valueSubject(input!), loadSchema('Mention'));
    const out = await serde.encoder<Mention>(valueSubject(output!), loadSchema('Mention'));
    await writeToEachPartition(input!, enc, 5);
    const groupId = uniqueName('test-group');
    const admin = kafka.admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    const handled = new Map<string, number>();
    let failures = 0;
    let othersCommitted = false;
    const io = { input: input!, output: output!, dlq: dlqTopic!, groupId };
    await startStage({
      ...io,
      handle: async (records) => {
        for (const r of records)
          handled.set(r.value.postId, (handled.get(r.value.postId) ?? 0) + 1);
        if (records.some((r) => r.partition === 1) && !othersCommitted) {
          // Partition 1 fails (a deadlock on its rows, say) until the others are committed.
          const [o] = await admin.fetchOffsets({ groupId, topics: [input!] });
          othersCommitted = o!.partitions
            .filter((p) => p.partition !== 1)
            .every((p) => p.offset === '5');
          if (!othersCommitted) {
            failures++;
            throw new HarkError('HARK_DB_UNAVAILABLE', 'deadlock on partition 1', {
              retriable: true,
            });
          }
        }
        return {
          outputs: records.map((r) => ({ topic: output!, key: r.key, value: out.encode(r.value) })),
        };
      },
    });
    expect(await readMessages(kafka, output!, 15)).toHaveLength(15);
    expect(othersCommitted, 'partitions 0 and 2 committed while partition 1 retried').toBe(true);
    expect(failures).toBeGreaterThan(0);
    for (const p of [0, 2])
      for (let i = 0; i < 5; i++)
        expect(handled.get(`${p}-${i}`), `${p}-${i}`).toBeLessThanOrEqual(2);
    await waitFor(
      async () => {
        const [o] = await admin.fetchOffsets({ groupId, topics: [input!] });
        return o!.partitions.every((p) => p.offset === '5');
      },
      { what: 'offsets 5 committed on every partition' },
    );
  });

  it('one handler call takes every partition of a fetch: order holds per partition, a rejected record is dead-lettered from its own partition, every offset is committed', async () => {
    const [input, output, dlqTopic] = await topics('in', 'out', 'dlq');
    const enc = await serde.encoder<Mention>(valueSubject(input!), loadSchema('Mention'));
    const out = await serde.encoder<Mention>(valueSubject(output!), loadSchema('Mention'));
    // Same offsets on every partition (0..19), so a failure found by offset alone would be ambiguous.
    await writeToEachPartition(input!, enc, 20);
    const calls: { partitions: Set<number>; size: number }[] = [];
    const groupId = uniqueName('test-group');
    await startStage({
      input: input!,
      output: output!,
      dlq: dlqTopic!,
      groupId,
      handle: async (records) => {
        calls.push({ partitions: new Set(records.map((r) => r.partition)), size: records.length });
        const bad = (r: (typeof records)[number]) => r.value.postId === '1-7';
        return {
          outputs: records
            .filter((r) => !bad(r))
            .map((r) => ({ topic: output!, key: r.key, value: out.encode(r.value) })),
          failures: records.filter(bad).map((record) => ({
            record,
            error: new HarkError('HARK_STAGE_PROCESSING_FAILED', 'rejected on purpose'),
          })),
        };
      },
    });
    const produced = await readMessages(kafka, output!, 59);
    expect(calls.reduce((n, c) => n + c.size, 0)).toBe(60);
    expect(calls[0]!.partitions.size, 'the first fetch holds all three partitions').toBe(3);
    const decoder = serde.decoder<Mention>(loadSchema('Mention'));
    const byKey = new Map<string, string[]>();
    for (const m of produced) {
      const list = byKey.get(m.key!.toString()) ?? [];
      list.push((await decoder.decode(m.value!)).postId);
      byKey.set(m.key!.toString(), list);
    }
    for (const p of [0, 1, 2]) {
      const want = Array.from({ length: 20 }, (_, i) => `${p}-${i}`).filter((id) => id !== '1-7');
      expect(byKey.get(`p${p}`)).toEqual(want);
    }
    const [dead] = await readMessages(kafka, dlqTopic!, 1);
    const letter = await serde.decoder<DeadLetter>(loadSchema('DeadLetter')).decode(dead!.value!);
    expect(letter).toMatchObject({ sourcePartition: 1, sourceOffset: 7 });
    expect(eventType('Mention').fromBuffer(letter.value!.subarray(5))).toMatchObject({
      postId: '1-7',
    });
    const admin = kafka.admin();
    await admin.connect();
    await waitFor(
      async () => {
        const [o] = await admin.fetchOffsets({ groupId, topics: [input!] });
        return o!.partitions.every((p) => p.offset === '20');
      },
      { what: 'offsets 20 committed on every partition' },
    );
    await admin.disconnect();
  });
});
