import { FORMAT_NAMES, resolveFormat, type FormatName } from './platforms/index.ts';
import { POLLER_KINDS, type PollerSpec } from './pollers/poller-spec.ts';
import { SourceFields } from './source-fields.ts';
import {
  MASTODON_TIMELINES,
  STREAM_KINDS,
  type MastodonTimeline,
  type StreamSpec,
} from './streams/stream-spec.ts';

export interface WebhookSource {
  /** Path segment: POST /v1/webhooks/{source}. */
  source: string;
  format: FormatName;
  /** HMAC-SHA256 key for signatures and the CRC response. */
  secret: string;
  /** Token a subscribe handshake must present as hub.verify_token; without one, handshakes are refused. */
  verifyToken?: string;
  /**
   * WebSub topic URL this source subscribes to: a `hub.*` verification without
   * a verify token is confirmed only for this topic (WebSub §5.3).
   */
  topic?: string;
  brand?: string;
  /** Mention platform for feed payloads. */
  platform?: string;
}

export interface SourcesConfig {
  webhooks: WebhookSource[];
  pollers: PollerSpec[];
  /** Live streams (Jetstream, Mastodon streaming); optional so older callers need not name it. */
  streams?: StreamSpec[];
}

export const NO_SOURCES: SourcesConfig = Object.freeze({
  webhooks: [],
  pollers: [],
  streams: [],
}) as SourcesConfig;

type Item = Record<string, unknown>;

/**
 * Validates the sources document (webhooks and pollers). Secrets are never
 * in the file: `secretEnv` names the environment variable holding them.
 * Every problem is reported with its path, like the brands config.
 */
export function parseSourcesConfig(
  doc: unknown,
  opts: { env: Record<string, string | undefined>; brandIds: ReadonlySet<string>; source?: string },
): { ok: true; config: SourcesConfig } | { ok: false; problems: string[] } {
  if (doc === null || doc === undefined)
    return { ok: true, config: { webhooks: [], pollers: [], streams: [] } };
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    return { ok: false, problems: ['root: must be a mapping with `webhooks` and/or `pollers`'] };
  }
  const root = doc as Item;
  const f = new SourceFields(opts.env, opts.brandIds);
  const sources = new Set<string>();
  const webhooks = f
    .list(root, 'webhooks')
    .map((w, i) => readWebhook(f, w, `webhooks[${i}]`, sources));
  // Streams and pollers share the checkpoint table: one id space.
  const ids = new Set<string>();
  const pollers = f.list(root, 'pollers').map((p, i) => readPoller(f, p, `pollers[${i}]`, ids));
  const streams = f.list(root, 'streams').map((st, i) => readStream(f, st, `streams[${i}]`, ids));
  if (f.problems.length > 0) return { ok: false, problems: f.problems };
  return {
    ok: true,
    config: { webhooks: present(webhooks), pollers: present(pollers), streams: present(streams) },
  };
}

function present<T>(items: (T | undefined)[]): T[] {
  return items.filter((x): x is T => x !== undefined);
}

function readWebhook(
  f: SourceFields,
  w: Item,
  path: string,
  seen: Set<string>,
): WebhookSource | undefined {
  const source = f.id(w, 'source', path, seen);
  const formatName = f.text(w, 'format', path, false) ?? source ?? 'generic';
  const format = resolveFormat(formatName);
  if (!format)
    f.problem(
      `${path}.format: must be one of ${FORMAT_NAMES.join(', ')}, rss, atom (got "${formatName}")`,
    );
  const secret = f.secret(w, 'secretEnv', path, true);
  const verifyToken = f.secret(w, 'verifyTokenEnv', path, false);
  const brand = f.brand(w, path);
  const platform = f.text(w, 'platform', path, false);
  const topic = w.topic === undefined ? undefined : f.httpUrl(w, 'topic', path);
  if (!source || !format || !secret) return undefined;
  return { source, format, secret, verifyToken, topic, brand, platform };
}

function readPoller(
  f: SourceFields,
  p: Item,
  path: string,
  ids: Set<string>,
): PollerSpec | undefined {
  const entry = f.entry(p, path, ids, POLLER_KINDS);
  if (!entry) return undefined;
  const { id, kind } = entry;
  const common = {
    id: id ?? '',
    brand: f.brand(p, path),
    intervalMs: f.positive(p, 'intervalSeconds', path, 60, 86_400) * 1000,
    maxPages: f.positive(p, 'maxPages', path, 5, 100),
  };
  if (kind === 'mastodon-tag') {
    const instance = f.httpUrl(p, 'instance', path);
    const tag = f.text(p, 'tag', path, true)?.replace(/^#/, '');
    const limit = f.positive(p, 'limit', path, 40, 40);
    if (instance && tag) return { ...common, kind, instance, tag, limit };
  } else if (kind === 'reddit-search') {
    const baseUrl = f.httpUrl(p, 'baseUrl', path, 'https://www.reddit.com');
    const query = f.text(p, 'query', path, true);
    const subreddit = f.text(p, 'subreddit', path, false);
    const limit = f.positive(p, 'limit', path, 100, 100);
    if (baseUrl && query) return { ...common, kind, baseUrl, query, subreddit, limit };
  } else if (kind === 'feed') {
    const url = f.httpUrl(p, 'url', path);
    const platform = f.text(p, 'platform', path, false) ?? 'rss';
    if (url) return { ...common, kind, url, platform };
  }
  return undefined;
}

function readStream(
  f: SourceFields,
  st: Item,
  path: string,
  ids: Set<string>,
): StreamSpec | undefined {
  const entry = f.entry(st, path, ids, STREAM_KINDS);
  if (!entry) return undefined;
  const { id, kind } = entry;
  const brand = f.brand(st, path);
  if (kind === 'jetstream') {
    const url = f.text(st, 'url', path, false) ?? 'wss://jetstream2.us-east.bsky.network/subscribe';
    if (!/^wss?:\/\//.test(url)) f.problem(`${path}.url: must be a ws(s) URL, got "${url}"`);
    else if (id) return { id, kind, url, brand };
  } else if (kind === 'mastodon-stream') {
    const instance = f.httpUrl(st, 'instance', path);
    const timeline = f.text(st, 'timeline', path, false) ?? 'public';
    const known = (MASTODON_TIMELINES as readonly string[]).includes(timeline);
    if (!known) f.problem(`${path}.timeline: must be one of ${MASTODON_TIMELINES.join(', ')}`);
    const tag = f.text(st, 'tag', path, timeline === 'hashtag')?.replace(/^#/, '');
    const token = f.secret(st, 'tokenEnv', path, false);
    if (id && instance && known)
      return { id, kind, instance, timeline: timeline as MastodonTimeline, tag, token, brand };
  }
  return undefined;
}
