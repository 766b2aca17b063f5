import type { Evidence, MatchMethod } from '@hark/events';
import { prepareAuthor, type AuthorInput, type PreparedAuthor } from './author.ts';
import { authorKeys } from './blocking-keys.ts';
import type { CustomerIndex } from './customer-index.ts';
import { hashKey } from './int-multimap.ts';
import { PairMemo } from './pair-memo.ts';
import {
  CandidateScorer,
  DEFAULT_MODEL,
  scoreCandidate,
  type ComparisonVector,
  type MatchModel,
} from './scoring.ts';
import { handleCompact } from './normalize.ts';

export interface MatchOptions {
  /** Posterior probability at or above which a fuzzy match links automatically. */
  upper: number;
  /** Posterior probability below which the author stays a prospect (between: review). */
  lower: number;
  /** The best candidate must lead the runner-up by this many bits (log2 likelihood ratio) to auto-link. */
  ambiguityBits: number;
  /**
   * Hand override of the prior: the size of the population authors come from
   * (each customer's prior of being a given author is 1/population). Null:
   * the prior comes from the learned model (customers / share of authors who
   * are customers), or COLD_START_POPULATION before anything was learned.
   */
  population: number | null;
  /** Blocking keys with more customers than this are skipped as unselective. */
  maxBlock: number;
  /** The same for typo keys (a full first name's initial, a family name's first letters). */
  maxWeakBlock: number;
  /**
   * An auto-link needs this many bits of evidence besides the name (a place,
   * an identifier, a company or an e-mail agreeing): a name alone, however
   * rare, is also a namesake's or a relative's. Below: review.
   */
  corroborationBits: number;
  model: MatchModel;
}

export const DEFAULT_MATCH_OPTIONS: MatchOptions = {
  upper: 0.998,
  lower: 0.5,
  ambiguityBits: 3,
  population: null,
  maxBlock: 200,
  maxWeakBlock: 50,
  corroborationBits: 2,
  model: DEFAULT_MODEL,
};

/** The prior before any traffic was seen: cautious, it links little until a model is fitted. */
export const COLD_START_POPULATION = 10_000_000;

/** A learned model in force: its parameters and what evidence says about it. */
export interface ActiveModel {
  model: MatchModel;
  /** Share of observed authors who are customers. */
  prior: number;
  /** Shown in every fuzzy decision's evidence (`model v3, fitted … from 5000 authors`). */
  label: string;
}

export interface Candidate {
  slot: number;
  /** Fellegi–Sunter weight, log2 likelihood ratio. */
  weight: number;
  /** Posterior probability that the author is this customer. */
  probability: number;
}

export type MatchStatus = 'linked' | 'review' | 'prospect';

/** The outcome of matching one author against the CRM, before any stored decision is consulted. */
export interface Resolution {
  status: MatchStatus;
  method: MatchMethod;
  /** The customer linked, or the best candidate for review; null for prospects. */
  slot: number | null;
  confidence: number;
  evidence: Evidence[];
  /** Best candidates, best first (at most 3). */
  candidates: Candidate[];
  /** Blocking keys skipped because too many customers share them. */
  skippedBlocks: number;
}

const TOP = 3;

/**
 * Block cap of the one-part passes (`l|`, `f|`, `L|`, `F|`) and of the
 * last-letters typo pass (`u|`): a name part shared by more customers than
 * this, alone or in one town, cannot be linked on that part, and scoring them
 * all would be most of the matching cost at a million customers (measured: 58
 * candidates per author with the weak cap, 49 with this one, 45 without these
 * passes). The `u` pass at the weak cap (50) cost a tenth more candidates for
 * 0.2 points of completeness on the Union Army dev split; at this cap, 2.5%
 * more candidates than without it.
 */
const SMALL_CAP = 20;
const hasSmallCap = (key: string): boolean =>
  key[0] === 'l' || key[0] === 'f' || key[0] === 'L' || key[0] === 'F' || key[0] === 'u';

/** Evidence kinds that are the name itself (from the display name or a handle spelled from it). */
const NAME_KINDS: ReadonlySet<string> = new Set(['first_name', 'last_name']);

/**
 * Bits of evidence besides the name: the positive weight of every other
 * comparison that agreed (place, identifier, company, e-mail). A place or an
 * e-mail that disagrees does not count here: it already lowered the posterior.
 */
export function corroboration(evidence: readonly Evidence[]): number {
  let bits = 0;
  for (const e of evidence) if (!NAME_KINDS.has(e.kind) && e.weight > 0) bits += e.weight;
  return bits;
}

/**
 * Whether the best fuzzy candidate may be linked without a human: probable
 * enough, clear of the runner-up, and corroborated by something besides the
 * name. The posterior assumes the comparisons independent given the match;
 * namesakes and relatives (the same name, often the same place) break that,
 * so a name alone never links, however rare.
 */
export function mayAutoLink(
  probability: number,
  ambiguous: boolean,
  corroborationBits: number,
  o: Pick<MatchOptions, 'upper' | 'corroborationBits'>,
): boolean {
  return probability >= o.upper && !ambiguous && corroborationBits >= o.corroborationBits;
}

/**
 * Resolves authors against an in-memory customer index. Steps, in order:
 * exact e-mail, exact handle known to the CRM for the platform, then fuzzy
 * matching over blocking-key candidates (never all customers). An existing
 * stored decision is consulted before this, by `decideAuthor`.
 */
export class Matcher {
  /**
   * The slots this author's keys found so far: a scratch table of a few
   * hundred entries that stays in cache, where a stamp per customer (8 MB at
   * a million) cost a cache miss per visit.
   */
  private readonly seen = new PairMemo();
  private readonly memos = { name: new PairMemo(), place: new PairMemo() };
  private collected: number[] = [];
  private readonly visit = (slot: number): void => {
    if (Number.isNaN(this.seen.get(slot, 0))) {
      this.seen.set(slot, 0, 0);
      this.collected.push(slot);
    }
  };

  private skippedBlocks = 0;
  /** Made once: a closure per author costs more than the lookups it makes. */
  private readonly visitBlock = (key: string, cap: number): void => {
    if (this.index.blocks.forEachUpTo(hashKey(key), cap, this.visit) > cap) this.skippedBlocks++;
  };

  private readonly isKnown = (name: string, role: 'first' | 'last'): boolean =>
    role === 'first' ? this.index.firstNameCount(name) > 0 : this.index.lastNameCount(name) > 0;

  private active: ActiveModel | null = null;

  constructor(
    private readonly index: CustomerIndex,
    private readonly options: MatchOptions = DEFAULT_MATCH_OPTIONS,
  ) {}

  /** Swaps in a learned model; the next resolution uses it (no restart). */
  useModel(active: ActiveModel | null): void {
    this.active = active;
  }

  get activeModel(): ActiveModel | null {
    return this.active;
  }

  private get model(): MatchModel {
    return this.active?.model ?? this.options.model;
  }

  /** The population the prior comes from: the hand override, else the learned share. */
  population(): number {
    if (this.options.population !== null) return this.options.population;
    if (this.active) return Math.max(this.index.size, 1) / this.active.prior;
    return COLD_START_POPULATION;
  }

  /**
   * The comparison vectors of an author's blocking candidates, for the
   * estimator: what the model would compare, without deciding anything.
   */
  comparisonVectors(input: AuthorInput): ComparisonVector[] {
    const a = prepareAuthor(input, this.index);
    const { slots } = this.collect(a);
    const scorer = new CandidateScorer(a, this.index, this.model, null, this.memos);
    return slots.map((slot) => scorer.vectorOf(slot));
  }

  resolve(input: AuthorInput): Resolution {
    const a = prepareAuthor(input, this.index);
    if (a.email) {
      const slots = this.index.lookupEmail(a.email);
      if (slots.length > 0) return this.exact(a, slots, 'email', 'e-mail equals a CRM e-mail');
    }
    if (a.emailHash) {
      const slots = this.index.lookupEmailHash(a.emailHash);
      if (slots.length > 0)
        return this.exact(a, slots, 'email', 'e-mail hash equals a CRM e-mail hash');
    }
    if (a.handle) {
      const slots = this.index.lookupHandle(a.platform, a.handle);
      if (slots.length > 0)
        return this.exact(a, slots, 'handle', `handle known to the CRM on ${a.platform}`);
    }
    return this.fuzzy(a);
  }

  /** The candidates blocking finds for an author, for tests and diagnostics. */
  candidates(input: AuthorInput): { slots: number[]; skippedBlocks: number } {
    return this.collect(prepareAuthor(input, this.index));
  }

  private exact(
    a: PreparedAuthor,
    slots: number[],
    method: MatchMethod,
    detail: string,
  ): Resolution {
    if (slots.length === 1) {
      const slot = slots[0]!;
      return {
        status: 'linked',
        method,
        slot,
        confidence: method === 'email' ? 0.999 : 0.99,
        evidence: [{ kind: method, detail, weight: 20 }],
        candidates: [{ slot, weight: 20, probability: 1 }],
        skippedBlocks: 0,
      };
    }
    // A shared address or handle (a household, a CRM duplicate): the name decides, or a human.
    const scored = slots
      .map((slot) => ({ slot, weight: scoreCandidate(a, slot, this.index, this.model) }))
      .sort((x, y) => y.weight - x.weight);
    const best = scored[0]!;
    const clear = best.weight - scored[1]!.weight >= this.options.ambiguityBits;
    const evidence: Evidence[] = [
      { kind: method, detail: `${detail} (shared by ${slots.length} customers)`, weight: 20 },
    ];
    scoreCandidate(a, best.slot, this.index, this.model, evidence);
    return {
      status: clear ? 'linked' : 'review',
      method,
      slot: best.slot,
      confidence: clear ? 0.98 : 1 / slots.length,
      evidence,
      candidates: scored
        .slice(0, TOP)
        .map((s) => ({ ...s, probability: clear && s === best ? 0.98 : 1 / slots.length })),
      skippedBlocks: 0,
    };
  }

  private modelEvidence(population: number): Evidence {
    const prior = `prior 1 in ${Math.round(population).toLocaleString('en-US')}`;
    if (this.options.population !== null) {
      const model = this.active ? `${this.active.label}, ` : 'built-in model, ';
      return { kind: 'model', detail: `${model}${prior} (set by MATCH_POPULATION)`, weight: 0 };
    }
    if (this.active) return { kind: 'model', detail: `${this.active.label}, ${prior}`, weight: 0 };
    return { kind: 'model', detail: `built-in model, no traffic fitted yet, ${prior}`, weight: 0 };
  }

  private collect(a: PreparedAuthor): { slots: number[]; skippedBlocks: number } {
    this.seen.clear();
    const slots: number[] = [];
    this.collected = slots;
    this.skippedBlocks = 0;
    this.forEachKey(a, this.visitBlock);
    return { slots, skippedBlocks: this.skippedBlocks };
  }

  /** Every blocking key of an author with the block cap that applies to it. */
  private forEachKey(a: PreparedAuthor, fn: (key: string, cap: number) => void): void {
    const cities = [...a.cityIds].map((id) => this.index.cityNames.str(id));
    const { strong, weak } = authorKeys({
      name: a.name,
      handle: a.handle,
      email: a.email,
      cities,
      regions: a.location ? [...a.location.regions] : [],
      isKnown: this.isKnown,
    });
    for (const [keys, cap] of [
      [strong, this.options.maxBlock],
      [weak, this.options.maxWeakBlock],
    ] as const) {
      for (const key of keys) {
        // A one-part or last-letters pass is only worth scoring when its block is small.
        fn(
          key,
          key.charCodeAt(1) === 124 /* | */ && hasSmallCap(key) ? Math.min(cap, SMALL_CAP) : cap,
        );
      }
    }
  }

  /**
   * The blocking keys of an author whose block holds `slot`, with the block's
   * size and cap (over the cap: skipped): which passes find a customer, for
   * measuring each pass's completeness.
   */
  blockingTrace(input: AuthorInput, slot: number): { key: string; size: number; cap: number }[] {
    const out: { key: string; size: number; cap: number }[] = [];
    this.forEachKey(prepareAuthor(input, this.index), (key, cap) => {
      let holds = false;
      const size = this.index.blocks.forEachUpTo(hashKey(key), Infinity, (s) => {
        if (s === slot) holds = true;
      });
      if (holds) out.push({ key, size, cap });
    });
    return out;
  }

  private fuzzy(a: PreparedAuthor): Resolution {
    const { slots, skippedBlocks } = this.collect(a);
    const model = this.model;
    // Only customers sharing the author's handle or e-mail local part as an m| key can
    // agree on an identifier; everyone else skips that (string-heavy) comparison.
    const identifierSlots = new Set<number>();
    for (const id of [handleCompact(a.handle), a.emailLocal ?? '']) {
      if (id.length >= 4)
        this.index.blocks.forEach(hashKey(`m|${id}`), (s) => void identifierSlots.add(s));
    }
    const scorer = new CandidateScorer(a, this.index, model, identifierSlots, this.memos);
    const top: { slot: number; weight: number }[] = [];
    // Posterior over "this customer" vs "nobody in the CRM": each customer has prior
    // 1/population of being the author; non-candidates' likelihood ratios are negligible.
    const population = this.population();
    const logPop = Math.log2(population);
    let oddsSum = 0;
    for (const slot of slots) {
      const weight = scorer.weight(slot);
      oddsSum += 2 ** (weight - logPop);
      if (top.length < TOP || weight > top[top.length - 1]!.weight) {
        top.push({ slot, weight });
        top.sort((x, y) => y.weight - x.weight);
        if (top.length > TOP) top.pop();
      }
    }
    const customersShare = Math.min(0.99, this.index.size / population);
    const denominator = 1 - customersShare + oddsSum;
    const candidates = top.map((t) => ({
      ...t,
      probability: 2 ** (t.weight - logPop) / denominator,
    }));
    const best = candidates[0];
    // Namesakes equally likely share the probability: together they may deserve a human
    // even when each alone falls below the review threshold.
    const tied = best
      ? candidates.filter((c) => best.weight - c.weight < this.options.ambiguityBits)
      : [];
    const tiedProbability = tied.reduce((sum, c) => sum + c.probability, 0);
    if (
      !best ||
      (best.probability < this.options.lower &&
        (tied.length < 2 || tiedProbability < this.options.lower))
    ) {
      return {
        status: 'prospect',
        method: 'none',
        slot: null,
        confidence: best?.probability ?? 0,
        evidence: [],
        candidates,
        skippedBlocks,
      };
    }
    const evidence = scorer.explain(best.slot).evidence;
    const runnerUp = candidates[1];
    const ambiguous =
      runnerUp !== undefined && best.weight - runnerUp.weight < this.options.ambiguityBits;
    if (ambiguous) {
      evidence.push({
        kind: 'ambiguity',
        detail: `runner-up within ${(best.weight - runnerUp.weight).toFixed(1)} bits`,
        weight: 0,
      });
    }
    const corroborated = corroboration(evidence);
    if (
      best.probability >= this.options.upper &&
      !ambiguous &&
      corroborated < this.options.corroborationBits
    ) {
      evidence.push({
        kind: 'ambiguity',
        detail: `nothing but the name agrees (${corroborated.toFixed(1)} bits besides it)`,
        weight: 0,
      });
    }
    evidence.push(this.modelEvidence(population));
    const linked = mayAutoLink(best.probability, ambiguous, corroborated, this.options);
    return {
      status: linked ? 'linked' : 'review',
      method: 'fuzzy',
      slot: best.slot,
      confidence: best.probability,
      evidence,
      candidates,
      skippedBlocks,
    };
  }
}
