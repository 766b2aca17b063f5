import { HarkError } from '@hark/errors';
import type { DeadLetter } from '@hark/events';
import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { OffsetToCommit } from '../../src/commit.ts';
import type { DecodedChunk } from '../../src/decode-chunk.ts';
import type { Chunk, Pending } from '../../src/partition-queue.ts';
import type { Outgoing } from '../../src/produce.ts';
import { startRetryBudget } from '../../src/retry-budget.ts';
import { runFlush, type FlushSteps } from '../../src/run-flush.ts';
import type { BatchHandler, OutputRecord, StageRecord } from '../../src/stage-types.ts';

/** Three records per partition, offsets 0..2 on each; a record's value is "<partition>-<offset>". */
function batchOf(partitions: number[]) {
  const settled = new Map<number, 'resolved' | Error>();
  const order: number[] = [];
  const batch: Pending<Chunk>[] = partitions.map((partition) => ({
    item: {
      topic: 'in',
      partition,
      messages: ['0', '1', '2'].map(
        (offset) => ({ offset, value: Buffer.from(`${partition}-${offset}`) }) as KafkaMessage,
      ),
      heartbeat: async () => {},
    },
    resolve: () => {
      settled.set(partition, 'resolved');
      order.push(partition);
    },
    reject: (err) => void settled.set(partition, err as Error),
  }));
  return { batch, settled, order };
}

const decodeFake = async (chunk: Chunk): Promise<DecodedChunk<string>> => ({
  records: chunk.messages.map((m) => ({
    topic: chunk.topic,
    partition: chunk.partition,
    offset: m.offset,
    key: null,
    value: m.value!.toString(),
    headers: {},
    timestamp: '0',
    raw: m.value!,
  })),
  dead: [],
  tombstones: 0,
});

const passThrough: BatchHandler<string> = async (records) => ({
  outputs: records.map((r) => ({ topic: 'out', key: null, value: Buffer.from(r.value) })),
});

/** Fakes for every step; records what each was called with. The clock moves only when the flush sleeps. */
function harness(
  handle: BatchHandler<string>,
  opts: { budgetMs?: number; failSends?: number } = {},
) {
  let now = 0;
  let failSends = opts.failSends ?? 0;
  const calls = {
    handled: [] as string[][],
    decoded: [] as number[],
    built: [] as { outputs: readonly OutputRecord[]; dead: readonly DeadLetter[] }[],
    sent: [] as Outgoing[],
    commits: [] as OffsetToCommit[][],
    retries: [] as number[],
    done: [] as number[][],
  };
  const steps: FlushSteps<string> = {
    stage: 'test',
    async decode(chunk) {
      calls.decoded.push(chunk.partition);
      return decodeFake(chunk);
    },
    async handle(records: StageRecord<string>[]) {
      calls.handled.push(records.map((r) => r.value));
      return handle(records);
    },
    produce: {
      build(outputs, dead) {
        calls.built.push({ outputs, dead });
        return { requests: [[{ topic: 'out', messages: [...outputs] }]], dead, sent: 0 };
      },
      async send(outgoing) {
        if (failSends-- > 0) throw new HarkError('HARK_KAFKA_UNAVAILABLE');
        calls.sent.push(outgoing);
      },
    },
    async commit(offsets) {
      calls.commits.push(offsets);
    },
    startBudget: () =>
      startRetryBudget(
        {
          budgetMs: opts.budgetMs ?? 60_000,
          maxAttempts: Number.POSITIVE_INFINITY,
          initialDelayMs: 100,
          maxDelayMs: 1000,
        },
        { now: () => now, random: () => 0.5 },
      ),
    async sleep(ms) {
      now += ms;
    },
    heartbeat: async () => {},
    onRetry: (_, { retried }) => void calls.retries.push(retried),
    onDone: (chunks) => void calls.done.push(chunks.map((c) => c.partition)),
  };
  return { steps, calls };
}

const partitionsOf = (values: string[]) => [...new Set(values.map((v) => Number(v[0])))];

describe('runFlush', () => {
  it('one handler call for every partition, one send, one commit of last offset + 1 per partition', async () => {
    const { batch, settled } = batchOf([0, 1, 2]);
    const { steps, calls } = harness(passThrough);
    await runFlush(batch, steps);
    expect(calls.handled).toEqual([
      ['0-0', '0-1', '0-2', '1-0', '1-1', '1-2', '2-0', '2-1', '2-2'],
    ]);
    expect(calls.sent).toHaveLength(1);
    expect(calls.commits).toEqual([
      [
        { topic: 'in', partition: 0, offset: '3' },
        { topic: 'in', partition: 1, offset: '3' },
        { topic: 'in', partition: 2, offset: '3' },
      ],
    ]);
    expect([...settled.values()]).toEqual(['resolved', 'resolved', 'resolved']);
  });

  it('a retriable failure confined to one partition does not re-run the other partitions: each is handled again once, alone, then committed', async () => {
    let p1Failures = 0;
    const { batch, settled, order } = batchOf([0, 1, 2]);
    const { steps, calls } = harness(async (records) => {
      if (records.some((r) => r.partition === 1) && p1Failures++ < 5)
        throw new HarkError('HARK_DB_UNAVAILABLE', 'deadlock on partition 1 rows', {
          retriable: true,
        });
      return passThrough(records);
    });
    await runFlush(batch, steps);
    const callsPer = (p: number) => calls.handled.filter((h) => partitionsOf(h).includes(p)).length;
    expect(calls.handled[0], 'the first call holds every partition').toHaveLength(9);
    expect(calls.handled.slice(1).every((h) => partitionsOf(h).length === 1)).toBe(true);
    expect([callsPer(0), callsPer(1), callsPer(2)]).toEqual([2, 6, 2]);
    expect(calls.commits.map((c) => c.map((o) => o.partition))).toEqual([[0], [2], [1]]);
    expect(order, 'partitions 0 and 2 are released while 1 still retries').toEqual([0, 2, 1]);
    expect([...settled.values()]).toEqual(['resolved', 'resolved', 'resolved']);
    expect(calls.decoded.sort(), 'each chunk decoded once').toEqual([0, 1, 2]);
  });

  it('when the produce fails after the handler returned, only the produce is retried', async () => {
    const { batch } = batchOf([0, 1]);
    const { steps, calls } = harness(passThrough, { failSends: 3 });
    await runFlush(batch, steps);
    expect(calls.handled).toHaveLength(1);
    expect(calls.built).toHaveLength(1);
    expect(calls.sent).toHaveLength(1);
    expect(calls.retries).toEqual([1, 1, 1]);
    expect(calls.commits).toHaveLength(1);
  });

  it('when a retriable failure outlasts the budget, it stops with RETRIES_EXHAUSTED; partitions done before are committed, the failing one is not', async () => {
    const { batch, settled } = batchOf([0, 1]);
    const { steps, calls } = harness(
      async (records) => {
        if (records.some((r) => r.partition === 1)) throw new HarkError('HARK_DB_UNAVAILABLE');
        return passThrough(records);
      },
      { budgetMs: 1000 },
    );
    const err = await runFlush(batch, steps).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'HARK_STAGE_RETRIES_EXHAUSTED',
      cause: { code: 'HARK_DB_UNAVAILABLE' },
    });
    expect(calls.commits).toEqual([[{ topic: 'in', partition: 0, offset: '3' }]]);
    expect(settled.get(0)).toBe('resolved');
    expect(settled.has(1), 'left for the queue to reject').toBe(false);
  });

  it('a non-retriable failure throws at once, nothing sent or committed', async () => {
    const { batch } = batchOf([0, 1]);
    const { steps, calls } = harness(async () => {
      throw new TypeError('a bug in the handler');
    });
    await expect(runFlush(batch, steps)).rejects.toThrow('a bug in the handler');
    expect([calls.handled.length, calls.sent.length, calls.commits.length]).toEqual([1, 0, 0]);
  });

  it('records the handler rejects become dead letters beside the decode ones, sent with the outputs', async () => {
    const { batch } = batchOf([0, 1]);
    const { steps, calls } = harness(async (records) => ({
      outputs: [],
      failures: records
        .filter((r) => r.value === '1-1')
        .map((record) => ({ record, error: new HarkError('HARK_STAGE_PROCESSING_FAILED') })),
    }));
    await runFlush(batch, steps);
    expect(calls.built[0]!.dead).toEqual([
      expect.objectContaining({ sourcePartition: 1, sourceOffset: 1, value: Buffer.from('1-1') }),
    ]);
  });

  it('a chunk with nothing to handle (all dead or tombstones) does not call the handler, and is committed', async () => {
    const { batch } = batchOf([0]);
    const { steps, calls } = harness(passThrough);
    steps.decode = async () => ({ records: [], dead: [], tombstones: 3 });
    await runFlush(batch, steps);
    expect(calls.handled).toEqual([]);
    expect(calls.commits).toEqual([[{ topic: 'in', partition: 0, offset: '3' }]]);
  });
});
