/**
 * Brand matcher throughput: 1,000 tracked terms, 100,000 social-post-sized
 * texts (a fifth with accents, a tenth naming a brand), on one core.
 *
 *   npm run bench:matcher -w @hark/collector
 */
import type { Brand } from '@hark/brands';
import { compileBrandMatcher } from '../src/domain/brand-matcher.ts';

const TERMS = Number(process.env.BENCH_TERMS ?? 1000);
const TEXTS = Number(process.env.BENCH_TEXTS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

// Deterministic PRNG so runs compare.
let seed = 42;
const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

const syllables = [
  'ka',
  'lo',
  'mi',
  'ra',
  'ten',
  'vo',
  'zu',
  'bel',
  'cor',
  'dra',
  'fin',
  'gra',
  'hel',
  'jun',
  'qui',
  'sol',
  'tri',
  'xen',
];
const word = () =>
  Array.from({ length: 2 + Math.floor(rand() * 2) }, () => pick(syllables)).join('');
const common =
  'the a to and of is in it you that was for on are with as i his they be at one have this from or had by hot but some what there we can out other were all your when up use word how said an each she which do their time if will way about many then them would write like so these her long make thing see him two has look more day could go come did my sound no most number who over know water than call first people may down side been now find any new work part take get place made live where after back little only round man year came show every good me give our under name very through just form much great think say help low line before turn cause same mean differ move right boy old too does tell sentence set three want air well also play small end put home read hand port large spell add even land here must big high such follow act why ask men change went light kind off need house picture try us again animal point mother world near build self earth father router outage support bill fiber speed slow down again today broken great love hate switch provider'.split(
    ' ',
  );
const accented = [
  'café',
  'naïve',
  'señor',
  'über',
  'façade',
  'déjà',
  'crème',
  'São',
  'Zürich',
  'Ørsted',
  'straße',
];

const brands: Brand[] = [];
let terms = 0;
for (let b = 0; terms < TERMS; b++) {
  const name = `${word()}`;
  const brand: Brand = {
    id: `b${b}`,
    name,
    aliases: [`${name} ${word()}`, `${name} ${word()} ${word()}`],
    hashtags: [`${name}${word()}`],
    handles: [`${name}_${word()}`],
    keywords: [`${word()}${word()}`],
    exclude: b % 10 === 0 ? [`${word()} ${word()}`] : [],
  };
  terms += 6 + brand.exclude.length;
  brands.push(brand);
}
const matcher = compileBrandMatcher(brands);

const texts: string[] = [];
for (let i = 0; i < TEXTS; i++) {
  const n = 10 + Math.floor(rand() * 30);
  const parts: string[] = [];
  for (let k = 0; k < n; k++) parts.push(rand() < 0.2 ? pick(accented) : pick(common));
  if (rand() < 0.1) {
    const brand = pick(brands);
    const r = rand();
    const term =
      r < 0.4
        ? brand.name
        : r < 0.7
          ? brand.aliases[0]!
          : r < 0.85
            ? `#${brand.hashtags[0]}`
            : `@${brand.handles[0]}`;
    parts.splice(Math.floor(rand() * parts.length), 0, rand() < 0.5 ? term.toUpperCase() : term);
  }
  if (rand() < 0.3) parts.push(`#${pick(common)}`);
  texts.push(parts.join(' ') + (rand() < 0.5 ? '!' : '.'));
}
const avgChars = Math.round(texts.reduce((s, t) => s + t.length, 0) / texts.length);

let matched = 0;
for (const t of texts) if (matcher.match(t).brands.length > 0) matched++;
const rates: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const t0 = process.hrtime.bigint();
  let sink = 0;
  for (const t of texts) sink += matcher.match(t).brands.length;
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (sink < 0) console.log(sink);
  rates.push(TEXTS / s);
}
rates.sort((a, b) => a - b);
const median = rates[Math.floor(rates.length / 2)]!;
console.log(
  JSON.stringify({
    bench: 'matcher',
    brands: brands.length,
    // Terms as configured (names, aliases, hashtags, handles, keywords, exclusions)…
    configuredTerms: terms,
    // …and as compiled: names, aliases and keywords also match as a hashtag.
    compiledTerms: matcher.termCount,
    texts: TEXTS,
    avgChars,
    matchedShare: +(matched / TEXTS).toFixed(3),
    rounds: ROUNDS,
    textsPerSecondMedian: Math.round(median),
    textsPerSecondMin: Math.round(rates[0]!),
    textsPerSecondMax: Math.round(rates[rates.length - 1]!),
  }),
);
