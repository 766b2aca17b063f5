import type { Action, ActionMention, ActionPriority, Mention, ResolvedMention } from '@hark/events';
import { sealedToText } from '@hark/privacy';
import {
  fold,
  keywordKey,
  type Conditions,
  type Keyword,
  type Range,
  type Rule,
  type Ruleset,
} from './ruleset.ts';

/** One rule that matched a mention, with the conditions that held in words. */
export interface Route {
  ruleId: string;
  queue: string;
  priority: ActionPriority;
  reasons: string[];
}

/**
 * The routes of a mention: rules in file order; a matching rule routes and
 * stops the evaluation unless its `then.continue` is true.
 */
export function routeMention(m: ResolvedMention, ruleset: Ruleset): Route[] {
  const routes: Route[] = [];
  const facts = factsOf(m);
  for (const rule of ruleset.rules) {
    if (!matchRule(rule, facts, null)) continue;
    const reasons: string[] = [];
    matchRule(rule, facts, reasons);
    routes.push({ ruleId: rule.id, queue: rule.then.queue, priority: rule.then.priority, reasons });
    if (!rule.then.continue) break;
  }
  return routes;
}

/**
 * The action for a route. Its id ignores the revision: an edit routed by the
 * same rule is the same action. `sealed` is the mention as received, with its
 * personal fields still encrypted: the Action carries that envelope (hk2, in
 * `mention.sealed`) or those per-field envelopes (hk1), not the clear text the
 * rules read, so shredding the author's key erases the action too.
 */
export function buildAction(
  m: ResolvedMention,
  route: Route,
  rulesVersion: string,
  now: number,
  sealed: Mention = m.mention,
): Action {
  return actionOf(route, rulesVersion, now, actionMention(m, sealed));
}

/**
 * The actions of all of a mention's routes (see `buildAction`). They share one
 * ActionMention, built once: routes with `continue` give a mention several
 * actions, and the mention part is most of each.
 */
export function buildActions(
  m: ResolvedMention,
  routes: readonly Route[],
  rulesVersion: string,
  now: number,
  sealed: Mention = m.mention,
): Action[] {
  if (routes.length === 0) return [];
  const mention = actionMention(m, sealed);
  return routes.map((route) => actionOf(route, rulesVersion, now, mention));
}

function actionOf(route: Route, rulesVersion: string, now: number, mention: ActionMention): Action {
  return {
    actionId: actionId(route.ruleId, mention.mentionId),
    queue: route.queue,
    priority: route.priority,
    ruleId: route.ruleId,
    rulesVersion,
    reasons: route.reasons,
    mention,
    routedAt: now,
  };
}

export function actionId(ruleId: string, mentionId: string): string {
  return `${ruleId}:${mentionId}`;
}

/**
 * The mention part of an Action: the scores from `r`, the personal fields
 * (MENTION_PII_FIELDS of @hark/privacy) from `sealed`.
 */
function actionMention(r: ResolvedMention, sealed: Mention): ActionMention {
  const m = r.mention;
  return {
    mentionId: m.mentionId,
    revision: m.revision,
    platform: m.platform,
    url: sealed.url,
    brands: m.brands,
    authorId: m.author.id,
    authorHandle: sealed.author.handle,
    authorName: sealed.author.name,
    authorFollowers: m.author.followers,
    title: sealed.title,
    text: sealed.text,
    lang: r.sentiment.lang || m.lang || 'und',
    postedAt: m.createdAt,
    sentimentLabel: r.sentiment.label,
    sentimentScore: r.sentiment.score,
    intentLabel: r.intent.label,
    intentConfidence: r.intent.confidence,
    customerId: r.customer.customerId,
    customerStatus: r.customer.status,
    customerTier: r.customer.customerTier,
    customerValue: r.customer.customerValue,
    influenceTier: r.influence.tier,
    sealed: sealed.sealed ? sealedToText(sealed.sealed) : null,
  };
}

interface Facts {
  m: ResolvedMention;
  brands: string[];
  known: boolean;
  text: string;
  keywords: Set<string>;
  langs: string[];
}

function factsOf(m: ResolvedMention): Facts {
  return {
    m,
    brands: m.mention.brands.map((b) => b.toLowerCase()),
    // A pair under review is not a customer yet: it counts as a prospect, as in the rollups.
    known: m.customer.status === 'linked' && m.customer.customerId !== null,
    text: fold([m.mention.title ?? '', m.mention.text].join('\n')),
    keywords: new Set(m.mention.keywords.map(keywordKey)),
    langs: [m.sentiment.lang, m.mention.lang ?? ''].filter(Boolean).map((l) => l.toLowerCase()),
  };
}

/**
 * Whether every condition holds; with `reasons`, also words why into it. Runs for every
 * rule on every mention without `reasons` (plain ifs in condition order, no closure, no
 * string: `reasons?.push(…)` does not evaluate its argument when there is no list), and
 * once more with a list for a rule that matched. Wording as conditions passed cost a
 * reason string for every condition that held before one that failed: a fifth of all
 * action-router allocated (heap sampling under make bench).
 */
function matchRule(rule: Rule, f: Facts, reasons: string[] | null): boolean {
  const c: Conditions = rule.when;
  const m = f.m;
  if (c.brand) {
    if (!someIn(c.brand, f.brands)) return false;
    reasons?.push(`brand ${f.brands.join(',')} in [${c.brand}]`);
  }
  if (c.platform) {
    if (!c.platform.includes(m.mention.platform.toLowerCase())) return false;
    reasons?.push(`platform ${m.mention.platform} in [${c.platform}]`);
  }
  if (c.sentiment) {
    if (!c.sentiment.includes(m.sentiment.label)) return false;
    reasons?.push(`sentiment ${m.sentiment.label} in [${c.sentiment}]`);
  }
  if (c.sentimentScore) {
    if (!inRange(m.sentiment.score, c.sentimentScore)) return false;
    reasons?.push(`sentiment score ${m.sentiment.score} ${describe(c.sentimentScore)}`);
  }
  if (c.intent) {
    if (!c.intent.includes(m.intent.label)) return false;
    reasons?.push(`intent ${m.intent.label} (${m.intent.confidence}) in [${c.intent}]`);
  }
  if (c.intentConfidence) {
    if (!inRange(m.intent.confidence, c.intentConfidence)) return false;
    reasons?.push(`intent confidence ${m.intent.confidence} ${describe(c.intentConfidence)}`);
  }
  if (c.customer) {
    if (c.customer !== (f.known ? 'known' : 'prospect')) return false;
    reasons?.push(f.known ? `known customer ${m.customer.customerId}` : 'prospect');
  }
  if (c.customerTier) {
    if (!(f.known && c.customerTier.includes((m.customer.customerTier ?? '').toLowerCase())))
      return false;
    reasons?.push(`customer tier ${m.customer.customerTier} in [${c.customerTier}]`);
  }
  if (c.customerValue) {
    const value = m.customer.customerValue;
    if (!(f.known && value !== null && inRange(value, c.customerValue))) return false;
    reasons?.push(`customer value ${value} ${describe(c.customerValue)}`);
  }
  if (c.reach) {
    if (!inRange(m.mention.author.followers, c.reach)) return false;
    reasons?.push(`reach ${m.mention.author.followers} ${describe(c.reach)}`);
  }
  if (c.influenceTier) {
    if (!c.influenceTier.includes(m.influence.tier)) return false;
    reasons?.push(`influence ${m.influence.tier} in [${c.influenceTier}]`);
  }
  if (c.verified !== undefined) {
    if (m.mention.author.verified !== c.verified) return false;
    reasons?.push(c.verified ? 'verified author' : 'unverified author');
  }
  if (c.keywords) {
    if (!someKeyword(f, c.keywords)) return false;
    reasons?.push(`keywords ${keywordsIn(f, c.keywords)}`);
  }
  if (c.excludeKeywords && someKeyword(f, c.excludeKeywords)) return false;
  if (c.lang) {
    if (!someIn(c.lang, f.langs)) return false;
    reasons?.push(`language ${f.langs[0] ?? 'und'} in [${c.lang}]`);
  }
  return true;
}

function someIn(wanted: readonly string[], have: readonly string[]): boolean {
  for (const w of wanted) if (have.includes(w)) return true;
  return false;
}

function someKeyword(f: Facts, keywords: readonly Keyword[]): boolean {
  for (const k of keywords) if (hasKeyword(f, k)) return true;
  return false;
}

function keywordsIn(f: Facts, keywords: readonly Keyword[]): string {
  return keywords
    .filter((k) => hasKeyword(f, k))
    .map((k) => k.text)
    .join(', ');
}

function hasKeyword(f: Facts, k: Keyword): boolean {
  return k.pattern.test(f.text) || f.keywords.has(k.key);
}

function inRange(v: number, r: Range): boolean {
  return (r.min === undefined || v >= r.min) && (r.max === undefined || v <= r.max);
}

function describe(r: Range): string {
  if (r.min !== undefined && r.max !== undefined) return `in [${r.min}, ${r.max}]`;
  return r.min !== undefined ? `≥ ${r.min}` : `≤ ${r.max}`;
}
