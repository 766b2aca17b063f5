import { readFileSync } from 'node:fs';
import { validatePost, type PostDraft } from '../../../src/domain/validate-post.ts';
import type { NativeEntry } from '../../../src/domain/platforms/index.ts';

export const NOW = Date.UTC(2026, 10, 24, 12);

export function fixture(path: string): string {
  return readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), 'utf8');
}

export function json(path: string): unknown {
  return JSON.parse(fixture(path));
}

/** Runs each mapped post through the same validation ingest uses. */
export function drafts(entries: NativeEntry[]): PostDraft[] {
  return entries.map((e, i) => {
    if ('error' in e) throw new Error(`entry ${i} did not map: ${e.error.message}`);
    const r = validatePost(e.post, { now: NOW, maxTextLength: 10_000, maxFutureSkewMs: 3_600_000 });
    if (!r.ok) throw new Error(`entry ${i} is invalid: ${JSON.stringify(r.errors)}`);
    return r.draft;
  });
}
