import type { Mention, PostKind } from '@hark/events';
import { FieldReader, typeOf } from './fields.ts';
import type { FieldError } from './item-errors.ts';
import { codePointLength, toNfc } from './text.ts';

/** A validated post: a Mention before brand matching and stamping. */
export type PostDraft = Omit<Mention, 'brands' | 'keywords' | 'collectedAt' | 'source' | 'sealed'>;

export interface PostLimits {
  /** Longest accepted `text`, in characters (code points). */
  maxTextLength: number;
  /** How far `createdAt` may lie ahead of the collector's clock. */
  maxFutureSkewMs: number;
  /** How far back `createdAt` may lie; older posts could not be counted by the rollups. */
  maxAgeMs?: number;
}

export type PostValidation =
  { ok: true; draft: PostDraft } | { ok: false; mentionId: string | null; errors: FieldError[] };

const KINDS: readonly PostKind[] = [
  'post',
  'reply',
  'repost',
  'quote',
  'comment',
  'review',
  'article',
  'other',
];
const PLATFORM = /^[a-z0-9][a-z0-9._-]{0,31}$/;
const PLATFORM_ALIASES: Record<string, string> = { twitter: 'x' };
const LANG = /^([a-z]{2,3})(?:[-_][a-z0-9]{1,8})*$/i;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_TITLE = 1000;
const MAX_ID = 512;
const MAX_NAME = 256;

/**
 * Validates one item of the generic post shape (see the README) and turns it
 * into a draft Mention. Every problem is reported with its field path; the
 * mentionId is returned even for invalid items when platform and id are
 * good, so clients can correlate.
 */
export function validatePost(input: unknown, opts: PostLimits & { now: number }): PostValidation {
  const r = new FieldReader();
  const o = r.item(input);
  if (!o) return { ok: false, mentionId: null, errors: r.errors };
  // Read in this order, so the errors come in the order of the README's table.
  const platform = readPlatform(r, o.platform);
  const postId = readPostId(r, o);
  const mentionId = platform !== undefined && postId !== undefined ? `${platform}:${postId}` : null;
  const kind = readKind(r, o.kind);
  const url = r.url(o.url, 'url');
  const parentId = readParentId(r, o.parentId, platform);
  const author = readAuthor(r, o.author);
  const title = r.string(o.title, 'title', { maxLength: MAX_TITLE }) ?? null;
  const text = readText(r, o.text, title, opts.maxTextLength);
  const lang = readLang(r, o.lang);
  const createdAt = r.timestamp(o.createdAt, 'createdAt', opts);
  const engagement = readEngagement(r, o.engagement);
  const rating = readRating(r, o.rating);
  const revision = readRevision(r, o, opts);

  if (r.errors.length > 0 || !platform || !postId || !author || createdAt === undefined) {
    return { ok: false, mentionId, errors: r.errors };
  }
  return {
    ok: true,
    draft: {
      mentionId: `${platform}:${postId}`,
      platform,
      postId,
      kind,
      url,
      parentId,
      author,
      title: title === null ? null : toNfc(title),
      text,
      lang,
      rating,
      createdAt,
      engagement,
      revision,
    },
  };
}

/** Lower case, `twitter` read as `x`. */
function readPlatform(r: FieldReader, value: unknown): string | undefined {
  const raw = r.string(value, 'platform', { required: true });
  if (raw === undefined) return undefined;
  const lower = raw.toLowerCase();
  if (!PLATFORM.test(lower)) {
    r.fail('platform', 'invalid_value', `platform must match ${PLATFORM.source}, got "${raw}"`);
    return undefined;
  }
  return PLATFORM_ALIASES[lower] ?? lower;
}

/** `id` or its synonym `postId`; both may be given only when they agree. */
function readPostId(r: FieldReader, o: Record<string, unknown>): string | undefined {
  const rules = { allowInteger: true, maxLength: MAX_ID, wellFormed: true };
  if (o.id === undefined || o.postId === undefined) {
    const path = o.postId !== undefined ? 'postId' : 'id';
    return r.string(o[path], path, { required: true, ...rules });
  }
  const a = r.string(o.id, 'id', rules);
  const b = r.string(o.postId, 'postId', rules);
  if (a !== undefined && b !== undefined && a !== b) {
    r.fail('postId', 'invalid_value', `id ("${a}") and postId ("${b}") disagree; send one of them`);
    return undefined;
  }
  return a ?? b;
}

function readKind(r: FieldReader, value: unknown): PostKind {
  if (value === undefined || value === null) return 'post';
  if (typeof value === 'string' && KINDS.includes(value as PostKind)) return value as PostKind;
  r.fail('kind', 'invalid_value', `kind must be one of ${KINDS.join(', ')}, got ${typeOf(value)}`);
  return 'post';
}

/** Either the parent's postId on the same platform or already its mentionId. */
function readParentId(r: FieldReader, value: unknown, platform: string | undefined): string | null {
  const rules = { allowInteger: true, maxLength: MAX_ID, wellFormed: true };
  const parent = r.string(value, 'parentId', rules);
  if (parent === undefined || platform === undefined) return null;
  return parent.startsWith(`${platform}:`) ? parent : `${platform}:${parent}`;
}

/** NFC, without NUL; empty only when the post has a title. */
function readText(r: FieldReader, value: unknown, title: string | null, maxLength: number): string {
  if (value === undefined || value === null) {
    if (title === null)
      r.fail('text', 'missing_field', 'text is required (it may be empty only when title is set)');
    return '';
  }
  if (typeof value !== 'string') {
    r.fail('text', 'wrong_type', `text must be a string, got ${typeOf(value)}`);
    return '';
  }
  // NUL is dropped: it carries no meaning in a post and PostgreSQL text cannot hold it.
  const text = toNfc(value).replaceAll('\u0000', '');
  if (text.length > maxLength && codePointLength(text) > maxLength) {
    const length = codePointLength(text);
    r.fail('text', 'text_too_long', `text is ${length} characters; the limit is ${maxLength}`);
  } else if (text.trim() === '' && title === null) {
    const message = 'text must not be empty (it may be empty only when title is set)';
    r.fail('text', 'missing_field', message);
  }
  return text;
}

/** The language subtag of an ISO 639-1 code or BCP 47 tag (`pt-BR` → `pt`); `und` is null. */
function readLang(r: FieldReader, value: unknown): string | null {
  const raw = r.string(value, 'lang', { maxLength: 35 });
  if (raw === undefined) return null;
  const m = LANG.exec(raw);
  if (!m) {
    const message = `lang must be an ISO 639-1 code such as "en" or "pt-BR", got "${raw}"`;
    r.fail('lang', 'invalid_value', message);
    return null;
  }
  const lang = m[1]!.toLowerCase();
  return lang === 'und' ? null : lang;
}

function readEngagement(r: FieldReader, value: unknown): PostDraft['engagement'] {
  const engagement = { likes: 0, shares: 0, replies: 0, views: 0 };
  const e = r.object(value, 'engagement', false);
  if (e) {
    engagement.likes = r.count(e.likes, 'engagement.likes');
    engagement.shares = r.count(e.shares, 'engagement.shares');
    engagement.replies = r.count(e.replies, 'engagement.replies');
    engagement.views = r.count(e.views, 'engagement.views');
  }
  return engagement;
}

function readRating(r: FieldReader, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    const message = `rating must be a number from 1 to 5, got ${typeOf(value)}`;
    r.fail('rating', 'wrong_type', message);
    return null;
  }
  if (value < 1 || value > 5) {
    r.fail('rating', 'invalid_value', `rating must be from 1 to 5, got ${value}`);
    return null;
  }
  return value;
}

/**
 * The post's edit revision: `revision` as given, or `editedAt` in epoch ms
 * (the edit time orders edits, and is what platforms report). 0 is the
 * original post; a re-sent post with a higher revision replaces it downstream.
 */
function readRevision(
  r: FieldReader,
  o: Record<string, unknown>,
  opts: PostLimits & { now: number },
): number {
  const given = o.revision !== undefined && o.revision !== null;
  const fromRevision = given ? r.count(o.revision, 'revision') : undefined;
  const fromEdited =
    o.editedAt === undefined || o.editedAt === null || o.editedAt === ''
      ? undefined
      : r.timestamp(o.editedAt, 'editedAt', {
          now: opts.now,
          maxFutureSkewMs: opts.maxFutureSkewMs,
        });
  if (fromRevision !== undefined && fromEdited !== undefined && fromRevision !== fromEdited) {
    r.fail('revision', 'invalid_value', 'revision and editedAt disagree; send one of them');
    return 0;
  }
  return fromRevision ?? fromEdited ?? 0;
}

function readAuthor(r: FieldReader, value: unknown): PostDraft['author'] | undefined {
  const a = r.object(value, 'author', true);
  if (!a) return undefined;
  const id = r.string(a.id, 'author.id', {
    required: true,
    allowInteger: true,
    maxLength: MAX_ID,
    wellFormed: true,
  });
  const handleRaw = r.string(a.handle, 'author.handle', { maxLength: MAX_NAME });
  const name = r.string(a.name, 'author.name', { maxLength: MAX_NAME }) ?? null;
  const followers = r.count(a.followers, 'author.followers');
  const verified = r.boolean(a.verified, 'author.verified');
  const location = r.string(a.location, 'author.location', { maxLength: MAX_NAME }) ?? null;
  let email: string | null = r.string(a.email, 'author.email', { maxLength: 254 }) ?? null;
  if (email !== null && !EMAIL.test(email)) {
    r.fail('author.email', 'invalid_value', `author.email is not an e-mail address: "${email}"`);
    email = null;
  }
  const profileUrl = r.url(a.profileUrl, 'author.profileUrl');
  if (id === undefined) return undefined;
  const handle = handleRaw?.replace(/^@/, '') || id;
  return {
    id,
    handle: toNfc(handle),
    name: name === null ? null : toNfc(name),
    followers,
    verified,
    location: location === null ? null : toNfc(location),
    email: email?.toLowerCase() ?? null,
    profileUrl,
  };
}
