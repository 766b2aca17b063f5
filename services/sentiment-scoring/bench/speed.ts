/**
 * Speed benchmark: mentions per second on one core for the pure scoring
 * function (sentiment + intent + theme, learned model included), on tweet-length posts, with the two peers'
 * sentiment-only speed for reference. Single-threaded, so the figure is per
 * core; run it on an idle machine.
 *
 *   npm run bench:speed -w @hark/sentiment-scoring [-- --seconds 3]
 */
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { makeMention } from '@hark/testing';
import { loadScoringModel } from '../src/adapters/load-model.ts';
import { normalizeText } from '../src/domain/normalize.ts';
import { scoreMention, scoreText } from '../src/domain/score-mention.ts';
import { scoreSentiment } from '../src/domain/sentiment.ts';
import { hasDataDir, loadSentimentSplits } from '../scripts/lib/real-data.ts';
import { loadEvalSet } from './lib/datasets.ts';
import { createAfinnPeer, createVaderPeer } from './lib/peers.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '3' } } });
const seconds = Number(values.seconds);

const model = await loadScoringModel({});
const en = model.languages.get('en')!;
// Tweet-length posts: the evaluation set (written as real posts; speed is not quality, so reading
// it here tunes nothing), in a fixed shuffle, and a second run on long tweets (two posts joined).
const texts = loadEvalSet().map((p) => p.text);
for (let i = texts.length - 1; i > 0; i--) {
  const j = (i * 7919) % (i + 1);
  [texts[i], texts[j]] = [texts[j]!, texts[i]!];
}
const longTexts = texts.map((t, i) => `${t} ${texts[(i + 1) % texts.length]}`.slice(0, 280));
const avgLen = Math.round(texts.reduce((a, t) => a + t.length, 0) / texts.length);
const avgLong = Math.round(longTexts.reduce((a, t) => a + t.length, 0) / longTexts.length);
const mentions = texts.map((text, i) =>
  makeMention({ postId: String(i), text, keywords: ['@acme'] }),
);

let sink = 0;
/** Median of three rounds; rate per CPU-second of this process (robust to other load), and per wall second. */
function measure(name: string, fn: (i: number) => void): number {
  for (let i = 0; i < 20_000; i++) fn(i); // warm-up: JIT and caches
  const rounds: { cpu: number; wall: number }[] = [];
  for (let r = 0; r < 3; r++) {
    let n = 0;
    const cpu0 = process.cpuUsage();
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(Math.round((seconds / 3) * 1e9));
    let now = start;
    while (now < deadline) {
      for (let k = 0; k < 1000; k++) fn(n++);
      now = process.hrtime.bigint();
    }
    const cpu = process.cpuUsage(cpu0);
    rounds.push({
      cpu: n / ((cpu.user + cpu.system) / 1e6),
      wall: n / (Number(now - start) / 1e9),
    });
  }
  rounds.sort((a, b) => a.cpu - b.cpu);
  const { cpu, wall } = rounds[1]!;
  const fmt = (v: number) => Math.round(v).toLocaleString('en-US');
  console.log(`| ${name} | ${fmt(cpu)} | ${fmt(wall)} | ${(1e6 / cpu).toFixed(1)} µs |`);
  return cpu;
}

console.log('# sentiment-scoring speed (one core, single thread)\n');
console.log(
  `node ${process.version}, ${cpus()[0]?.model ?? 'unknown cpu'} (${availableParallelism()} cores available), ` +
    `${texts.length} distinct posts, mean ${avgLen} characters\n`,
);
console.log('| what | per CPU-second | per wall second | CPU per item |');
console.log('|---|---|---|---|');
const full = measure(
  'hark: scoreMention (sentiment + intent + theme, Mention in, ScoredMention out)',
  (i) => {
    sink += scoreMention(mentions[i % mentions.length]!, model, 0).sentiment.score;
  },
);
measure('hark: scoreText (sentiment + intent + theme)', (i) => {
  sink += scoreText(texts[i % texts.length]!, null, model).intent.confidence;
});
const long = measure(`hark: scoreText on long tweets (mean ${avgLong} chars)`, (i) => {
  sink += scoreText(longTexts[i % longTexts.length]!, null, model).intent.confidence;
});
// Real tweets when the external data is there (see data/external/README.md): speed only, no labels read.
if (hasDataDir()) {
  const tweets = loadSentimentSplits().test.map((r) => r.text);
  const avg = Math.round(tweets.reduce((a, t) => a + t.length, 0) / tweets.length);
  measure(`hark: scoreText on real tweets (TweetEval test, mean ${avg} chars)`, (i) => {
    sink += scoreText(tweets[i % tweets.length]!, null, model).intent.confidence;
  });
  const v1 = await loadScoringModel({ socialModelPath: false });
  measure(`hark v1 (lexicon + rules, no learned model) on the same real tweets`, (i) => {
    sink += scoreText(tweets[i % tweets.length]!, null, v1).intent.confidence;
  });
}
measure('hark: lexicon sentiment only (no learned model, no intent)', (i) => {
  const norm = normalizeText(texts[i % texts.length]!, model.normalize);
  sink += scoreSentiment(norm, en.lexicon, model.symbols, model.sentimentParams).score;
});
const afinn = createAfinnPeer();
measure('peer: AFINN via natural (sentiment only)', (i) => {
  sink += afinn.label(texts[i % texts.length]!).length;
});
const vader = createVaderPeer();
measure('peer: vader-sentiment (sentiment only)', (i) => {
  sink += vader.label(texts[i % texts.length]!).length;
});
console.log(
  `\ntarget: >= 20,000 mentions/s per core for sentiment + intent + theme: ${full >= 20_000 ? 'met' : 'NOT met'}` +
    ` (long tweets: ${long >= 20_000 ? 'met' : 'NOT met'})`,
);
if (sink === Number.MIN_VALUE) console.log(sink);
