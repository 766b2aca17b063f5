import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPLIANCE_FORMATS } from '../../src/domain/compliance/expand-compliance.ts';
import { splitCompliance } from '../../src/domain/compliance/platform-compliance.ts';
import type { FieldError } from '../../src/domain/item-errors.ts';
import { charsetOf } from '../../src/domain/platforms/feed-text.ts';
import { FORMATS, resolveFormat, type NativeEntry } from '../../src/domain/platforms/index.ts';
import { validatePost, type PostDraft } from '../../src/domain/validate-post.ts';

/** One real payload of the corpus, as stored in `test/corpus/<platform>/<name>.json`. */
export interface CorpusCase {
  source: { repo: string; path: string; commit: string; licence: string; note?: string };
  /** x, reddit, mastodon, bluesky or feed: the `?format=` it is sent with. */
  format: string;
  /** The HTTP Content-Type a feed was served with (its charset overrides the XML declaration). */
  contentType?: string;
  /** Feeds: the URL it was fetched from, as a poller knows it (the last resort for relative links). */
  fetchedFrom?: string;
  /** The payload itself (JSON), or the file beside the case that holds its exact bytes (feeds). */
  payload?: unknown;
  payloadFile?: string;
  expected?: CaseResult;
}

/** What the collector makes of a payload: every item in order, plus what it splits out or skips. */
export interface CaseResult {
  items: ({ mention: PostDraft } | { rejected: FieldError[] })[];
  compliance?: unknown[];
  ignored?: number;
}

/** Validation's clock for the corpus: after every payload in it, so none is "in the future". */
export const CORPUS_NOW = Date.UTC(2027, 0, 1);
const LIMITS = { now: CORPUS_NOW, maxTextLength: 10_000, maxFutureSkewMs: 900_000 };

/**
 * Runs a payload through what a webhook delivery goes through — compliance
 * split (for formats that carry deletions and edits), the platform adapter,
 * then validation — without Kafka, matching or encryption. Pure.
 */
export function runCase(c: CorpusCase, dir: string): CaseResult {
  const format = resolveFormat(c.format);
  if (!format) throw new Error(`unknown format ${c.format}`);
  const payload = c.payloadFile ? readFileSync(join(dir, c.payloadFile)) : c.payload;
  const opts = {
    maxTextLength: LIMITS.maxTextLength,
    charset: charsetOf(c.contentType),
    baseUrl: c.fetchedFrom,
  };
  let entries: NativeEntry[];
  const result: CaseResult = { items: [] };
  if (format !== 'generic' && COMPLIANCE_FORMATS.includes(format)) {
    const split = splitCompliance(format, payload);
    entries = [...split.posts];
    if (split.remainder !== undefined) entries.push(...FORMATS[format](split.remainder, opts));
    if (split.compliance.length > 0)
      result.compliance = split.compliance.map((e) => ('item' in e ? e.item : { error: e.error }));
    if (split.ignored > 0) result.ignored = split.ignored;
  } else {
    entries = FORMATS[format](payload, opts);
  }
  for (const entry of entries) {
    if ('error' in entry) {
      result.items.push({ rejected: [entry.error] });
      continue;
    }
    const v = validatePost(entry.post, LIMITS);
    result.items.push(v.ok ? { mention: v.draft } : { rejected: v.errors });
  }
  // JSON has no undefined: compare what the stored expectation can hold.
  return JSON.parse(JSON.stringify(result)) as CaseResult;
}
