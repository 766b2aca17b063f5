/**
 * npm run bench:diagnose — why customers are missed, on the DEV split only
 * (the test split is never read here): which blocking pass finds each true
 * customer (pairs completeness per pass; found only in blocks over their cap;
 * found by none), where the customers that are not auto-linked land (review
 * below the threshold, review for want of corroboration, a tie, a wrong top
 * candidate; prospect with the right top candidate, ranked lower, never a
 * candidate), and how the posterior is calibrated (share of right top
 * candidates per posterior band). For the generator, the same landing per
 * kind of noise. The model is fitted as in bench:quality.
 * Options: --set generator|splink|union (default all) --examples N --sample N.
 */
import { parseArgs } from 'node:util';
import type { AuthorInput } from '../src/domain/author.ts';
import type { CustomerIndex } from '../src/domain/customer-index.ts';
import {
  corroboration,
  DEFAULT_MATCH_OPTIONS,
  type Matcher,
  type Resolution,
} from '../src/domain/match-author.ts';
import { fitOnDev, indexSet, slotsByExternalId } from './evaluate.ts';
import {
  GENERATOR_DEFAULTS,
  loadGenerator,
  loadSplinkHistorical,
  loadUnionArmy,
  type LinkageAuthor,
} from './linkage-sets.ts';

const { values } = parseArgs({
  options: {
    set: { type: 'string', default: 'all' },
    examples: { type: 'string', default: '10' },
    sample: { type: 'string', default: '2000' },
  },
});
const EXAMPLES = Number(values.examples);

const LOADERS = {
  generator: () => loadGenerator(GENERATOR_DEFAULTS),
  splink: loadSplinkHistorical,
  union: loadUnionArmy,
};

/** Where a customer-author ends up, most useful first. */
export type Landing =
  | 'linked'
  | 'linked wrong'
  | 'review: below the threshold'
  | 'review: nothing besides the name'
  | 'review: tie'
  | 'review: wrong top candidate'
  | 'prospect: right top candidate'
  | 'prospect: ranked lower'
  | 'prospect: never a candidate';

function landingOf(r: Resolution, truth: number, blocked: boolean): Landing {
  if (r.status === 'linked') return r.slot === truth ? 'linked' : 'linked wrong';
  if (r.status === 'review') {
    if (r.slot !== truth) return 'review: wrong top candidate';
    if (r.evidence.some((e) => e.kind === 'ambiguity' && e.detail.startsWith('runner-up')))
      return 'review: tie';
    if (r.evidence.some((e) => e.kind === 'ambiguity')) return 'review: nothing besides the name';
    return 'review: below the threshold';
  }
  if (r.candidates[0]?.slot === truth) return 'prospect: right top candidate';
  return blocked ? 'prospect: ranked lower' : 'prospect: never a candidate';
}

const pct = (x: number, n: number): string => (n ? ((100 * x) / n).toFixed(1) : '-');
const describe = (a: AuthorInput): string =>
  `${JSON.stringify(a.name)} @${a.handle} ${JSON.stringify(a.location)}`;
const customerOf = (index: CustomerIndex, slot: number): string =>
  `${index.first(slot)} ${index.last(slot)}, ${index.city(slot) || index.region(slot) || '-'}`;

function blockingReport(
  index: CustomerIndex,
  matcher: Matcher,
  positives: readonly { a: LinkageAuthor; truth: number }[],
): Set<LinkageAuthor> {
  const byPass = new Map<string, number>();
  const cappedOnly = new Map<string, number>();
  const blocked = new Set<LinkageAuthor>();
  const exact: number[] = [];
  const missed: string[] = [];
  const capped: string[] = [];
  for (const { a, truth } of positives) {
    const r = matcher.resolve(a.input);
    if (r.method !== 'fuzzy' && r.method !== 'none' && r.slot === truth) {
      exact.push(truth);
      blocked.add(a);
      continue;
    }
    const trace = matcher.blockingTrace(a.input, truth);
    const passes = new Set(trace.filter((t) => t.size <= t.cap).map((t) => t.key[0]!));
    for (const p of passes) byPass.set(p, (byPass.get(p) ?? 0) + 1);
    if (passes.size > 0) {
      blocked.add(a);
      continue;
    }
    const line = `  ${describe(a.input)} → ${customerOf(index, truth)}`;
    if (trace.length > 0) {
      for (const p of new Set(trace.map((t) => t.key[0]!)))
        cappedOnly.set(p, (cappedOnly.get(p) ?? 0) + 1);
      if (capped.length < EXAMPLES)
        capped.push(`${line} (${trace.map((t) => `${t.key[0]}:${t.size}>${t.cap}`).join(' ')})`);
    } else if (missed.length < EXAMPLES) missed.push(line);
  }
  const n = positives.length;
  const cappedCount = [...positives].filter(
    ({ a, truth }) => !blocked.has(a) && matcher.blockingTrace(a.input, truth).length > 0,
  ).length;
  console.log(
    `\nBlocking (dev customers-authors: ${n}): found ${pct(blocked.size, n)}% ` +
      `(exact e-mail or handle ${pct(exact.length, n)}%), only in blocks over their cap ` +
      `${pct(cappedCount, n)}%, by no key ${pct(n - blocked.size - cappedCount, n)}%`,
  );
  console.log('| pass | finds alone (%) | the only blocks holding a missed customer (count) |');
  console.log('|---|---|---|');
  for (const p of [...new Set([...byPass.keys(), ...cappedOnly.keys()])].sort()) {
    console.log(`| ${p} | ${pct(byPass.get(p) ?? 0, n)} | ${cappedOnly.get(p) ?? 0} |`);
  }
  if (capped.length) console.log(`Examples, only in capped blocks:\n${capped.join('\n')}`);
  if (missed.length) console.log(`Examples, by no key:\n${missed.join('\n')}`);
  return blocked;
}

for (const [name, load] of Object.entries(LOADERS)) {
  if (values.set !== 'all' && values.set !== name) continue;
  const set = load();
  if (!set) {
    console.log(`${name}: data not found, skipped (see bench/data/SOURCES.md)`);
    continue;
  }
  const { index, matcher } = indexSet(set, DEFAULT_MATCH_OPTIONS);
  const { fit } = fitOnDev(index, matcher, set, Number(values.sample));
  console.log(`\n## ${set.name} — dev split, learned share of customers ${fit.prior.toFixed(3)}`);
  const slotOf = slotsByExternalId(index);
  const dev = set.authors.filter((a) => a.split === 'dev');
  const positives = dev.flatMap((a) => {
    const truth = a.truth === null ? undefined : slotOf.get(a.truth);
    return truth === undefined ? [] : [{ a, truth }];
  });
  const blocked = blockingReport(index, matcher, positives);

  const landings = new Map<Landing, number>();
  const byNoise = new Map<string, Map<Landing, number>>();
  const examples = new Map<Landing, string[]>();
  for (const { a, truth } of positives) {
    const r = matcher.resolve(a.input);
    const l = landingOf(r, truth, blocked.has(a));
    landings.set(l, (landings.get(l) ?? 0) + 1);
    for (const kind of a.noise?.filter((v) => v.startsWith('name:') || v.startsWith('loc:')) ??
      []) {
      const row = byNoise.get(kind) ?? new Map<Landing, number>();
      row.set(l, (row.get(l) ?? 0) + 1);
      byNoise.set(kind, row);
    }
    const list = examples.get(l) ?? [];
    if (list.length < EXAMPLES && l !== 'linked') {
      const evidence = r.evidence
        .filter((e) => e.kind !== 'model')
        .map((e) => `${e.kind} ${e.detail} ${e.weight}`)
        .join('; ');
      list.push(
        `  p=${r.confidence.toFixed(4)} ${describe(a.input)} → ${customerOf(index, truth)} | ${evidence}`,
      );
      examples.set(l, list);
    }
  }
  const order: Landing[] = [
    'linked',
    'linked wrong',
    'review: below the threshold',
    'review: nothing besides the name',
    'review: tie',
    'review: wrong top candidate',
    'prospect: right top candidate',
    'prospect: ranked lower',
    'prospect: never a candidate',
  ];
  console.log(`\nWhere the ${positives.length} customers-authors land:`);
  console.log('| landing | share (%) |\n|---|---|');
  for (const l of order) console.log(`| ${l} | ${pct(landings.get(l) ?? 0, positives.length)} |`);
  if (byNoise.size > 0) {
    console.log(`\nBy kind of noise (% of the kind; n):\n| noise | n | ${order.join(' | ')} |`);
    console.log(`|---|---|${order.map(() => '---|').join('')}`);
    for (const [kind, row] of [...byNoise].sort(([x], [y]) => x.localeCompare(y))) {
      const n = [...row.values()].reduce((s, x) => s + x, 0);
      console.log(`| ${kind} | ${n} | ${order.map((l) => pct(row.get(l) ?? 0, n)).join(' | ')} |`);
    }
  }
  for (const l of order) {
    const list = examples.get(l);
    if (list?.length) console.log(`Examples, ${l}:\n${list.join('\n')}`);
  }

  // Calibration: every fuzzy decision with a candidate, customers or not.
  const bands = [0.5, 0.9, 0.99, 0.999, 0.9999, Infinity];
  const cells = bands.map(() => ({ n: 0, right: 0, corroborated: 0, corroboratedRight: 0 }));
  for (const a of dev) {
    const r = matcher.resolve(a.input);
    if (r.method !== 'fuzzy' || r.slot === null) continue;
    const i = bands.findIndex((b, k) => r.confidence >= b && r.confidence < bands[k + 1]!);
    if (i < 0) continue;
    const right = a.truth !== null && r.slot === slotOf.get(a.truth);
    const c = cells[i]!;
    c.n++;
    if (right) c.right++;
    if (corroboration(r.evidence) >= DEFAULT_MATCH_OPTIONS.corroborationBits) {
      c.corroborated++;
      if (right) c.corroboratedRight++;
    }
  }
  console.log(
    '\nCalibration (fuzzy decisions of all dev authors, ties included):\n' +
      '| posterior | decisions | right (%) | corroborated | right (%) |\n|---|---|---|---|---|',
  );
  cells.slice(0, -1).forEach((c, i) => {
    const band = `[${bands[i]}, ${bands[i + 1] === Infinity ? 1 : bands[i + 1]})`;
    console.log(
      `| ${band} | ${c.n} | ${pct(c.right, c.n)} | ${c.corroborated} | ${pct(c.corroboratedRight, c.corroborated)} |`,
    );
  });
}
