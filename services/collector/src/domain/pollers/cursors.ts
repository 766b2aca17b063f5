import { createHash } from 'node:crypto';
import type { NativeEntry } from '../platforms/types.ts';

/** How many recent item keys a seen-set cursor keeps. Comfortably more than one page. */
export const SEEN_LIMIT = 1000;

/** Identity of an entry across polls: its mentionId when it mapped, else a hash of the native item. */
export function entryKey(entry: NativeEntry): string {
  if ('post' in entry) {
    const p = entry.post as { platform?: unknown; id?: unknown; postId?: unknown };
    const id = p.id ?? p.postId;
    if ((typeof id === 'string' || typeof id === 'number') && typeof p.platform === 'string') {
      return `${p.platform}:${String(id)}`;
    }
  }
  return `native:${createHash('sha256')
    .update(JSON.stringify(entry.native) ?? '')
    .digest('hex')
    .slice(0, 32)}`;
}

/**
 * Entries whose key is not in `seen`, in the order given, with no repeats
 * inside the batch either.
 */
export function unseenEntries(
  entries: readonly NativeEntry[],
  seen: readonly string[],
): NativeEntry[] {
  const known = new Set(seen);
  const out: NativeEntry[] = [];
  for (const e of entries) {
    const key = entryKey(e);
    if (known.has(key)) continue;
    known.add(key);
    out.push(e);
  }
  return out;
}

/** The seen-set after a poll: the newest keys first, capped. */
export function mergeSeen(
  fresh: readonly string[],
  seen: readonly string[],
  limit = SEEN_LIMIT,
): string[] {
  const out: string[] = [];
  const added = new Set<string>();
  for (const k of [...fresh, ...seen]) {
    if (added.has(k)) continue;
    added.add(k);
    out.push(k);
    if (out.length >= limit) break;
  }
  return out;
}

/**
 * Orders Mastodon-style ids: numeric snowflakes compare by length then
 * digits (they outgrow 2^53); other servers' ids are sortable strings.
 */
export function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b) && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
