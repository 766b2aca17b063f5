import type { IntentLabel, Mention, ScoredMention, SentimentLabel } from '@hark/events';
import { classifyIntent, fallbackIntent } from './intent.ts';
import { guessLanguage, resolveLanguage } from './language.ts';
import type { ScoringModel } from './model.ts';
import { normalizeText } from './normalize.ts';
import { scoreSentiment } from './sentiment.ts';

export interface TextScore {
  /** Language scored in (ISO 639-1), `und` when undetermined. */
  lang: string;
  sentiment: { score: number; label: SentimentLabel; model: string };
  intent: { label: IntentLabel; confidence: number; model: string; source: string };
}

/**
 * Scores one text: normalise the social text, detect its language from the
 * tokens, score sentiment with that language's lexicon, classify intent
 * (English; other languages get a low-confidence fallback). Text whose
 * language cannot be determined is scored with the English model (emoji and
 * emoticons read the same in any language); a language we have no
 * vocabulary for is labelled `unknown` with score 0 rather than guessed.
 */
export function scoreText(
  text: string,
  langHint: string | null,
  model: ScoringModel,
  opts: { ignore?: readonly string[] } = {},
): TextScore {
  const norm = normalizeText(text, model.normalize, opts);
  const lang = resolveLanguage(guessLanguage(norm.tokens, text), langHint);
  const res = model.languages.get(lang) ?? (lang === 'und' ? model.languages.get('en') : undefined);
  if (!res) {
    const intent = fallbackIntent(norm, 0);
    return {
      lang,
      sentiment: { score: 0, label: 'unknown', model: model.unsupportedModel },
      intent: { ...intent, model: model.fallbackIntentModel },
    };
  }
  const s = scoreSentiment(norm, res.lexicon, model.symbols, model.sentimentParams);
  const score = Math.round(s.score * 1e4) / 1e4;
  const sentiment = { score: Object.is(score, -0) ? 0 : score, label: s.label, model: res.model };
  if (res.lang !== 'en') {
    return {
      lang,
      sentiment,
      intent: { ...fallbackIntent(norm, s.score), model: model.fallbackIntentModel },
    };
  }
  const intent = classifyIntent(norm, s.score, model.intent);
  return {
    lang,
    sentiment: withIntentPrior(sentiment, intent, model),
    intent: { ...intent, model: model.intent.name },
  };
}

// How far a strong complaint, churn or praise rule moves a score the lexicon left neutral.
const INTENT_PRIOR = 0.3;

/**
 * "I am officially done with X" or "paid for next day, still nothing after a
 * week" carry no sentiment words, yet nobody writes them happily. When a
 * strong intent rule fired and the lexicon found the text neutral, the
 * rule's polarity decides; a polar lexicon score is left alone.
 */
function withIntentPrior(
  sentiment: TextScore['sentiment'],
  intent: { label: IntentLabel; source: string },
  model: ScoringModel,
): TextScore['sentiment'] {
  if (sentiment.label !== 'neutral' || !intent.source.startsWith('rule:')) return sentiment;
  const band = model.sentimentParams.neutralBand;
  if (intent.label === 'complaint' || intent.label === 'churn_risk') {
    return {
      ...sentiment,
      score: round4(Math.min(sentiment.score, 0) - INTENT_PRIOR - band / 2),
      label: 'negative',
    };
  }
  if (intent.label === 'praise') {
    return {
      ...sentiment,
      score: round4(Math.max(sentiment.score, 0) + INTENT_PRIOR + band / 2),
      label: 'positive',
    };
  }
  return sentiment;
}

function round4(v: number): number {
  return Math.max(-1, Math.min(1, Math.round(v * 1e4) / 1e4));
}

/** The stage's domain function: a Mention in, a ScoredMention out (key it by `scoredMentionKey`). */
export function scoreMention(mention: Mention, model: ScoringModel, now: number): ScoredMention {
  // Review and forum titles carry much of the verdict ("Worst airline ever").
  const text =
    mention.title && !mention.text.startsWith(mention.title)
      ? `${mention.title}. ${mention.text}`
      : mention.text;
  // Tracked names and handles say who the post is about, not how the author feels.
  const r = scoreText(text, mention.lang, model, {
    ignore: [...mention.keywords, ...mention.brands],
  });
  return {
    mention,
    sentiment: {
      score: r.sentiment.score,
      label: r.sentiment.label,
      lang: r.lang,
      model: r.sentiment.model,
    },
    intent: { label: r.intent.label, confidence: r.intent.confidence, model: r.intent.model },
    scoredAt: now,
  };
}

/** `platform:authorId`: each author's mentions land on one partition of mentions.scored. */
export function scoredMentionKey(mention: Mention): string {
  return `${mention.platform}:${mention.author.id}`;
}
