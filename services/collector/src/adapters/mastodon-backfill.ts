import {
  mastodonBackfillUrl,
  readMastodonPage,
  type MastodonStreamCursor,
} from '../domain/streams/mastodon-stream.ts';
import type { StreamBatch } from '../domain/streams/stream-batch.ts';
import { mastodonAuth } from '../domain/streams/stream-kind.ts';
import type { MastodonStreamSpec } from '../domain/streams/stream-spec.ts';
import type { SourceHttp } from './source-http.ts';

const MAX_PAGES = 10;

/**
 * What was posted while a Mastodon stream was disconnected, read from the
 * REST timeline page by page after `start`. `deliver` makes each page durable
 * and checkpoints it before the next is read; resolves with the last checkpoint.
 */
export async function backfillMastodon(deps: {
  spec: MastodonStreamSpec;
  start: MastodonStreamCursor;
  http: SourceHttp;
  maxTextLength: number;
  deliver: (batch: StreamBatch<MastodonStreamCursor>) => Promise<void>;
}): Promise<MastodonStreamCursor> {
  const { spec, http } = deps;
  let cursor = deps.start;
  for (let page = 0; page < MAX_PAGES; page++) {
    const statuses = await http.getJson(
      mastodonBackfillUrl(spec, cursor.lastId),
      mastodonAuth(spec),
    );
    if (!Array.isArray(statuses) || statuses.length === 0) return cursor;
    const read = readMastodonPage(statuses, cursor, { maxTextLength: deps.maxTextLength });
    const batch = { ...read, cursor: read.cursor ?? cursor };
    await deps.deliver(batch);
    if (batch.cursor.lastId === cursor.lastId) return batch.cursor;
    cursor = batch.cursor;
  }
  return cursor;
}
