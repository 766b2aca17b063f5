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
  /** Longest text in code points; longer native texts are cut at a word boundary (fitText). */
  maxTextLength?: number;
  /** Feeds: the charset of the HTTP Content-Type, which overrides the XML declaration. */
  charset?: string;
  /** Feeds: where the feed was fetched from, the last resort for relative links. */
  baseUrl?: string;
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

/**
 * ISO 639 codes withdrawn in 1989 that platforms still send (X says `in`
 * for Indonesian, `iw` for Hebrew): BCP 47 uses their replacements.
 */
const LEGACY_LANGS: Record<string, string> = { in: 'id', iw: 'he', ji: 'yi', jw: 'jv', mo: 'ro' };

/**
 * A platform's language as BCP 47: pseudo-languages that are not languages
 * (X: `und`, `qme` media-only, `zxx` no text, `qst` very short) dropped,
 * withdrawn codes replaced.
 */
export function cleanLang(lang: unknown): string | null {
  const s = str(lang);
  if (!s) return null;
  const [first, ...rest] = s.split(/[-_]/);
  const primary = first!.toLowerCase();
  if (primary === 'und' || primary === 'zxx' || (primary.length === 3 && primary.startsWith('q')))
    return null;
  const modern = LEGACY_LANGS[primary];
  return modern ? [modern, ...rest].join('-') : s;
}

/** Every adapter's limit when the caller gives none (COLLECTOR_MAX_TEXT_LENGTH's default). */
export const DEFAULT_MAX_TEXT = 10_000;

/**
 * The long-text policy of every platform adapter: a native post longer than
 * the limit (a Reddit self-post, a feed article) is cut at a word boundary
 * with an ellipsis rather than refused: the platform published it, the
 * sender cannot shorten it, and a brand is named early far more often than
 * late. Counted in code points, as validation counts.
 */
export function fitText(s: string, max = DEFAULT_MAX_TEXT): string {
  if (s.length <= max) return s;
  const points = Array.from(s);
  if (points.length <= max) return s;
  const slice = points.slice(0, max - 1).join('');
  const space = slice.lastIndexOf(' ');
  return `${space > slice.length * 0.8 ? slice.slice(0, space) : slice}…`;
}

export function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}
