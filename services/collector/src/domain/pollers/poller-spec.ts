interface PollerBase {
  /** Stable id: the checkpoint row's key and the mentions' `source.name`. */
  id: string;
  /** Brand the source is dedicated to; its items carry it (see prepareMentions). */
  brand?: string;
  intervalMs: number;
  /** Pages one poll may follow before it checkpoints and waits for the next tick. */
  maxPages: number;
}

export interface MastodonTagPoller extends PollerBase {
  kind: 'mastodon-tag';
  /** Server base URL, e.g. https://mastodon.social */
  instance: string;
  /** Hashtag without '#'. */
  tag: string;
  /** Statuses per page (Mastodon allows up to 40). */
  limit: number;
}

export interface RedditSearchPoller extends PollerBase {
  kind: 'reddit-search';
  /** https://www.reddit.com, or https://oauth.reddit.com with a token. */
  baseUrl: string;
  query: string;
  /** Restrict the search to one subreddit. */
  subreddit?: string;
  /** Posts per page (Reddit allows up to 100). */
  limit: number;
}

export interface FeedPoller extends PollerBase {
  kind: 'feed';
  url: string;
  /** Mention platform for the feed's items: rss, review, news, forum, … */
  platform: string;
}

export type PollerSpec = MastodonTagPoller | RedditSearchPoller | FeedPoller;
export type PollerKind = PollerSpec['kind'];

export const POLLER_KINDS: readonly PollerKind[] = ['mastodon-tag', 'reddit-search', 'feed'];
