/**
 * What the runtime's boundary costs per record: a handler that returns typed
 * outputs behind `createStageHandler` against the same handler encoding its
 * own `OutputRecord`s (the shape every service had before the runtime), over
 * batches of 500 ScoredMentions with the real Avro encoder (no registry).
 *
 *   npx tsx libs/stage-runtime/bench/handler-overhead.ts
 */
import { eventType, type ScoredMention } from '@hark/events';
import type { OutputRecord, StageRecord } from '@hark/kafka';
import { makeScoredMention } from '@hark/testing';
import { createStageHandler } from '../src/stage-handler.ts';

const type = eventType('ScoredMention');
const encode = (v: ScoredMention) => type.toBuffer(v);
const records: StageRecord<ScoredMention>[] = Array.from({ length: 500 }, (_, i) => ({
  topic: 'in',
  partition: 0,
  offset: String(i),
  key: null,
  value: makeScoredMention(),
  headers: {},
  timestamp: '0',
}));

/** The two handler shapes over one encoder. */
function handlers(enc: (v: ScoredMention) => Buffer) {
  const direct = async (rs: StageRecord<ScoredMention>[]) => {
    const outputs: OutputRecord[] = [];
    for (const r of rs) outputs.push({ topic: 'out', key: r.offset, value: enc(r.value) });
    return { outputs, failures: [] };
  };
  const typed = createStageHandler({
    input: {
      name: 'in',
      topic: 'in',
      event: 'ScoredMention',
      handle: async (rs: StageRecord<ScoredMention>[]) => ({
        outputs: rs.map((r) => ({
          output: 'out' as const,
          key: r.offset,
          value: r.value,
          from: r,
        })),
        failures: [],
      }),
    },
    outputs: { out: { topic: 'out', encode: enc as (v: never) => Buffer } },
    keyring: undefined,
    onErased: () => {},
  });
  return { direct, typed };
}

/** ns per record, the best of five interleaved runs (the machine is shared: the minimum is the signal). */
async function best(run: () => Promise<unknown>, rounds: number): Promise<number> {
  for (let i = 0; i < 100; i++) await run();
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) await run();
  return Number(process.hrtime.bigint() - start) / (rounds * records.length);
}

const fixed = Buffer.alloc(300);
console.log(
  '| encoder | handler encodes OutputRecords (before) | typed outputs behind the runtime | difference |',
);
console.log('|---|---|---|---|');
for (const [name, enc, rounds] of [
  ['Avro (avsc)', encode, 300],
  ['none (a fixed buffer): the boundary alone', () => fixed, 3000],
] as const) {
  const { direct, typed } = handlers(enc);
  let a = Infinity;
  let b = Infinity;
  for (let i = 0; i < 5; i++) {
    a = Math.min(a, await best(() => direct(records), rounds));
    b = Math.min(b, await best(() => typed(records), rounds));
  }
  console.log(`| ${name} | ${a.toFixed(0)} ns | ${b.toFixed(0)} ns | ${(b - a).toFixed(0)} ns |`);
}
