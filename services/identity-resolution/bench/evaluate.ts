/**
 * Scores a matcher on a labeled set of authors: pairs completeness of
 * blocking, auto-link and review precision/recall, and an exact name + place
 * baseline computed in the same run.
 */
import { loadGazetteer } from '../src/adapters/gazetteer-file.ts';
import type { AuthorInput } from '../src/domain/author.ts';
import { CustomerIndex } from '../src/domain/customer-index.ts';
import { applyFit, fitFromAuthors, type FittedModel } from '../src/domain/estimate-model.ts';
import { Matcher, type MatchOptions } from '../src/domain/match-author.ts';
import { DEFAULT_MODEL } from '../src/domain/scoring.ts';
import { stableHash, type LinkageSet } from './linkage-sets.ts';
import {
  normalizeEmail,
  normalizeHandle,
  normalizeWords,
  parseDisplayName,
} from '../src/domain/normalize.ts';

export interface LabeledAuthor {
  input: AuthorInput;
  truth: string | null;
}

export interface Scores {
  authors: number;
  positives: number;
  pairsCompleteness: number;
  baseline: PR;
  auto: PR;
  review: PR;
  autoPlusReview: PR;
  outcomes: { linked: number; review: number; prospect: number };
}

export interface PR {
  predicted: number;
  correct: number;
  precision: number;
  recall: number;
}

function pr(predicted: number, correct: number, positives: number): PR {
  return {
    predicted,
    correct,
    precision: predicted ? correct / predicted : 1,
    recall: positives ? correct / positives : 0,
  };
}

/**
 * Exact-match baseline: the one customer whose e-mail or CRM handle equals the
 * author's, else the one whose folded first and family name equal the display
 * name's and whose town (else region) the location names.
 */
export function createExactBaseline(index: CustomerIndex): (a: AuthorInput) => number | null {
  const byNamePlace = new Map<string, number[]>();
  for (let slot = 0; slot < index.size; slot++) {
    const place = index.city(slot) || index.region(slot);
    if (!index.first(slot) || !index.last(slot) || !place) continue;
    const key = `${index.first(slot)}|${index.last(slot)}|${place}`;
    const list = byNamePlace.get(key) ?? [];
    list.push(slot);
    byNamePlace.set(key, list);
  }
  return (a) => {
    const email = normalizeEmail(a.email);
    let exact = email ? index.lookupEmail(email) : [];
    if (exact.length === 0 && a.handle)
      exact = index.lookupHandle(a.platform, normalizeHandle(a.handle));
    if (exact.length === 1) return exact[0]!;
    const name = parseDisplayName(a.name);
    if (!name?.first || !name.last) return null;
    const loc = normalizeWords(a.location);
    if (!loc) return null;
    // Try the whole location, then each comma segment ("Leeds, West Yorkshire").
    for (const place of [loc, ...(a.location ?? '').split(',').map((p) => normalizeWords(p))]) {
      const hit = byNamePlace.get(`${name.first}|${name.last}|${place}`);
      if (hit) return hit.length === 1 ? hit[0]! : null;
    }
    return null;
  };
}

/** A set's customers in an index, and a matcher over it with `options`, before any fit. */
export function indexSet(
  set: LinkageSet,
  options: MatchOptions,
): { index: CustomerIndex; matcher: Matcher } {
  const index = new CustomerIndex({ gazetteer: loadGazetteer() });
  for (const c of set.customers) index.upsert(c);
  index.finishLoad();
  return { index, matcher: new Matcher(index, options) };
}

/**
 * Fits the model the way the service fits it from traffic: on `sample`
 * unlabeled dev-split authors (distinct, in a fixed pseudo-random order),
 * and puts it in force. The test split is never used for fitting.
 */
export function fitOnDev(
  index: CustomerIndex,
  matcher: Matcher,
  set: LinkageSet,
  sample: number,
): { fit: FittedModel; ms: number; share: number } {
  const dev = set.authors
    .filter((a) => a.split === 'dev')
    .sort((x, y) => stableHash(x.input.id) - stableHash(y.input.id))
    .slice(0, sample);
  const started = performance.now();
  const fit = fitFromAuthors(
    index,
    (a) => matcher.comparisonVectors(a),
    dev.map((a) => a.input),
    DEFAULT_MODEL,
  );
  const ms = performance.now() - started;
  matcher.useModel({ model: applyFit(DEFAULT_MODEL, fit), prior: fit.prior, label: 'bench fit' });
  const share = dev.length ? dev.filter((a) => a.truth !== null).length / dev.length : 0;
  return { fit, ms, share };
}

/** Customer external id → index slot. */
export function slotsByExternalId(index: CustomerIndex): Map<string, number> {
  const slotOf = new Map<string, number>();
  for (let slot = 0; slot < index.size; slot++) slotOf.set(index.externalId(slot), slot);
  return slotOf;
}

export function evaluate(
  index: CustomerIndex,
  matcher: Matcher,
  authors: readonly LabeledAuthor[],
): Scores {
  const baselineOf = createExactBaseline(index);
  const slotOf = slotsByExternalId(index);
  let positives = 0;
  let found = 0;
  const counts = { base: [0, 0], auto: [0, 0], review: [0, 0], both: [0, 0] };
  const outcomes = { linked: 0, review: 0, prospect: 0 };
  for (const a of authors) {
    const truthSlot = a.truth === null ? undefined : slotOf.get(a.truth);
    if (truthSlot !== undefined) {
      positives++;
      if (matcher.candidates(a.input).slots.includes(truthSlot)) found++;
    }
    const r = matcher.resolve(a.input);
    outcomes[r.status]++;
    const right = r.slot !== null && r.slot === truthSlot;
    const add = (c: number[]) => {
      c[0]!++;
      if (right) c[1]!++;
    };
    if (r.status === 'linked') add(counts.auto);
    if (r.status === 'review') add(counts.review);
    if (r.status !== 'prospect') add(counts.both);
    const b = baselineOf(a.input);
    if (b !== null) {
      counts.base[0]!++;
      if (b === truthSlot) counts.base[1]!++;
    }
  }
  return {
    authors: authors.length,
    positives,
    pairsCompleteness: positives ? found / positives : 1,
    baseline: pr(counts.base[0]!, counts.base[1]!, positives),
    auto: pr(counts.auto[0]!, counts.auto[1]!, positives),
    review: pr(counts.review[0]!, counts.review[1]!, positives),
    autoPlusReview: pr(counts.both[0]!, counts.both[1]!, positives),
    outcomes,
  };
}

export const TABLE_HEADER =
  '| set | split | authors | customers among them | pairs completeness | exact name+place baseline P / R | auto-link P / R | review P / R | auto-link + review P / R |\n|---|---|---|---|---|---|---|---|---|';

export function tableRow(set: string, split: string, s: Scores): string {
  const f = (p: PR) => `${p.precision.toFixed(4)} / ${p.recall.toFixed(4)}`;
  return `| ${set} | ${split} | ${s.authors} | ${s.positives} | ${s.pairsCompleteness.toFixed(4)} | ${f(s.baseline)} | ${f(s.auto)} | ${f(s.review)} | ${f(s.autoPlusReview)} |`;
}
