export interface FeedCursor {
  /** Keys of the items ingested, newest first (see SEEN_LIMIT). */
  seen: string[];
  etag?: string;
  lastModified?: string;
}

/** Conditional GET, so an unchanged feed costs a 304 and no parsing. */
export function feedRequestHeaders(cursor: FeedCursor | null): Record<string, string> {
  const headers: Record<string, string> = {
    accept: 'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8',
  };
  if (cursor?.etag) headers['if-none-match'] = cursor.etag;
  if (cursor?.lastModified) headers['if-modified-since'] = cursor.lastModified;
  return headers;
}
