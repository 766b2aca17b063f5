import { mapBluesky } from './bluesky.ts';
import { mapFeed } from './feed.ts';
import { mapMastodon } from './mastodon.ts';
import { mapReddit } from './reddit.ts';
import type { GenericPost, NativeEntry, PlatformAdapter } from './types.ts';
import { mapX } from './x.ts';

/** The generic shape: a payload is one post or an array of posts, validated as they are. */
export const mapGeneric: PlatformAdapter = (payload) =>
  (Array.isArray(payload) ? payload : [payload]).map(
    // Validation happens next, on every item alike; here the payload is taken as it is.
    (p): NativeEntry => ({ native: p, post: p as GenericPost }),
  );

/** Every payload format the collector understands, by the name used in `?format=` and source config. */
export const FORMATS = {
  generic: mapGeneric,
  x: mapX,
  reddit: mapReddit,
  mastodon: mapMastodon,
  bluesky: mapBluesky,
  feed: mapFeed,
} as const satisfies Record<string, PlatformAdapter>;

export type FormatName = keyof typeof FORMATS;

export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[];

/** `rss` and `atom` are spelled out by users; both are the feed adapter. */
export function resolveFormat(name: string): FormatName | undefined {
  const n = name.toLowerCase();
  if (n === 'rss' || n === 'atom') return 'feed';
  if (n === 'twitter') return 'x';
  return (FORMAT_NAMES as string[]).includes(n) ? (n as FormatName) : undefined;
}

export { mapBluesky, mapFeed, mapMastodon, mapReddit, mapX };
export type { AdapterOptions, GenericPost, NativeEntry, PlatformAdapter } from './types.ts';
