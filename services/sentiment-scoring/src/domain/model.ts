import { createHashtagSplitter } from './hashtags.ts';
import type { IntentModel } from './intent-model.ts';
import { functionWords } from './language.ts';
import { COMMON_ENGLISH_WORDS } from './lexicon/common-en.ts';
import { EMOJI_VALENCE, EMOTICON_VALENCE } from './lexicon/emoji.ts';
import { ENGLISH } from './lexicon/en.ts';
import { OTHER_LANGUAGES } from './lexicon/other.ts';
import type { SocialModel } from './social-model.ts';
import type { NormalizeDeps } from './normalize.ts';
import {
  buildLexicon,
  DEFAULT_SENTIMENT_PARAMS,
  isNegator,
  type LexiconSpec,
  type SentimentLexicon,
  type SentimentParams,
  type SymbolValences,
} from './sentiment.ts';

/** Bumped whenever lexicons or rules change what a text scores. */
export const SENTIMENT_MODEL_VERSION = 1;

export interface LanguageResources {
  lang: string;
  lexicon: SentimentLexicon;
  normalize: NormalizeDeps;
  /** e.g. `hark-social-en@1`. */
  model: string;
}

/** Everything scoring needs, built once at start and shared read-only. */
export interface ScoringModel {
  languages: ReadonlyMap<string, LanguageResources>;
  /**
   * Tokenisation runs before language detection: elongations collapse to a
   * word of any loaded language, hashtags split with the English dictionary.
   */
  normalize: NormalizeDeps;
  symbols: SymbolValences;
  sentimentParams: SentimentParams;
  intent: {
    model: IntentModel;
    /** e.g. `hark-intent@1`. */
    name: string;
    stem: (word: string) => string;
    isNegator: (word: string) => boolean;
  };
  /**
   * The learned English model (sentiment + complaint heads); when absent,
   * English is scored by the lexicon and rules alone (the trainer builds
   * its features that way).
   */
  social?: { model: SocialModel; sentimentName: string };
  /** Model string for mentions in languages we do not score. */
  unsupportedModel: string;
  fallbackIntentModel: string;
}

/** A language's base vocabulary as natural ships it, already on AFINN's scale, and its stemmer. */
export interface BaseVocabulary {
  words: Readonly<Record<string, number>>;
  stem?: (word: string) => string;
}

export interface ModelInputs {
  /** `en` is required; every other language with a base vocabulary is scored too. */
  vocabularies: Readonly<Record<string, BaseVocabulary>>;
  intentModel: IntentModel;
  socialModel?: SocialModel;
  sentimentParams?: SentimentParams;
}

const STEM_CACHE_LIMIT = 50_000;

/** Builds lexicons for every language that has a base vocabulary and pairs them with the intent model. */
export function buildScoringModel(inputs: ModelInputs): ScoringModel {
  const en = inputs.vocabularies.en;
  if (!en) throw new Error('the English base vocabulary is required');
  const specs: Omit<LexiconSpec, 'base'>[] = [ENGLISH, ...OTHER_LANGUAGES];
  const languages = new Map<string, LanguageResources>();
  for (const spec of specs) {
    const vocab = inputs.vocabularies[spec.lang];
    if (!vocab) continue;
    const stem = vocab.stem ? memoize(vocab.stem) : undefined;
    const lexicon = buildLexicon({ ...spec, base: vocab.words }, stem);
    const extra = new Set<string>([
      ...functionWords(spec.lang),
      ...(spec.lang === 'en' ? COMMON_ENGLISH_WORDS : []),
      ...spec.negators,
      ...Object.keys(spec.intensifiers ?? {}),
      ...Object.keys(spec.phrases ?? {}).flatMap((p) => p.split(' ')),
    ]);
    const isWord = (w: string) => extra.has(w) || lexicon.has(w);
    languages.set(spec.lang, {
      lang: spec.lang,
      lexicon,
      normalize: { isWord, splitHashtag: createHashtagSplitter(isWord) },
      model: `hark-social-${spec.lang}@${SENTIMENT_MODEL_VERSION}`,
    });
  }
  const english = languages.get('en')!;
  const all = [...languages.values()];
  const isWord = (w: string) => all.some((l) => l.normalize.isWord(w));
  return {
    languages,
    normalize: { isWord, splitHashtag: english.normalize.splitHashtag },
    symbols: { emoji: EMOJI_VALENCE, emoticons: EMOTICON_VALENCE },
    sentimentParams: inputs.sentimentParams ?? DEFAULT_SENTIMENT_PARAMS,
    intent: {
      model: inputs.intentModel,
      name: `${inputs.intentModel.name}@${inputs.intentModel.version}`,
      stem: en.stem ? memoize(en.stem) : (w) => w,
      isNegator: (w) => isNegator(english.lexicon, w),
    },
    social: inputs.socialModel && {
      model: inputs.socialModel,
      sentimentName: `hark-social-en@${inputs.socialModel.version}`,
    },
    unsupportedModel: `hark-social@${SENTIMENT_MODEL_VERSION}`,
    fallbackIntentModel: `hark-intent-fallback@${SENTIMENT_MODEL_VERSION}`,
  };
}

/** A bounded memo for a pure string function (stemmers are the hot path). */
export function memoize(
  fn: (s: string) => string,
  limit = STEM_CACHE_LIMIT,
): (s: string) => string {
  const cache = new Map<string, string>();
  return (s) => {
    let v = cache.get(s);
    if (v === undefined) {
      v = fn(s);
      if (cache.size >= limit) cache.clear();
      cache.set(s, v);
    }
    return v;
  };
}
