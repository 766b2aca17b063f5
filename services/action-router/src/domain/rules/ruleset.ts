import { createHash } from 'node:crypto';
import { HarkError } from '@hark/errors';
import {
  ActionPrioritySymbols,
  InfluenceTierSymbols,
  IntentLabelSymbols,
  SentimentLabelSymbols,
  type ActionPriority,
  type InfluenceTier,
  type IntentLabel,
  type SentimentLabel,
} from '@hark/events';
import { join, YamlReader, type Problem } from './yaml-reader.ts';

// The enums' symbols come from the event schemas, so a rule can name nothing an event cannot hold.
export const INTENTS: readonly IntentLabel[] = IntentLabelSymbols;
export const SENTIMENTS: readonly SentimentLabel[] = SentimentLabelSymbols;
export const PRIORITIES: readonly ActionPriority[] = ActionPrioritySymbols;
export const INFLUENCE_TIERS: readonly InfluenceTier[] = InfluenceTierSymbols;
export const CUSTOMER_KINDS = ['known', 'prospect'] as const;

export interface Range {
  min?: number;
  max?: number;
}

/** A rule's `when`: every condition present must hold; a list holds when any item does. */
export interface Conditions {
  brand?: string[];
  platform?: string[];
  sentiment?: SentimentLabel[];
  sentimentScore?: Range;
  intent?: IntentLabel[];
  intentConfidence?: Range;
  customer?: (typeof CUSTOMER_KINDS)[number];
  customerTier?: string[];
  customerValue?: Range;
  reach?: Range;
  influenceTier?: InfluenceTier[];
  verified?: boolean;
  keywords?: Keyword[];
  excludeKeywords?: Keyword[];
  lang?: string[];
}

export interface Keyword {
  text: string;
  /** Whole-word (or whole-phrase) match on the folded text. */
  pattern: RegExp;
  /** The keyword as a mention's matched keywords are compared (`keywordKey`). */
  key: string;
}

export interface Rule {
  id: string;
  description?: string;
  /** 1-based line of the rule in its file, for messages. */
  line: number;
  when: Conditions;
  then: { queue: string; priority: ActionPriority; continue: boolean };
}

export interface Ruleset {
  file: string;
  /** The file's `version` plus a short content hash: what an Action records. */
  version: string;
  rules: Rule[];
}

const CONDITION_KEYS = [
  'brand',
  'platform',
  'sentiment',
  'sentimentScore',
  'intent',
  'intentConfidence',
  'customer',
  'customerTier',
  'customerValue',
  'reach',
  'influenceTier',
  'verified',
  'keywords',
  'excludeKeywords',
  'lang',
] as const;

const ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const QUEUE = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/**
 * Parses and validates a rules file. Every problem is collected with its
 * line; any problem throws one HARK_RULES_INVALID error naming the file,
 * each line and reason, so a bad rule never goes live.
 */
export function parseRuleset(text: string, file: string): Ruleset {
  const r = new YamlReader(text);
  const rules: Rule[] = [];
  let version: string | undefined;
  if (r.problems.length === 0) {
    const top = r.map(r.root, '', { required: ['version', 'rules'], optional: ['description'] });
    if (top) {
      if (top.has('version')) version = r.string(top.get('version'), 'version');
      if (top.has('description')) r.string(top.get('description'), 'description');
      const items = top.has('rules') ? r.seq(top.get('rules'), 'rules') : undefined;
      if (items && items.length === 0) r.report(top.get('rules'), 'rules', '"rules" is empty');
      const seen = new Map<string, number>();
      items?.forEach((node, i) => {
        const rule = readRule(r, node, `rules[${i}]`);
        if (!rule) return;
        const prior = seen.get(rule.id);
        if (prior !== undefined)
          r.report(
            node,
            `rules[${i}].id`,
            `duplicate rule id "${rule.id}" (first at line ${prior})`,
          );
        else seen.set(rule.id, rule.line);
        rules.push(rule);
      });
    }
  }
  throwIfProblems(r.problems, file, 'rules');
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
  return { file, version: `${version}+${hash}`, rules };
}

function readRule(r: YamlReader, node: unknown, path: string): Rule | undefined {
  const before = r.problems.length;
  const m = r.map(node as never, path, {
    required: ['id', 'when', 'then'],
    optional: ['description'],
  });
  if (!m) return undefined;
  const id = m.has('id') ? r.string(m.get('id'), join(path, 'id'), ID) : undefined;
  const description = m.has('description')
    ? r.string(m.get('description'), join(path, 'description'))
    : undefined;
  const when = m.has('when') ? readConditions(r, m.get('when'), join(path, 'when')) : undefined;
  const thenPath = join(path, 'then');
  const t = m.has('then')
    ? r.map(m.get('then'), thenPath, { required: ['queue'], optional: ['priority', 'continue'] })
    : undefined;
  const queue = t?.has('queue')
    ? r.string(t.get('queue'), join(thenPath, 'queue'), QUEUE)
    : undefined;
  const priority = t?.has('priority')
    ? r.stringList(t.get('priority'), join(thenPath, 'priority'), PRIORITIES)
    : ['normal'];
  if (priority && priority.length !== 1)
    r.report(t?.get('priority'), join(thenPath, 'priority'), 'priority takes one value');
  const cont = t?.has('continue') ? r.bool(t.get('continue'), join(thenPath, 'continue')) : false;
  if (r.problems.length > before || !id || !when || !queue || !priority || cont === undefined)
    return undefined;
  const line = r.line(node as never);
  return {
    id,
    description,
    line,
    when,
    then: { queue, priority: priority[0] as ActionPriority, continue: cont },
  };
}

function readConditions(r: YamlReader, node: unknown, path: string): Conditions | undefined {
  const m = r.map(node as never, path, { optional: CONDITION_KEYS });
  if (!m) return undefined;
  const c: Conditions = {};
  const p = (k: string) => join(path, k);
  for (const [key, value] of m) {
    switch (key as (typeof CONDITION_KEYS)[number]) {
      case 'brand':
      case 'platform':
      case 'customerTier':
      case 'lang': {
        const list = r.stringList(value, p(key));
        if (list) c[key as 'brand'] = list.map((s) => s.toLowerCase());
        break;
      }
      case 'sentiment':
        c.sentiment = r.stringList(value, p(key), SENTIMENTS) as SentimentLabel[] | undefined;
        break;
      case 'intent':
        c.intent = r.stringList(value, p(key), INTENTS) as IntentLabel[] | undefined;
        break;
      case 'influenceTier':
        c.influenceTier = r.stringList(value, p(key), INFLUENCE_TIERS) as
          InfluenceTier[] | undefined;
        break;
      case 'customer': {
        const kind = r.stringList(value, p(key), CUSTOMER_KINDS);
        if (kind && kind.length !== 1)
          r.report(value, p(key), 'customer takes one value: known or prospect');
        else if (kind) c.customer = kind[0] as Conditions['customer'];
        break;
      }
      case 'sentimentScore':
        c.sentimentScore = r.range(value, p(key), -1, 1);
        break;
      case 'intentConfidence':
        c.intentConfidence = r.range(value, p(key), 0, 1);
        break;
      case 'customerValue':
      case 'reach':
        c[key as 'reach'] = r.range(value, p(key), 0, Number.MAX_SAFE_INTEGER);
        break;
      case 'verified':
        c.verified = r.bool(value, p(key));
        break;
      case 'keywords':
      case 'excludeKeywords': {
        const list = r.stringList(value, p(key));
        if (list) c[key as 'keywords'] = list.map(compileKeyword);
        break;
      }
    }
  }
  return c;
}

/** Lower case without accents, so "Remboursé" matches "rembourse". */
export function fold(text: string): string {
  // Runs on every mention's text: printable ASCII has nothing to decompose or strip.
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}
const NON_ASCII = /[^\t\n\r\u0020-\u007e]/;

/** A keyword folded and without its # or @, so "#Recall" and "@recall" match "recall". */
export function keywordKey(keyword: string): string {
  return fold(keyword).replace(/^[#@]/, '');
}

function compileKeyword(text: string): Keyword {
  const folded = fold(text).trim().replace(/\s+/g, ' ');
  const escaped = folded.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+');
  // Letters and digits on either side would make it part of a longer word.
  return {
    text,
    pattern: new RegExp(`(?<![\\p{L}\\p{N}])${escaped}(?![\\p{L}\\p{N}])`, 'u'),
    key: keywordKey(text),
  };
}

export function throwIfProblems(problems: Problem[], file: string, what: string): void {
  if (problems.length === 0) return;
  const sorted = [...problems].sort((a, b) => a.line - b.line || a.column - b.column);
  const lines = sorted.map(
    (p) => `${file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ''}${p.reason}`,
  );
  throw new HarkError(
    'HARK_RULES_INVALID',
    `${file} is not a valid ${what} file (${problems.length} problem${problems.length > 1 ? 's' : ''}):\n${lines.join('\n')}`,
    { context: { file, problems: lines } },
  );
}
