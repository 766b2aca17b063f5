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

type Json = Record<string, unknown>;

/**
 * X (Twitter). Accepts what the X API v2 returns — a search or lookup
 * response `{ data: Tweet[] | Tweet, includes: { users, tweets } }`, or a
 * filtered stream message of the same shape — the Account Activity webhook
 * payload `{ for_user_id, tweet_create_events: [v1.1 Tweet] }`, and v1.1
 * Tweets alone or in an array (timelines, archives).
 */
export const mapX: PlatformAdapter = (payload, opts = {}) => {
  if (Array.isArray(payload)) return payload.flatMap((p) => mapX(p, opts));
  if (!isRecord(payload)) return [unsupported(payload, '', 'expected an X API v2 response object')];
  if (Array.isArray(payload.tweet_create_events)) {
    return payload.tweet_create_events.map((t) =>
      isRecord(t)
        ? { native: t, post: mapV1Tweet(t, opts) }
        : unsupported(t, '', 'tweet_create_events item is not an object'),
    );
  }
  if (isV1Tweet(payload)) return [{ native: payload, post: mapV1Tweet(payload, opts) }];
  if (payload.data === undefined) {
    // A v2 response with no results has no `data` at all: that is zero items, not an error.
    if (isRecord(payload.meta) && payload.meta.result_count === 0) return [];
    return [
      unsupported(
        payload,
        'data',
        'expected `data` (a Tweet or an array of Tweets) as X API v2 returns',
      ),
    ];
  }
  const tweets = Array.isArray(payload.data) ? payload.data : [payload.data];
  const users = byId(get(payload, 'includes', 'users'));
  const included = byId(get(payload, 'includes', 'tweets'));
  return tweets.map((t, i): NativeEntry => {
    if (!isRecord(t)) return unsupported(t, `data[${i}]`, 'tweet is not an object');
    const notTweet = notATweet(t);
    if (notTweet) return unsupported(t, `data[${i}]`, notTweet);
    return { native: t, post: mapV2Tweet(t, users, included, opts) };
  });
};

function byId(list: unknown): Map<string, Json> {
  const out = new Map<string, Json>();
  if (Array.isArray(list)) {
    for (const v of list) if (isRecord(v) && typeof v.id === 'string') out.set(v.id, v);
  }
  return out;
}

function isV1Tweet(p: Json): boolean {
  return typeof p.id_str === 'string' && isRecord(p.user) && p.data === undefined;
}

/**
 * The other objects v2 endpoints put in `data` (users, lists, spaces, counts)
 * share a shape with tweets (an `id`): named, so the error says what was sent.
 */
function notATweet(t: Json): string | undefined {
  if (typeof t.text === 'string') return undefined;
  if (typeof t.username === 'string')
    return `not a tweet: a user object (@${t.username}); send tweets, with users in includes.users`;
  if (typeof t.tweet_count === 'number' && (t.start !== undefined || t.end !== undefined))
    return 'not a tweet: a tweet-count bucket (the counts endpoint)';
  if (typeof t.state === 'string' && typeof t.creator_id === 'string')
    return 'not a tweet: a Space';
  return 'not a tweet: no text';
}

/**
 * X escapes `&`, `<` and `>` in tweet text (and only those) even in JSON;
 * a mention carries what the person wrote.
 */
export function unescapeXText(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(amp|lt|gt);/g, (_, e: string) =>
    e === 'amp' ? '&' : e === 'lt' ? '<' : '>',
  );
}

function v2Text(t: Json): string | undefined {
  // Posts over 280 characters carry their full text in note_tweet.
  return str(get(t, 'note_tweet', 'text')) ?? (typeof t.text === 'string' ? t.text : undefined);
}

function mapV2Tweet(
  t: Json,
  users: Map<string, Json>,
  included: Map<string, Json>,
  opts: AdapterOptions,
): GenericPost {
  const user = users.get(String(t.author_id));
  const username = str(user?.username);
  const metrics = isRecord(t.public_metrics) ? t.public_metrics : {};
  const userMetrics = isRecord(user?.public_metrics) ? user.public_metrics : {};
  const { kind, parent } = v2Kind(t.referenced_tweets);
  const currentId = t.id as string;
  // An edited tweet gets a new id per version; the first id of its history is the post.
  const history = Array.isArray(t.edit_history_tweet_ids)
    ? t.edit_history_tweet_ids.filter((v): v is string => typeof v === 'string')
    : [];
  const id = history[0] ?? currentId;
  const version = history.indexOf(currentId);
  const original = kind === 'repost' && parent ? included.get(parent) : undefined;
  // A retweet's own text is "RT @user: " and a cut copy; the original's is whole.
  const text = (original && v2Text(original)) ?? v2Text(t);
  return {
    platform: 'x',
    id,
    url: username
      ? `https://x.com/${username}/status/${currentId}`
      : `https://x.com/i/web/status/${currentId}`,
    kind,
    parentId: parent ?? null,
    author: {
      id: t.author_id as string,
      handle: username ?? null,
      name: str(user?.name) ?? null,
      followers: num(userMetrics.followers_count) ?? 0,
      verified: user?.verified === true || (str(user?.verified_type) ?? 'none') !== 'none',
      location: str(user?.location) ?? null,
      profileUrl: username ? `https://x.com/${username}` : null,
    },
    text:
      text === undefined
        ? (text as unknown as string)
        : fitText(unescapeXText(text), opts.maxTextLength),
    lang: cleanLang(t.lang),
    createdAt: t.created_at as string,
    revision:
      history.length > 1 ? Math.max(0, version === -1 ? history.length - 1 : version) : null,
    engagement: kind === 'repost' ? {} : v2Engagement(metrics),
  };
}

/** A repost has no engagement of its own: X reports the original's counts on it. */
function v2Engagement(metrics: Json): GenericPost['engagement'] {
  return {
    likes: num(metrics.like_count) ?? 0,
    shares: (num(metrics.retweet_count) ?? 0) + (num(metrics.quote_count) ?? 0),
    replies: num(metrics.reply_count) ?? 0,
    views: num(metrics.impression_count) ?? 0,
  };
}

function v2Kind(refs: unknown): { kind: PostKind; parent?: string } {
  if (!Array.isArray(refs)) return { kind: 'post' };
  const ref = (type: string) =>
    refs.find((r) => isRecord(r) && r.type === type) as Json | undefined;
  const retweeted = ref('retweeted');
  if (retweeted) return { kind: 'repost', parent: str(retweeted.id) };
  const replied = ref('replied_to');
  if (replied) return { kind: 'reply', parent: str(replied.id) };
  const quoted = ref('quoted');
  if (quoted) return { kind: 'quote', parent: str(quoted.id) };
  return { kind: 'post' };
}

function v1Text(t: Json): string | undefined {
  return (
    str(get(t, 'extended_tweet', 'full_text')) ??
    str(t.full_text) ??
    (typeof t.text === 'string' ? t.text : undefined)
  );
}

function mapV1Tweet(t: Json, opts: AdapterOptions): GenericPost {
  const user = isRecord(t.user) ? t.user : {};
  const id = (str(t.id_str) ?? t.id) as string;
  const screenName = str(user.screen_name);
  const created = str(t.created_at);
  const parsed = created ? Date.parse(created) : NaN;
  let kind: PostKind = 'post';
  let parentId: string | null = null;
  const retweeted = isRecord(t.retweeted_status) ? t.retweeted_status : undefined;
  if (retweeted) {
    kind = 'repost';
    parentId = str(retweeted.id_str) ?? null;
  } else if (str(t.in_reply_to_status_id_str)) {
    kind = 'reply';
    parentId = t.in_reply_to_status_id_str as string;
  } else if (t.is_quote_status === true) {
    kind = 'quote';
    parentId = str(t.quoted_status_id_str) ?? null;
  }
  const text = (retweeted && v1Text(retweeted)) ?? v1Text(t);
  return {
    platform: 'x',
    id,
    url: screenName
      ? `https://x.com/${screenName}/status/${id}`
      : `https://x.com/i/web/status/${id}`,
    kind,
    parentId,
    author: {
      id: (str(user.id_str) ?? user.id) as string,
      handle: screenName ?? null,
      name: str(user.name) ?? null,
      followers: num(user.followers_count) ?? 0,
      verified: user.verified === true,
      location: str(user.location) ?? null,
      profileUrl: screenName ? `https://x.com/${screenName}` : null,
    },
    text:
      text === undefined
        ? (text as unknown as string)
        : fitText(unescapeXText(text), opts.maxTextLength),
    lang: cleanLang(t.lang),
    // v1.1 dates read "Wed Oct 10 20:19:24 +0000 2018"; the generic shape takes ISO-8601.
    createdAt: Number.isNaN(parsed) ? (created as string) : new Date(parsed).toISOString(),
    engagement:
      kind === 'repost'
        ? {}
        : {
            likes: num(t.favorite_count) ?? 0,
            shares: (num(t.retweet_count) ?? 0) + (num(t.quote_count) ?? 0),
            replies: num(t.reply_count) ?? 0,
          },
  };
}
