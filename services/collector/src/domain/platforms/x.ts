import type { PostKind } from '@hark/events';
import {
  cleanLang,
  get,
  isRecord,
  num,
  str,
  unsupported,
  type GenericPost,
  type NativeEntry,
  type PlatformAdapter,
} from './types.ts';

/**
 * X (Twitter). Accepts what the X API v2 returns — a search or lookup
 * response `{ data: Tweet[] | Tweet, includes: { users } }`, or a filtered
 * stream message of the same shape — and the Account Activity webhook
 * payload `{ for_user_id, tweet_create_events: [v1.1 Tweet] }`.
 */
export const mapX: PlatformAdapter = (payload) => {
  if (Array.isArray(payload)) return payload.flatMap((p) => mapX(p));
  if (!isRecord(payload)) return [unsupported(payload, '', 'expected an X API v2 response object')];
  if (Array.isArray(payload.tweet_create_events)) {
    return payload.tweet_create_events.map((t) =>
      isRecord(t)
        ? { native: t, post: mapV1Tweet(t) }
        : unsupported(t, '', 'tweet_create_events item is not an object'),
    );
  }
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
  const users = new Map<string, Record<string, unknown>>();
  const included = get(payload, 'includes', 'users');
  if (Array.isArray(included)) {
    for (const u of included) if (isRecord(u) && typeof u.id === 'string') users.set(u.id, u);
  }
  return tweets.map((t): NativeEntry => {
    if (!isRecord(t)) return unsupported(t, '', 'tweet is not an object');
    return { native: t, post: mapV2Tweet(t, users.get(String(t.author_id))) };
  });
};

function mapV2Tweet(
  t: Record<string, unknown>,
  user: Record<string, unknown> | undefined,
): GenericPost {
  const id = t.id as string;
  const username = str(user?.username);
  const metrics = isRecord(t.public_metrics) ? t.public_metrics : {};
  const userMetrics = isRecord(user?.public_metrics) ? user.public_metrics : {};
  const { kind, parent } = v2Kind(t.referenced_tweets);
  return {
    platform: 'x',
    id,
    url: username ? `https://x.com/${username}/status/${id}` : `https://x.com/i/web/status/${id}`,
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
    // Posts over 280 characters carry their full text in note_tweet.
    text: (str(get(t, 'note_tweet', 'text')) ?? t.text) as string,
    lang: cleanLang(t.lang),
    createdAt: t.created_at as string,
    engagement: {
      likes: num(metrics.like_count) ?? 0,
      shares: (num(metrics.retweet_count) ?? 0) + (num(metrics.quote_count) ?? 0),
      replies: num(metrics.reply_count) ?? 0,
      views: num(metrics.impression_count) ?? 0,
    },
  };
}

function v2Kind(refs: unknown): { kind: PostKind; parent?: string } {
  if (!Array.isArray(refs)) return { kind: 'post' };
  const ref = (type: string) =>
    refs.find((r) => isRecord(r) && r.type === type) as Record<string, unknown> | undefined;
  const retweeted = ref('retweeted');
  if (retweeted) return { kind: 'repost', parent: str(retweeted.id) };
  const replied = ref('replied_to');
  if (replied) return { kind: 'reply', parent: str(replied.id) };
  const quoted = ref('quoted');
  if (quoted) return { kind: 'quote', parent: str(quoted.id) };
  return { kind: 'post' };
}

function mapV1Tweet(t: Record<string, unknown>): GenericPost {
  const user = isRecord(t.user) ? t.user : {};
  const id = (str(t.id_str) ?? t.id) as string;
  const screenName = str(user.screen_name);
  const created = str(t.created_at);
  const parsed = created ? Date.parse(created) : NaN;
  let kind: PostKind = 'post';
  let parentId: string | null = null;
  if (isRecord(t.retweeted_status)) {
    kind = 'repost';
    parentId = str(t.retweeted_status.id_str) ?? null;
  } else if (str(t.in_reply_to_status_id_str)) {
    kind = 'reply';
    parentId = t.in_reply_to_status_id_str as string;
  } else if (t.is_quote_status === true) {
    kind = 'quote';
    parentId = str(t.quoted_status_id_str) ?? null;
  }
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
    text: (str(get(t, 'extended_tweet', 'full_text')) ?? str(t.full_text) ?? t.text) as string,
    lang: cleanLang(t.lang),
    // v1.1 dates read "Wed Oct 10 20:19:24 +0000 2018"; the generic shape takes ISO-8601.
    createdAt: Number.isNaN(parsed) ? (created as string) : new Date(parsed).toISOString(),
    engagement: {
      likes: num(t.favorite_count) ?? 0,
      shares: (num(t.retweet_count) ?? 0) + (num(t.quote_count) ?? 0),
      replies: num(t.reply_count) ?? 0,
    },
  };
}
