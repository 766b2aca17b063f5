import type { PostKind } from '@hark/events';
import { htmlToText } from './html-to-text.ts';
import {
  cleanLang,
  fitText,
  hostOf,
  isRecord,
  num,
  str,
  unsupported,
  type AdapterOptions,
  type GenericPost,
  type NativeEntry,
  type PlatformAdapter,
} from './types.ts';

/**
 * Mastodon. Accepts a Status, an array of Statuses (what timelines return),
 * or a server webhook event (`{ event: 'status.created', object: Status }`).
 *
 * A status id is local to the server that answered: the same post seen
 * through two servers has two ids. Its ActivityPub `uri` is the same
 * everywhere, so postId is the uri, and the same post from any server or
 * source is one mention. Only public and unlisted statuses are collected.
 */
export const mapMastodon: PlatformAdapter = (payload, opts = {}) => {
  if (Array.isArray(payload)) return payload.flatMap((p) => mapMastodon(p, opts));
  if (!isRecord(payload)) return [unsupported(payload, '', 'expected a Mastodon Status object')];
  if (typeof payload.event === 'string' && isRecord(payload.object)) {
    if (!payload.event.startsWith('status.')) {
      return [unsupported(payload, 'event', `Mastodon event "${payload.event}" carries no status`)];
    }
    return mapMastodon(payload.object, opts);
  }
  if (!isRecord(payload.account) || payload.content === undefined) {
    return [unsupported(payload, '', 'expected a Mastodon Status (with account and content)')];
  }
  return [mapStatus(payload, opts)];
};

/**
 * One id per person whatever the payload: `user@domain`. Servers before
 * 4.2 send no `account.uri`, newer ones do, and its form changed (`/users/x`,
 * `/ap/users/<id>`); the profile URL is a third spelling. `acct` names the
 * domain for remote accounts; a local account's domain is its server's.
 */
export function mastodonAuthorId(
  account: Record<string, unknown>,
  statusUrl?: string,
): string | undefined {
  const acct = str(account.acct) ?? str(account.username);
  if (!acct) return str(account.uri) ?? str(account.url);
  if (acct.includes('@')) return acct.toLowerCase();
  const host = hostOf(str(account.url)) ?? hostOf(str(account.uri)) ?? hostOf(statusUrl);
  return host ? `${acct}@${host}`.toLowerCase() : acct.toLowerCase();
}

/**
 * The same id from an ActivityPub actor URI, where its form names the
 * account (`https://host/users/name`, `https://host/@name`); other forms
 * (`/ap/users/<number>`) cannot be mapped without a WebFinger lookup and
 * stay as they are.
 */
export function mastodonActorId(uri: string | undefined): string | undefined {
  if (!uri) return undefined;
  try {
    const u = new URL(uri);
    const m = /^\/(?:users\/|@)([A-Za-z0-9_.-]+)\/?$/.exec(u.pathname);
    return m ? `${m[1]}@${u.host}`.toLowerCase() : uri;
  } catch {
    return uri;
  }
}

// Mastodon 4.5 puts a quote's fallback ("RE: <link>") first in the content for older clients.
const QUOTE_INLINE = /<p\b[^>]*class="[^"]*\bquote-inline\b[^"]*"[^>]*>[\s\S]*?<\/p>/gi;
// Servers without the class (Misskey, Fedibird, older Mastodon) write the same line plainly.
const RE_LINE = /^\s*(?:RE|QT):\s*\S+\s*(?:\n+|$)/i;

function statusText(content: unknown, quoted: boolean): string {
  const html = typeof content === 'string' ? content : '';
  const text = htmlToText(html.replace(QUOTE_INLINE, ''));
  return quoted ? text.replace(RE_LINE, '') : text;
}

function mapStatus(s: Record<string, unknown>, opts: AdapterOptions): NativeEntry {
  const visibility = str(s.visibility) ?? 'public';
  if (visibility !== 'public' && visibility !== 'unlisted') {
    return {
      native: s,
      error: {
        path: 'visibility',
        reason: 'not_public',
        message: `status visibility is "${visibility}"; only public and unlisted statuses are collected`,
      },
    };
  }
  // A boost wraps the original: the text is the original's, the post is the boost.
  const reblog = isRecord(s.reblog) ? s.reblog : undefined;
  const content = reblog ?? s;
  let kind: PostKind = 'post';
  let parentId: string | null = null;
  if (reblog) {
    kind = 'repost';
    parentId = str(reblog.uri) ?? null;
  } else if (isRecord(s.quote) && isRecord(s.quote.quoted_status)) {
    kind = 'quote';
    parentId = str(s.quote.quoted_status.uri) ?? null;
  } else if (str(s.in_reply_to_id)) {
    // The parent is known only by its server-local id, not its uri: no parentId.
    kind = 'reply';
  }
  const account = s.account as Record<string, unknown>;
  const accountUrl = str(account.url);
  const acct = str(account.acct) ?? str(account.username);
  const host = hostOf(accountUrl) ?? hostOf(str(s.url));
  const spoiler = str(s.spoiler_text);
  const post: GenericPost = {
    platform: 'mastodon',
    id: (str(s.uri) ?? str(s.url) ?? s.id) as string,
    url: str(s.url) ?? str(s.uri) ?? null,
    kind,
    parentId,
    author: {
      id: mastodonAuthorId(account, str(s.url)) as string,
      // Local accounts show a bare username; the full handle names the server.
      handle: acct && !acct.includes('@') && host ? `${acct}@${host}` : (acct ?? null),
      name: str(account.display_name) ?? null,
      followers: num(account.followers_count) ?? 0,
      profileUrl: accountUrl ?? null,
    },
    title: spoiler ?? null,
    text: fitText(statusText(content.content, isRecord(content.quote)), opts.maxTextLength),
    lang: cleanLang(content.language),
    createdAt: s.created_at as string,
    // An edited status (status.updated) carries edited_at: later edits get higher revisions.
    editedAt: str(s.edited_at) ?? null,
    // A boost has no engagement of its own (its counts are zero or the original's).
    engagement: reblog
      ? {}
      : {
          likes: num(s.favourites_count) ?? 0,
          shares: (num(s.reblogs_count) ?? 0) + (num(s.quotes_count) ?? 0),
          replies: num(s.replies_count) ?? 0,
        },
  };
  return { native: s, post };
}
