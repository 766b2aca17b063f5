import type { AdapterOptions } from '../platforms/types.ts';
import { jetstreamUrl, readJetstreamBatch, type JetstreamCursor } from './jetstream.ts';
import {
  mastodonStreamUrl,
  readMastodonStream,
  type MastodonStreamCursor,
} from './mastodon-stream.ts';
import type { StreamBatch } from './stream-batch.ts';
import type { MastodonStreamSpec, StreamSpec } from './stream-spec.ts';

/** A stream's checkpoint, whichever its kind; null before the first one. */
export type StreamCursor = JetstreamCursor | MastodonStreamCursor | null;

/** Where a stream connects from its checkpoint, and with which headers. */
export function streamEndpoint(
  spec: StreamSpec,
  cursor: StreamCursor,
  userAgent: string,
): { url: string; headers: Record<string, string> } {
  if (spec.kind === 'jetstream') {
    return {
      url: jetstreamUrl(spec.url, cursor as JetstreamCursor | null),
      headers: { 'user-agent': userAgent },
    };
  }
  return {
    url: mastodonStreamUrl(spec),
    headers: { 'user-agent': userAgent, ...mastodonAuth(spec) },
  };
}

/** The bearer token of a Mastodon server that requires one, as a header. */
export function mastodonAuth(spec: MastodonStreamSpec): Record<string, string> {
  return spec.token ? { authorization: `Bearer ${spec.token}` } : {};
}

/**
 * Reads a run of a stream's messages from `cursor` on. `mayMatch` lets a
 * stream that is not dedicated to a brand skip posts naming none before
 * mapping them; a dedicated stream keeps every post (prepareMentions tags them).
 */
export function readStreamMessages(
  spec: StreamSpec,
  messages: readonly string[],
  cursor: StreamCursor,
  opts: AdapterOptions,
  mayMatch?: (text: string) => boolean,
): StreamBatch<StreamCursor> {
  if (spec.kind === 'mastodon-stream')
    return readMastodonStream(messages, cursor as MastodonStreamCursor | null, opts);
  const skip = spec.brand === undefined ? mayMatch : undefined;
  return readJetstreamBatch(messages, cursor as JetstreamCursor | null, opts, skip);
}
