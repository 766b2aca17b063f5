import type { Evidence, MatchMethod } from '@hark/events';
import { prepareAuthor, type AuthorInput, type PreparedAuthor } from './author.ts';
import { authorKeys } from './blocking-keys.ts';
import type { CustomerIndex } from './customer-index.ts';
import { hashKey } from './int-multimap.ts';
import { PairMemo } from './pair-memo.ts';
import { CandidateScorer, DEFAULT_MODEL, scoreCandidate, type MatchModel } from './scoring.ts';
import { handleCompact } from './normalize.ts';

export interface MatchOptions {
  /** Posterior probability at or above which a fuzzy match links automatically. */
  upper: number;
  /** Posterior probability below which the author stays a prospect (between: review). */
  lower: number;
  /** The best candidate must lead the runner-up by this many bits (log2 likelihood ratio) to auto-link. */
  ambiguityBits: number;
  /** Size of the population authors come from (people who could post about the brands). */
  population: number;
  /** Blocking keys with more customers than this are skipped as unselective. */
  maxBlock: number;
  /** The same for typo keys (a full first name's initial, a family name's first letters). */
  maxWeakBlock: number;
  model: MatchModel;
}

export const DEFAULT_MATCH_OPTIONS: MatchOptions = {
  upper: 0.97,
  lower: 0.5,
  ambiguityBits: 3,
  population: 10_000_000,
  maxBlock: 200,
  maxWeakBlock: 50,
  model: DEFAULT_MODEL,
};

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
 * Resolves authors against an in-memory customer index. Steps, in order:
 * exact e-mail, exact handle known to the CRM for the platform, then fuzzy
 * matching over blocking-key candidates (never all customers). An existing
 * stored decision is consulted before this, by `decideAuthor`.
 */
export class Matcher {
  private stamps = new Int32Array(0);
  private generation = 0;
  private readonly memos = { name: new PairMemo(), place: new PairMemo() };
  private collected: number[] = [];
  private readonly visit = (slot: number): void => {
    if (this.stamps[slot] !== this.generation) {
      this.stamps[slot] = this.generation;
      this.collected.push(slot);
    }
  };

  private readonly isKnown = (name: string, role: 'first' | 'last'): boolean =>
    role === 'first' ? this.index.firstNameCount(name) > 0 : this.index.lastNameCount(name) > 0;

  constructor(
    private readonly index: CustomerIndex,
    private readonly options: MatchOptions = DEFAULT_MATCH_OPTIONS,
  ) {}

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
      .map((slot) => ({ slot, weight: scoreCandidate(a, slot, this.index, this.options.model) }))
      .sort((x, y) => y.weight - x.weight);
    const best = scored[0]!;
    const clear = best.weight - scored[1]!.weight >= this.options.ambiguityBits;
    const evidence: Evidence[] = [
      { kind: method, detail: `${detail} (shared by ${slots.length} customers)`, weight: 20 },
    ];
    scoreCandidate(a, best.slot, this.index, this.options.model, evidence);
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

  private collect(a: PreparedAuthor): { slots: number[]; skippedBlocks: number } {
    if (this.stamps.length < this.index.size) {
      this.stamps = new Int32Array(Math.max(1024, this.index.size * 2));
      this.generation = 0;
    }
    this.generation++;
    const slots: number[] = [];
    this.collected = slots;
    let skippedBlocks = 0;
    const cities = [...a.cityIds].map((id) => this.index.cityNames.str(id));
    const { strong, weak } = authorKeys({
      name: a.name,
      handle: a.handle,
      email: a.email,
      cities,
      isKnown: this.isKnown,
    });
    for (const [keys, cap] of [
      [strong, this.options.maxBlock],
      [weak, this.options.maxWeakBlock],
    ] as const) {
      for (const key of keys) {
        if (this.index.blocks.forEachUpTo(hashKey(key), cap, this.visit) > cap) skippedBlocks++;
      }
    }
    return { slots, skippedBlocks };
  }

  private fuzzy(a: PreparedAuthor): Resolution {
    const { slots, skippedBlocks } = this.collect(a);
    const model = this.options.model;
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
    const logPop = Math.log2(this.options.population);
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
    const customersShare = Math.min(0.99, this.index.size / this.options.population);
    const denominator = 1 - customersShare + oddsSum;
    const candidates = top.map((t) => ({
      ...t,
      probability: 2 ** (t.weight - logPop) / denominator,
    }));
    const best = candidates[0];
    if (!best || best.probability < this.options.lower) {
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
    const linked = best.probability >= this.options.upper && !ambiguous;
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
