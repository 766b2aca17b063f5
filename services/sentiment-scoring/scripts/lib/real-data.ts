/**
 * Readers for the public labelled sets the learned model is fitted and
 * measured on. The files are not in the repository (their licences do not
 * allow it); data/external/README.md says where each comes from and where to
 * put it. Splits are fixed here, so the trainer and the benchmark agree:
 *
 * - sentiment fit, validation and held-out: SemEval-2013…2016 Task 2/4
 *   subtask A Twitter files, minus every text that is also in the 2017 test
 *   file, split 80/10/10 by a hash of the text (TweetEval's own `val` is
 *   drawn from the same tweets, so it would not be a clean validation set);
 *   the held-out 10 % is an in-distribution test split;
 * - sentiment test: TweetEval sentiment `test` (= SemEval-2017 4A test, a
 *   later year and other topics), never fitted or tuned on;
 * - complaints (Preoţiuc-Pietro et al., ACL 2019) without its `transport`
 *   domain (airline customer-service tweets are kept aside for independent
 *   checks): 65 % fit, 15 % validation, 20 % test by a hash of the tweet id.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Polarity = 'negative' | 'neutral' | 'positive';
export const POLARITIES: readonly Polarity[] = ['negative', 'neutral', 'positive'];

export interface SentimentRow {
  text: string;
  label: Polarity;
  source: string;
}

export interface ComplaintRow {
  id: string;
  text: string;
  complaint: boolean;
  domain: string;
}

export const DEFAULT_DATA_DIR = new URL('../../data/external/', import.meta.url).pathname;

// SemEval files that are Twitter (the SMS and LiveJournal test sets are not social posts).
const SEMEVAL_FILES = [
  'twitter-2013train-A.txt',
  'twitter-2013dev-A.txt',
  'twitter-2013test-A.txt',
  'twitter-2014test-A.txt',
  'twitter-2014sarcasm-A.txt',
  'twitter-2015train-A.txt',
  'twitter-2015test-A.txt',
  'twitter-2016train-A.txt',
  'twitter-2016dev-A.txt',
  'twitter-2016devtest-A.txt',
  'twitter-2016test-A.txt',
];

/**
 * Airline customer-service tweets are reserved for independent checks: any
 * fitted or tuning text that names an airline is dropped.
 */
export const AIRLINE_RE =
  /@(?:united|americanair|southwestair|jetblue|delta(?:assist)?|virginamerica|virginatlantic|usairways|alaskaair|spiritairlines|ryanair|easyjet|british_airways|lufthansa|emirates|airasia(?:support)?|aircanada|westjet|qantas|klm|airfrance|flyfrontier|hawaiianair)\b|\b(?:american airlines|southwest airlines|virgin america|us airways|alaska airlines|spirit airlines|british airways|air canada|air france|frontier airlines|airlines?)\b/i;

export function hasDataDir(dir = DEFAULT_DATA_DIR): boolean {
  return existsSync(join(dir, 'tweeteval', 'test_text.txt'));
}

function unescape(text: string): string {
  let t = text.trim();
  if (t.length > 1 && t.startsWith('"') && t.endsWith('"')) t = t.slice(1, -1).replace(/""/g, '"');
  return t.replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** The key two copies of a post share: lower case, handles and URLs gone, spaces collapsed. */
export function dedupeKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/https?:\/\/\S+/g, '')
    .replace(/@\w+/g, '@')
    .replace(/[^\p{L}\p{N}@#]+/gu, ' ')
    .trim();
}

function readTweetEval(dir: string, split: 'test'): SentimentRow[] {
  const texts = readFileSync(join(dir, 'tweeteval', `${split}_text.txt`), 'utf8').split('\n');
  const labels = readFileSync(join(dir, 'tweeteval', `${split}_labels.txt`), 'utf8').split('\n');
  const rows: SentimentRow[] = [];
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!.trim();
    if (l === '') continue;
    rows.push({
      text: unescape(texts[i]!),
      label: POLARITIES[Number(l)]!,
      source: `tweeteval-${split}`,
    });
  }
  return rows;
}

export interface SentimentSplits {
  fit: SentimentRow[];
  validation: SentimentRow[];
  /** 10 % of the SemEval-2013…2016 pool, never fitted or tuned on. */
  heldOut: SentimentRow[];
  /** TweetEval sentiment test (SemEval-2017), never fitted or tuned on. */
  test: SentimentRow[];
}

export function loadSentimentSplits(dir = DEFAULT_DATA_DIR): SentimentSplits {
  const test = readTweetEval(dir, 'test');
  const held = new Set(test.map((r) => dedupeKey(r.text)));
  const seen = new Set<string>();
  const fit: SentimentRow[] = [];
  const validation: SentimentRow[] = [];
  const heldOut: SentimentRow[] = [];
  for (const file of SEMEVAL_FILES) {
    const path = join(dir, 'semeval2017', file);
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      const parts = line.split('\t');
      if (parts.length < 3) continue;
      const label = parts[1]!.trim() as Polarity;
      if (!POLARITIES.includes(label)) continue;
      const text = unescape(parts.slice(2).join(' '));
      const key = dedupeKey(text);
      if (text === '' || held.has(key) || seen.has(key) || AIRLINE_RE.test(text)) continue;
      seen.add(key);
      const b = bucketOf(key);
      (b < 0.1 ? validation : b < 0.2 ? heldOut : fit).push({ text, label, source: file });
    }
  }
  return { fit, validation, heldOut, test };
}

/**
 * TweetEval emotion `train` (SemEval-2018 Affect in Tweets) as polarity:
 * anger and sadness negative, joy and optimism positive. Fit data only (its
 * val and test are not read); an empty list when the files are absent.
 */
export function loadEmotionFit(dir = DEFAULT_DATA_DIR): SentimentRow[] {
  const base = join(dir, 'tweeteval-emotion');
  if (!existsSync(join(base, 'train_text.txt'))) return [];
  const texts = readFileSync(join(base, 'train_text.txt'), 'utf8').split('\n');
  const labels = readFileSync(join(base, 'train_labels.txt'), 'utf8').split('\n');
  const polarity: Polarity[] = ['negative', 'positive', 'positive', 'negative'];
  const rows: SentimentRow[] = [];
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!.trim();
    if (l === '' || AIRLINE_RE.test(texts[i]!)) continue;
    rows.push({
      text: unescape(texts[i]!),
      label: polarity[Number(l)]!,
      source: 'tweeteval-emotion-train',
    });
  }
  return rows;
}

export interface ComplaintSplits {
  fit: ComplaintRow[];
  validation: ComplaintRow[];
  test: ComplaintRow[];
}

/** Parses the complaints CSV (id, text, label, domain; quoted text may hold commas). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

function bucketOf(id: string): number {
  return createHash('sha256').update(id).digest().readUInt32BE(0) / 2 ** 32;
}

export function loadComplaintSplits(dir = DEFAULT_DATA_DIR): ComplaintSplits {
  const rows = parseCsv(readFileSync(join(dir, 'complaints', 'complaints-data.csv'), 'utf8'));
  const out: ComplaintSplits = { fit: [], validation: [], test: [] };
  for (const r of rows) {
    if (r.length < 4) continue;
    const [id, text, label, domain] = r as [string, string, string, string];
    if (domain === 'transport' || AIRLINE_RE.test(text)) continue;
    const row = { id, text: text.trim(), complaint: label === '1', domain };
    const b = bucketOf(id);
    (b < 0.2 ? out.test : b < 0.35 ? out.validation : out.fit).push(row);
  }
  return out;
}
