import type { RedditSearchPoller } from './poller-spec.ts';

export interface RedditCursor {
  /** Fullnames already ingested, newest first (see SEEN_LIMIT). */
  seen: string[];
}

/**
 * Newest-first search results. Reddit has no reliable "after this post"
 * for search, so the cursor is the set of recently ingested fullnames: a
 * poll pages back (`after`) until it meets one it has seen, which also
 * catches posts the search index picked up late.
 */
export function redditSearchUrl(spec: RedditSearchPoller, after?: string): string {
  const path = spec.subreddit
    ? `/r/${encodeURIComponent(spec.subreddit)}/search.json`
    : '/search.json';
  const url = new URL(path, spec.baseUrl);
  url.searchParams.set('q', spec.query);
  url.searchParams.set('sort', 'new');
  url.searchParams.set('limit', String(spec.limit));
  // raw_json=1: text fields come without HTML-escaping (&amp; stays &).
  url.searchParams.set('raw_json', '1');
  if (spec.subreddit) url.searchParams.set('restrict_sr', '1');
  if (after) url.searchParams.set('after', after);
  return url.toString();
}

/** The Listing's `after` token, for the next (older) page. */
export function listingAfter(listing: unknown): string | undefined {
  const after = (listing as { data?: { after?: unknown } })?.data?.after;
  return typeof after === 'string' && after !== '' ? after : undefined;
}
