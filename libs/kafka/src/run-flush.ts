import { isRetriable } from '@hark/errors';
import type { DeadLetter } from '@hark/events';
import type { OffsetToCommit } from './commit.ts';
import { offsetsToCommit } from './commit.ts';
import { rejectedDeadLetters } from './dead-letters.ts';
import type { DecodedChunk } from './decode-chunk.ts';
import type { Chunk, Pending } from './partition-queue.ts';
import type { Outgoing, ProduceStep } from './produce.ts';
import { retriesExhausted, type RetryBudget } from './retry-budget.ts';
import type { BatchHandler, BatchResult, StageRecord } from './stage-types.ts';

/** The steps a flush composes; the stage wires the real ones, unit tests fakes. */
export interface FlushSteps<T> {
  stage: string;
  decode(chunk: Chunk): Promise<DecodedChunk<T>>;
  handle: BatchHandler<T>;
  produce: ProduceStep;
  commit(offsets: OffsetToCommit[]): Promise<void>;
  startBudget(): RetryBudget;
  sleep(ms: number): Promise<void>;
  /** Keeps the group membership alive while a retry waits. */
  heartbeat(chunks: readonly Chunk[]): Promise<void>;
  onRetry(err: unknown, info: { attempt: number; delayMs: number; retried: number }): void;
  /** A unit of work was produced and committed; `seconds` is its successful attempt. */
  onDone(chunks: readonly Chunk[], seconds: number): void;
}

/** Chunks handled by one handler call and sent in one produce request. */
interface Work<T> {
  parts: { pending: Pending<Chunk>; decoded?: DecodedChunk<T> }[];
  /** Set once the handler returned: a retry after this only sends again. */
  outgoing?: Outgoing;
}

const NOTHING: BatchResult<never> = { outputs: [] };

/**
 * One flush of the queued chunks: decode, one handler call for every partition, one produce
 * (acks=all), then one offset commit. A retriable failure is retried within the retry budget:
 * - after the handler returned (the produce failed), only the produce is sent again;
 * - before, a unit spanning several partitions is split into one unit per partition, so a
 *   failure confined to one partition's records holds back that partition alone. Each unit
 *   that succeeds is committed and released at once and never handled again.
 * A chunk is decoded once, whatever the retries. Commit errors are not retried here: kafkajs
 * decides about them (a rebalance, a lost broker) when the flush rejects.
 */
export async function runFlush<T>(batch: Pending<Chunk>[], steps: FlushSteps<T>): Promise<void> {
  let works: Work<T>[] = [{ parts: batch.map((pending) => ({ pending })) }];
  const budget = steps.startBudget();
  for (;;) {
    const failed: Work<T>[] = [];
    let failure: unknown;
    let failures = 0;
    for (const work of works) {
      const started = process.hrtime.bigint();
      try {
        await attempt(work, steps);
      } catch (err) {
        if (!isRetriable(err)) throw err;
        failure = err;
        failures++;
        failed.push(...splitUnhandled(work));
        continue;
      }
      const chunks = work.parts.map((p) => p.pending.item);
      // Only now: every output and dead letter of these chunks is acknowledged (acks=all).
      await steps.commit(offsetsToCommit(chunks));
      steps.onDone(chunks, Number(process.hrtime.bigint() - started) / 1e9);
      for (const p of work.parts) p.pending.resolve();
    }
    if (failed.length === 0) return;
    const delayMs = budget.next();
    if (delayMs === undefined) throw retriesExhausted(steps.stage, budget, failure);
    steps.onRetry(failure, { attempt: budget.attempts(), delayMs, retried: failures });
    await steps
      .heartbeat(failed.flatMap((w) => w.parts.map((p) => p.pending.item)))
      .catch(() => {});
    await steps.sleep(delayMs);
    works = failed;
  }
}

async function attempt<T>(work: Work<T>, steps: FlushSteps<T>): Promise<void> {
  if (!work.outgoing) {
    for (const p of work.parts) p.decoded ??= await steps.decode(p.pending.item);
    const decoded = work.parts.map((p) => p.decoded!);
    const records = recordsOf(decoded);
    const result = records.length > 0 ? await steps.handle(records) : NOTHING;
    const dead = deadOf(decoded);
    rejectedDeadLetters(
      steps.stage,
      result.failures,
      work.parts.map((p) => p.pending.item),
      dead,
    );
    work.outgoing = steps.produce.build(result.outputs, dead);
  }
  await steps.produce.send(work.outgoing);
}

/** A unit the handler has not completed, one per partition; a handled one stays whole. */
function splitUnhandled<T>(work: Work<T>): Work<T>[] {
  if (work.outgoing || work.parts.length === 1) return [work];
  return work.parts.map((p) => ({ parts: [p] }));
}

function recordsOf<T>(decoded: DecodedChunk<T>[]): StageRecord<T>[] {
  if (decoded.length === 1) return decoded[0]!.records;
  const records: StageRecord<T>[] = [];
  for (const d of decoded) for (const r of d.records) records.push(r);
  return records;
}

function deadOf(decoded: DecodedChunk<unknown>[]): DeadLetter[] {
  const dead: DeadLetter[] = [];
  for (const d of decoded) for (const l of d.dead) dead.push(l);
  return dead;
}
