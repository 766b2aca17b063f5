import { predictIntentForText, type FeatureDeps, type IntentModel } from './intent-model.ts';
import { matchIntentRules, type IntentLabel, type IntentRule } from './intent-rules.ts';
import type { NormalizedText } from './normalize.ts';

export interface IntentResult {
  label: IntentLabel;
  /** In [0, 1]. */
  confidence: number;
  /** `rule:<id>`, `classifier`, or `fallback`: why this label (for tests and debugging; not in the event). */
  source: string;
}

export interface IntentDeps extends FeatureDeps {
  model: IntentModel;
  rules?: readonly IntentRule[];
}

/** How much a weak rule multiplies its label's probability before renormalising. */
const WEAK_RULE_FACTOR = 1.6;
const MAX_CONFIDENCE = 0.99;

/**
 * Rules first: a strong rule decides the label, and its confidence is the
 * noisy-or of the rule's own precision and the classifier's probability for
 * that label. Otherwise the classifier decides, with weak rules tilting it.
 */
export function classifyIntent(
  norm: NormalizedText,
  sentiment: number,
  deps: IntentDeps,
): IntentResult {
  if (norm.tokens.length === 0)
    return { label: 'other', confidence: MAX_CONFIDENCE, source: 'empty' };
  const hits = matchIntentRules(
    norm.clean,
    { sentiment },
    { rules: deps.rules, stopAtStrong: true },
  );
  const probs = predictIntentForText(deps.model, norm, sentiment, deps);
  const labels = deps.model.labels;
  let strong: (typeof hits)[number] | undefined;
  for (const h of hits) if (h.strength === 'strong' && !strong) strong = h;
  if (strong) {
    const p = probs[labels.indexOf(strong.label)] ?? 0;
    const confidence = 1 - (1 - strong.confidence) * (1 - 0.5 * p);
    return {
      label: strong.label,
      confidence: round(Math.min(MAX_CONFIDENCE, confidence)),
      source: ruleSource(strong.id),
    };
  }
  let sum = 1;
  for (const h of hits) {
    const c = labels.indexOf(h.label);
    if (c < 0) continue;
    const extra = probs[c]! * (WEAK_RULE_FACTOR - 1);
    probs[c]! += extra;
    sum += extra;
  }
  let best = 0;
  for (let c = 1; c < probs.length; c++) if (probs[c]! > probs[best]!) best = c;
  return {
    label: labels[best]!,
    confidence: round(Math.min(MAX_CONFIDENCE, probs[best]! / sum)),
    source: 'classifier',
  };
}

/**
 * For languages the intent model was not trained on: only what punctuation
 * and sentiment say, with low confidence, so routing treats it as a hint.
 */
export function fallbackIntent(norm: NormalizedText, sentiment: number): IntentResult {
  if (norm.questions > 0) return { label: 'question', confidence: 0.4, source: 'fallback' };
  if (sentiment <= -0.3) return { label: 'complaint', confidence: 0.4, source: 'fallback' };
  if (sentiment >= 0.3) return { label: 'praise', confidence: 0.4, source: 'fallback' };
  return { label: 'other', confidence: 0.3, source: 'fallback' };
}

const RULE_SOURCES = new Map<string, string>();

/** `rule:<id>`, built once per rule rather than once per post. */
function ruleSource(id: string): string {
  let s = RULE_SOURCES.get(id);
  if (s === undefined) RULE_SOURCES.set(id, (s = `rule:${id}`));
  return s;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}
