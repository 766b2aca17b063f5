interface StreamBase {
  /** Stable id: the checkpoint row's key and the mentions' `source.name`. */
  id: string;
  /** Brand the stream is dedicated to; its items carry it (see prepareMentions). */
  brand?: string;
}

export interface JetstreamSpec extends StreamBase {
  kind: 'jetstream';
  /** The subscribe endpoint, e.g. wss://jetstream2.us-east.bsky.network/subscribe */
  url: string;
}

export type MastodonTimeline = 'public' | 'local' | 'hashtag';

export interface MastodonStreamSpec extends StreamBase {
  kind: 'mastodon-stream';
  /** Server base URL, e.g. https://mastodon.social */
  instance: string;
  timeline: MastodonTimeline;
  /** Hashtag without '#', for the hashtag timeline. */
  tag?: string;
  /** Access token (servers that require one for public streams); from tokenEnv. */
  token?: string;
}

export type StreamSpec = JetstreamSpec | MastodonStreamSpec;
export type StreamKind = StreamSpec['kind'];
export const STREAM_KINDS: readonly StreamKind[] = ['jetstream', 'mastodon-stream'];
export const MASTODON_TIMELINES: readonly MastodonTimeline[] = ['public', 'local', 'hashtag'];
