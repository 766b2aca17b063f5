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
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    r.fail('', 'not_an_object', `each item must be a JSON object, got ${typeOf(input)}`);
    return { ok: false, mentionId: null, errors: r.errors };
  }
  const o = input as Record<string, unknown>;

  const platformRaw = r.string(o.platform, 'platform', { required: true });
  let platform: string | undefined;
  if (platformRaw !== undefined) {
    const lower = platformRaw.toLowerCase();
    if (!PLATFORM.test(lower)) {
      r.fail(
        'platform',
        'invalid_value',
        `platform must match ${PLATFORM.source}, got "${platformRaw}"`,
      );
    } else {
      platform = PLATFORM_ALIASES[lower] ?? lower;
    }
  }

  let postId: string | undefined;
  if (o.id !== undefined && o.postId !== undefined) {
    const a = r.string(o.id, 'id', { allowInteger: true, maxLength: MAX_ID, wellFormed: true });
    const b = r.string(o.postId, 'postId', {
      allowInteger: true,
      maxLength: MAX_ID,
      wellFormed: true,
    });
    if (a !== undefined && b !== undefined && a !== b) {
      r.fail(
        'postId',
        'invalid_value',
        `id ("${a}") and postId ("${b}") disagree; send one of them`,
      );
    } else {
      postId = a ?? b;
    }
  } else {
    const path = o.postId !== undefined ? 'postId' : 'id';
    postId = r.string(o[path], path, {
      required: true,
      allowInteger: true,
      maxLength: MAX_ID,
      wellFormed: true,
    });
  }
  const mentionId = platform !== undefined && postId !== undefined ? `${platform}:${postId}` : null;

  let kind: PostKind = 'post';
  if (o.kind !== undefined && o.kind !== null) {
    if (typeof o.kind !== 'string' || !KINDS.includes(o.kind as PostKind)) {
      r.fail(
        'kind',
        'invalid_value',
        `kind must be one of ${KINDS.join(', ')}, got ${typeOf(o.kind)}`,
      );
    } else {
      kind = o.kind as PostKind;
    }
  }

  const url = r.url(o.url, 'url');

  let parentId: string | null = null;
  const parent = r.string(o.parentId, 'parentId', {
    allowInteger: true,
    maxLength: MAX_ID,
    wellFormed: true,
  });
  if (parent !== undefined && platform !== undefined) {
    // Either the parent's postId on the same platform or already its mentionId.
    parentId = parent.startsWith(`${platform}:`) ? parent : `${platform}:${parent}`;
  }

  const author = readAuthor(r, o.author);

  const title = r.string(o.title, 'title', { maxLength: MAX_TITLE }) ?? null;
  let text = '';
  if (o.text === undefined || o.text === null) {
    if (title === null)
      r.fail('text', 'missing_field', 'text is required (it may be empty only when title is set)');
  } else if (typeof o.text !== 'string') {
    r.fail('text', 'wrong_type', `text must be a string, got ${typeOf(o.text)}`);
  } else {
    // NUL is dropped: it carries no meaning in a post and PostgreSQL text cannot hold it.
    text = toNfc(o.text).replaceAll('\u0000', '');
    if (text.length > opts.maxTextLength && codePointLength(text) > opts.maxTextLength) {
      r.fail(
        'text',
        'text_too_long',
        `text is ${codePointLength(text)} characters; the limit is ${opts.maxTextLength}`,
      );
    } else if (text.trim() === '' && title === null) {
      r.fail(
        'text',
        'missing_field',
        'text must not be empty (it may be empty only when title is set)',
      );
    }
  }

  let lang: string | null = null;
  const langRaw = r.string(o.lang, 'lang', { maxLength: 35 });
  if (langRaw !== undefined) {
    const m = LANG.exec(langRaw);
    if (!m)
      r.fail(
        'lang',
        'invalid_value',
        `lang must be an ISO 639-1 code such as "en" or "pt-BR", got "${langRaw}"`,
      );
    else if (m[1]!.toLowerCase() !== 'und') lang = m[1]!.toLowerCase();
  }

  const createdAt = r.timestamp(o.createdAt, 'createdAt', opts);

  const engagement = { likes: 0, shares: 0, replies: 0, views: 0 };
  const e = r.object(o.engagement, 'engagement', false);
  if (e) {
    engagement.likes = r.count(e.likes, 'engagement.likes');
    engagement.shares = r.count(e.shares, 'engagement.shares');
    engagement.replies = r.count(e.replies, 'engagement.replies');
    engagement.views = r.count(e.views, 'engagement.views');
  }

  let rating: number | null = null;
  if (o.rating !== undefined && o.rating !== null) {
    if (typeof o.rating !== 'number' || !Number.isFinite(o.rating)) {
      r.fail(
        'rating',
        'wrong_type',
        `rating must be a number from 1 to 5, got ${typeOf(o.rating)}`,
      );
    } else if (o.rating < 1 || o.rating > 5) {
      r.fail('rating', 'invalid_value', `rating must be from 1 to 5, got ${o.rating}`);
    } else {
      rating = o.rating;
    }
  }

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
