import type { PostKind } from '@hark/events';
import type { FieldError } from '../item-errors.ts';

/**
 * The generic post shape the HTTP API takes and every platform adapter
 * produces. `validatePost` is the one place that checks it.
 */
export interface GenericPost {
  platform: string;
  /** The post's id on its platform (`postId` is accepted as a synonym). */
  id: string;
  url?: string | null;
  kind?: PostKind;
  /** The parent's id on the same platform (or its mentionId). */
  parentId?: string | null;
  author: {
    id: string;
    handle?: string | null;
    name?: string | null;
    followers?: number | null;
    verified?: boolean | null;
    location?: string | null;
    email?: string | null;
    profileUrl?: string | null;
  };
  title?: string | null;
  text: string;
  lang?: string | null;
  /** ISO-8601 with a zone, or epoch milliseconds. */
  createdAt: string | number;
  engagement?: { likes?: number; shares?: number; replies?: number; views?: number };
  /** 1–5. */
  rating?: number | null;
  /** When the post was last edited (ISO-8601 or epoch ms); its epoch ms become Mention.revision. */
  editedAt?: string | number | null;
  /** Mention.revision directly (a non-negative integer, higher for later edits); or give editedAt. */
  revision?: number | null;
}

/**
 * One item found in a native payload: its generic form, or why the adapter
 * could not map it. `native` is the platform's own item, kept for the
 * dead-letter record.
 */
export type NativeEntry =
  { native: unknown; post: GenericPost } | { native: unknown; error: FieldError };

export interface AdapterOptions {
  /** Platform name to stamp (feeds: `rss` by default; `review`, `news`, … per source). */
  platform?: string;
  /** Feeds carry whole articles; texts longer than this are cut at a word boundary. */
  maxTextLength?: number;
}

/** Maps one native payload (parsed JSON, or XML text for feeds) to its items. Pure. */
export type PlatformAdapter = (payload: unknown, opts?: AdapterOptions) => NativeEntry[];

export function unsupported(native: unknown, path: string, message: string): NativeEntry {
  return { native, error: { path, reason: 'unsupported_payload', message } };
}

/** Reads a property of an unknown value without casts at every call site. */
export function get(value: unknown, ...path: (string | number)[]): unknown {
  let v = value;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Languages platforms report that are not languages (X: `und`, `qme` media-only, `zxx` no text). */
export function cleanLang(lang: unknown): string | null {
  const s = str(lang);
  if (!s) return null;
  const primary = s.toLowerCase().split(/[-_]/)[0]!;
  if (primary === 'und' || primary === 'zxx' || (primary.length === 3 && primary.startsWith('q')))
    return null;
  return s;
}

export function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
