import type { PostKind } from '@hark/events';
import {
  cleanLang,
  fitText,
  get,
  isRecord,
  num,
  str,
  unsupported,
  type AdapterOptions,
  type GenericPost,
  type NativeEntry,
  type PlatformAdapter,
} from './types.ts';

const POST_COLLECTION = 'app.bsky.feed.post';
// Clients set record.createdAt themselves; past this much after indexing it is not trusted.
const MAX_CLIENT_CLOCK_AHEAD_MS = 60 * 60 * 1000;

/**
 * Bluesky. Accepts an `app.bsky.feed.defs#postView`, an array of them,
 * `{ posts: [postView] }` (searchPosts, getPosts), `{ feed: [{ post }] }`
 * (feeds and timelines), or a Jetstream commit event for
 * `app.bsky.feed.post`. postId is the post's AT URI, unique network-wide.
 */
export const mapBluesky: PlatformAdapter = (payload, opts = {}) => {
  if (Array.isArray(payload)) return payload.flatMap((p) => mapBluesky(p, opts));
  if (!isRecord(payload)) return [unsupported(payload, '', 'expected a Bluesky postView')];
  if (Array.isArray(payload.posts)) return payload.posts.flatMap((p) => mapBluesky(p, opts));
  if (Array.isArray(payload.feed)) {
    return payload.feed.map((item): NativeEntry => {
      const post = get(item, 'post');
      return isRecord(post)
        ? mapPostView(post, opts)
        : unsupported(item, 'post', 'feed item has no post');
    });
  }
  if (isRecord(payload.thread) && isRecord(payload.thread.post)) {
    return [mapPostView(payload.thread.post, opts)];
  }
  if (payload.kind === 'commit' && isRecord(payload.commit)) return [mapJetstream(payload, opts)];
  if (typeof payload.uri === 'string' && isRecord(payload.record)) {
    return [mapPostView(payload, opts)];
  }
  return [unsupported(payload, '', 'expected a Bluesky postView (uri, cid, author, record)')];
};

/** What the AppView puts in place of a handle that no longer resolves to its DID. */
const INVALID_HANDLE = 'handle.invalid';

/**
 * Post text with its link facets expanded: the client shows a shortened link
 * ("example.com/some-arti...") and keeps the whole URL in a facet, addressed
 * by UTF-8 byte offsets. Only a link whose visible text is a short form of
 * its URL is replaced; a link on ordinary words keeps the words.
 */
export function expandLinkFacets(text: string, facets: unknown): string {
  if (!Array.isArray(facets) || facets.length === 0) return text;
  const links: { start: number; end: number; uri: string }[] = [];
  for (const f of facets) {
    const start = num(get(f, 'index', 'byteStart'));
    const end = num(get(f, 'index', 'byteEnd'));
    const features = get(f, 'features');
    if (start === undefined || end === undefined || end <= start || !Array.isArray(features))
      continue;
    const link = features.find(
      (x) =>
        get(x, '$type') === 'app.bsky.richtext.facet#link' && typeof get(x, 'uri') === 'string',
    );
    if (link) links.push({ start, end, uri: get(link, 'uri') as string });
  }
  if (links.length === 0) return text;
  links.sort((a, b) => a.start - b.start);
  const bytes = Buffer.from(text, 'utf8');
  const parts: string[] = [];
  let at = 0;
  for (const l of links) {
    if (l.start < at || l.end > bytes.length) continue;
    const shown = bytes.subarray(l.start, l.end).toString('utf8');
    const bare = l.uri.replace(/^([a-z]+:\/\/)?(www\.)?/i, '');
    const stem = shown.replace(/(\.\.\.|…)$/, '').replace(/^([a-z]+:\/\/)?(www\.)?/i, '');
    if (stem === '' || !bare.startsWith(stem)) continue;
    parts.push(bytes.subarray(at, l.start).toString('utf8'), l.uri);
    at = l.end;
  }
  if (at === 0) return text;
  parts.push(bytes.subarray(at).toString('utf8'));
  return parts.join('');
}

function recordText(record: Record<string, unknown>, opts: AdapterOptions): string {
  if (typeof record.text !== 'string') return record.text as string;
  return fitText(expandLinkFacets(record.text, record.facets), opts.maxTextLength);
}

function mapPostView(p: Record<string, unknown>, opts: AdapterOptions): NativeEntry {
  const record = p.record as Record<string, unknown>;
  if (record.$type !== undefined && record.$type !== POST_COLLECTION) {
    return unsupported(p, 'record.$type', `record type "${String(record.$type)}" is not a post`);
  }
  const author = isRecord(p.author) ? p.author : {};
  const uri = p.uri as string;
  const given = str(author.handle);
  // A handle that fails verification is shown as handle.invalid: it names nobody, the DID does.
  const handle = given === INVALID_HANDLE ? undefined : given;
  const did = str(author.did);
  const { kind, parentId } = postKind(record);
  const post: GenericPost = {
    platform: 'bluesky',
    id: uri,
    url: webUrl(uri, handle ?? did),
    kind,
    parentId,
    author: {
      id: did as string,
      handle: handle ?? null,
      name: str(author.displayName) ?? null,
      followers: num(author.followersCount) ?? 0,
      verified: get(author, 'verification', 'verifiedStatus') === 'valid',
      profileUrl: handle || did ? `https://bsky.app/profile/${handle ?? did}` : null,
    },
    text: recordText(record, opts),
    lang: cleanLang(Array.isArray(record.langs) ? record.langs[0] : undefined),
    createdAt: trustedCreatedAt(str(record.createdAt), str(p.indexedAt)) as string,
    engagement: {
      likes: num(p.likeCount) ?? 0,
      shares: (num(p.repostCount) ?? 0) + (num(p.quoteCount) ?? 0),
      replies: num(p.replyCount) ?? 0,
    },
  };
  return { native: p, post };
}

function mapJetstream(e: Record<string, unknown>, opts: AdapterOptions): NativeEntry {
  const commit = e.commit as Record<string, unknown>;
  if (
    commit.collection !== POST_COLLECTION ||
    (commit.operation !== 'create' && commit.operation !== 'update') ||
    !isRecord(commit.record)
  ) {
    return unsupported(e, 'commit', 'only app.bsky.feed.post create and update commits are posts');
  }
  const did = str(e.did);
  const rkey = str(commit.rkey);
  const uri = did && rkey ? `at://${did}/${POST_COLLECTION}/${rkey}` : undefined;
  const record = commit.record;
  const { kind, parentId } = postKind(record);
  const post: GenericPost = {
    platform: 'bluesky',
    id: uri as string,
    url: uri ? webUrl(uri, did) : null,
    kind,
    parentId,
    // Jetstream carries only the DID; the handle resolves later, if ever.
    author: {
      id: did as string,
      handle: did ?? null,
      profileUrl: did ? `https://bsky.app/profile/${did}` : null,
    },
    text: recordText(record, opts),
    lang: cleanLang(Array.isArray(record.langs) ? record.langs[0] : undefined),
    createdAt: record.createdAt as string,
    // An update re-sends the post; the commit time orders the revisions.
    editedAt:
      commit.operation === 'update' && typeof e.time_us === 'number'
        ? Math.floor(e.time_us / 1000)
        : null,
  };
  return { native: e, post };
}

function postKind(record: Record<string, unknown>): { kind: PostKind; parentId: string | null } {
  const parent = str(get(record, 'reply', 'parent', 'uri'));
  if (parent) return { kind: 'reply', parentId: parent };
  const embedType = str(get(record, 'embed', '$type'));
  if (embedType === 'app.bsky.embed.record') {
    return { kind: 'quote', parentId: str(get(record, 'embed', 'record', 'uri')) ?? null };
  }
  if (embedType === 'app.bsky.embed.recordWithMedia') {
    return {
      kind: 'quote',
      parentId: str(get(record, 'embed', 'record', 'record', 'uri')) ?? null,
    };
  }
  return { kind: 'post', parentId: null };
}

function webUrl(uri: string, profile: string | undefined): string | null {
  const rkey = uri.split('/').pop();
  return profile && rkey ? `https://bsky.app/profile/${profile}/post/${rkey}` : null;
}

function trustedCreatedAt(
  createdAt: string | undefined,
  indexedAt: string | undefined,
): string | undefined {
  if (!createdAt || !indexedAt) return createdAt ?? indexedAt;
  const c = Date.parse(createdAt);
  const i = Date.parse(indexedAt);
  return !Number.isNaN(c) && !Number.isNaN(i) && c > i + MAX_CLIENT_CLOCK_AHEAD_MS
    ? indexedAt
    : createdAt;
}
