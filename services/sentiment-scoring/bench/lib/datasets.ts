import { readdirSync, readFileSync } from 'node:fs';

export interface LabeledPost {
  id: string;
  text: string;
  sentiment: 'negative' | 'neutral' | 'positive';
  intent: string;
  industry?: string;
  platform?: string;
  /** Expected language, for the multilingual set. */
  lang?: string;
}

const DATA = new URL('../../data/', import.meta.url);

function readJsonl(url: URL): LabeledPost[] {
  return readFileSync(url, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      try {
        return JSON.parse(l) as LabeledPost;
      } catch (err) {
        throw new Error(`${url.pathname}:${i + 1}: ${(err as Error).message}`);
      }
    });
}

/** The English evaluation set: every data/eval/*.jsonl except the multilingual file. */
export function loadEvalSet(): LabeledPost[] {
  const dir = new URL('eval/', DATA);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl') && f !== 'multilingual.jsonl')
    .sort()
    .flatMap((f) => readJsonl(new URL(f, dir)));
}

export function loadMultilingualSet(): LabeledPost[] {
  return readJsonl(new URL('eval/multilingual.jsonl', DATA));
}

/** The training file, used as a development set for sentiment thresholds. */
export function loadTrainSet(): LabeledPost[] {
  return readJsonl(new URL('train/intent-train.jsonl', DATA)).map((p, i) => ({
    ...p,
    id: `train-${i + 1}`,
  }));
}
