/**
 * The scorer alone (`scoresOf`: language, lexicon, learned model, intent, theme) on the
 * generated mentions of `bench:cpu`, without decode, open, encode or the stage: CPU µs per
 * mention and bytes allocated per mention (V8's GC profiler). Each pass scores fresh copies
 * of the strings, as a stage decodes them from bytes; the copies' own bytes are included.
 * Run it with `nice -n 5` on a shared machine and compare against the base commit in turns.
 *
 *   npx tsx services/sentiment-scoring/bench/scorer-cpu.ts [--passes 20]
 */
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { trafficMentions } from '../../../deploy/bench/stage-path.ts';
import { loadScoringModel } from '../src/adapters/load-model.ts';
import { scoresOf } from '../src/domain/score-mention.ts';

const { values } = parseArgs({ options: { passes: { type: 'string', default: '20' } } });
const passes = Number(values.passes);
const model = await loadScoringModel({});
const base = trafficMentions(4000).map((t) => t.mention);
const copy = (s: string) => Buffer.from(s).toString();
const fresh = () =>
  base.map((m) => ({
    ...m,
    text: copy(m.text),
    brands: m.brands.map(copy),
    keywords: m.keywords.map(copy),
  }));

for (let i = 0; i < 3; i++) for (const m of fresh()) scoresOf(m, model, 0); // warm-up
let cpu = 0;
let gcUs = 0;
let freed = 0;
const profiler = new v8.GCProfiler();
profiler.start();
const heap0 = v8.getHeapStatistics().used_heap_size;
for (let p = 0; p < passes; p++) {
  const mentions = fresh();
  const t0 = process.cpuUsage();
  for (const m of mentions) scoresOf(m, model, 0);
  const t = process.cpuUsage(t0);
  cpu += t.user + t.system;
}
const heap1 = v8.getHeapStatistics().used_heap_size;
for (const s of profiler.stop()?.statistics ?? []) {
  freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize;
  gcUs += s.cost;
}
const n = passes * base.length;
process.stdout.write(
  `scoresOf on ${base.length} generated mentions × ${passes} passes: ` +
    `${(cpu / n).toFixed(2)} µs CPU per mention (GC ${(gcUs / n).toFixed(2)} µs); ` +
    `${Math.round((freed + heap1 - heap0) / n).toLocaleString('en-US')} bytes allocated per mention\n`,
);
