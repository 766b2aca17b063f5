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
    const reasons = matchRule(rule, facts);
    if (!reasons) continue;
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
 * The reasons when every condition holds, else null. Runs for every rule on
 * every mention: plain ifs in condition order, no closure per call, and a
 * reason is worded only once its condition held.
 */
function matchRule(rule: Rule, f: Facts): string[] | null {
  const c: Conditions = rule.when;
  const m = f.m;
  const reasons: string[] = [];
  if (c.brand) {
    if (!c.brand.some((b) => f.brands.includes(b))) return null;
    reasons.push(`brand ${f.brands.join(',')} in [${c.brand}]`);
  }
  if (c.platform) {
    if (!c.platform.includes(m.mention.platform.toLowerCase())) return null;
    reasons.push(`platform ${m.mention.platform} in [${c.platform}]`);
  }
  if (c.sentiment) {
    if (!c.sentiment.includes(m.sentiment.label)) return null;
    reasons.push(`sentiment ${m.sentiment.label} in [${c.sentiment}]`);
  }
  if (c.sentimentScore) {
    if (!inRange(m.sentiment.score, c.sentimentScore)) return null;
    reasons.push(`sentiment score ${m.sentiment.score} ${describe(c.sentimentScore)}`);
  }
  if (c.intent) {
    if (!c.intent.includes(m.intent.label)) return null;
    reasons.push(`intent ${m.intent.label} (${m.intent.confidence}) in [${c.intent}]`);
  }
  if (c.intentConfidence) {
    if (!inRange(m.intent.confidence, c.intentConfidence)) return null;
    reasons.push(`intent confidence ${m.intent.confidence} ${describe(c.intentConfidence)}`);
  }
  if (c.customer) {
    if (c.customer !== (f.known ? 'known' : 'prospect')) return null;
    reasons.push(f.known ? `known customer ${m.customer.customerId}` : 'prospect');
  }
  if (c.customerTier) {
    if (!(f.known && c.customerTier.includes((m.customer.customerTier ?? '').toLowerCase())))
      return null;
    reasons.push(`customer tier ${m.customer.customerTier} in [${c.customerTier}]`);
  }
  if (c.customerValue) {
    const value = m.customer.customerValue;
    if (!(f.known && value !== null && inRange(value, c.customerValue))) return null;
    reasons.push(`customer value ${value} ${describe(c.customerValue)}`);
  }
  if (c.reach) {
    if (!inRange(m.mention.author.followers, c.reach)) return null;
    reasons.push(`reach ${m.mention.author.followers} ${describe(c.reach)}`);
  }
  if (c.influenceTier) {
    if (!c.influenceTier.includes(m.influence.tier)) return null;
    reasons.push(`influence ${m.influence.tier} in [${c.influenceTier}]`);
  }
  if (c.verified !== undefined) {
    if (m.mention.author.verified !== c.verified) return null;
    reasons.push(c.verified ? 'verified author' : 'unverified author');
  }
  if (c.keywords) {
    const hit = c.keywords.filter((k) => hasKeyword(f, k));
    if (hit.length === 0) return null;
    reasons.push(`keywords ${hit.map((k) => k.text).join(', ')}`);
  }
  if (c.excludeKeywords && c.excludeKeywords.some((k) => hasKeyword(f, k))) return null;
  if (c.lang) {
    if (!c.lang.some((l) => f.langs.includes(l))) return null;
    reasons.push(`language ${f.langs[0] ?? 'und'} in [${c.lang}]`);
  }
  return reasons;
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
