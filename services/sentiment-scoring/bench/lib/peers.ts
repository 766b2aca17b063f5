import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export type PeerLabel = 'negative' | 'neutral' | 'positive';

export interface Peer {
  name: string;
  label(text: string): PeerLabel;
}

/**
 * Plain AFINN through natural, exactly as natural's README shows it: word
 * tokenizer, Porter stemmer, the `afinn` vocabulary, no social handling.
 * Its score is a mean valence per token, so any non-zero score has a sign.
 */
export function createAfinnPeer(): Peer {
  const SentimentAnalyzer = require('natural/lib/natural/sentiment/SentimentAnalyzer.js') as new (
    lang: string,
    stemmer: unknown,
    type: string,
  ) => { getSentiment(words: string[]): number };
  const PorterStemmer = require('natural/lib/natural/stemmers/porter_stemmer.js') as unknown;
  const { WordTokenizer } = require('natural/lib/natural/tokenizers/regexp_tokenizer.js') as {
    WordTokenizer: new () => { tokenize(text: string): string[] };
  };
  const analyzer = new SentimentAnalyzer('English', PorterStemmer, 'afinn');
  const tokenizer = new WordTokenizer();
  return {
    name: 'AFINN (natural)',
    label(text) {
      const words = tokenizer.tokenize(text);
      const score = words.length === 0 ? 0 : analyzer.getSentiment(words);
      return score > 0 ? 'positive' : score < 0 ? 'negative' : 'neutral';
    },
  };
}

/** vader-sentiment from npm with the thresholds its authors recommend (compound ±0.05). */
export function createVaderPeer(): Peer {
  const vader = require('vader-sentiment') as {
    SentimentIntensityAnalyzer: { polarity_scores(text: string): { compound: number } };
  };
  return {
    name: 'VADER (vader-sentiment)',
    label(text) {
      const { compound } = vader.SentimentIntensityAnalyzer.polarity_scores(text);
      return compound >= 0.05 ? 'positive' : compound <= -0.05 ? 'negative' : 'neutral';
    },
  };
}
