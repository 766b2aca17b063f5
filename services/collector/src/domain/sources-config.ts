import { FORMAT_NAMES, resolveFormat, type FormatName } from './platforms/index.ts';
import { POLLER_KINDS, type PollerSpec } from './pollers/poller-spec.ts';
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

const ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/**
 * Validates the sources document (webhooks and pollers). Secrets are never
 * in the file: `secretEnv` names the environment variable holding them.
 * Every problem is reported with its path, like the brands config.
 */
export function parseSourcesConfig(
  doc: unknown,
  opts: { env: Record<string, string | undefined>; brandIds: ReadonlySet<string>; source?: string },
): { ok: true; config: SourcesConfig } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  if (doc === null || doc === undefined)
    return { ok: true, config: { webhooks: [], pollers: [], streams: [] } };
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    return { ok: false, problems: ['root: must be a mapping with `webhooks` and/or `pollers`'] };
  }
  const root = doc as Record<string, unknown>;
  const list = (key: string): Record<string, unknown>[] => {
    const v = root[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      problems.push(`${key}: must be a list`);
      return [];
    }
    return v.map((item, i) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        problems.push(`${key}[${i}]: must be a mapping`);
        return {};
      }
      return item as Record<string, unknown>;
    });
  };
  const text = (
    o: Record<string, unknown>,
    key: string,
    path: string,
    required: boolean,
  ): string | undefined => {
    const v = o[key];
    if (v === undefined || v === null || v === '') {
      if (required) problems.push(`${path}.${key}: is required`);
      return undefined;
    }
    if (typeof v !== 'string') {
      problems.push(`${path}.${key}: must be a string`);
      return undefined;
    }
    return v.trim();
  };
  const secretFrom = (
    o: Record<string, unknown>,
    key: string,
    path: string,
    required: boolean,
  ): string | undefined => {
    const name = text(o, key, path, required);
    if (name === undefined) return undefined;
    const value = opts.env[name];
    if (value === undefined || value === '') {
      problems.push(`${path}.${key}: environment variable ${name} is not set`);
      return undefined;
    }
    return value;
  };
  const brand = (o: Record<string, unknown>, path: string): string | undefined => {
    const b = text(o, 'brand', path, false);
    if (b !== undefined && !opts.brandIds.has(b))
      problems.push(`${path}.brand: unknown brand "${b}"`);
    return b;
  };
  const positive = (
    o: Record<string, unknown>,
    key: string,
    path: string,
    fallback: number,
    max: number,
  ): number => {
    const v = o[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) {
      problems.push(`${path}.${key}: must be a whole number from 1 to ${max}`);
      return fallback;
    }
    return v;
  };
  const httpUrl = (
    o: Record<string, unknown>,
    key: string,
    path: string,
    fallback?: string,
  ): string | undefined => {
    const v = text(o, key, path, fallback === undefined) ?? fallback;
    if (v === undefined) return undefined;
    try {
      const u = new URL(v);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
      return v;
    } catch {
      problems.push(`${path}.${key}: must be an http(s) URL, got "${v}"`);
      return undefined;
    }
  };

  const webhooks: WebhookSource[] = [];
  const seenSources = new Set<string>();
  list('webhooks').forEach((w, i) => {
    const path = `webhooks[${i}]`;
    const source = text(w, 'source', path, true);
    if (source !== undefined && !ID.test(source))
      problems.push(`${path}.source: must match ${ID.source}`);
    if (source !== undefined && seenSources.has(source))
      problems.push(`${path}.source: duplicate "${source}"`);
    if (source !== undefined) seenSources.add(source);
    const formatName = text(w, 'format', path, false) ?? source ?? 'generic';
    const format = resolveFormat(formatName);
    if (!format)
      problems.push(
        `${path}.format: must be one of ${FORMAT_NAMES.join(', ')}, rss, atom (got "${formatName}")`,
      );
    const secret = secretFrom(w, 'secretEnv', path, true);
    const verifyToken = secretFrom(w, 'verifyTokenEnv', path, false);
    const b = brand(w, path);
    const platform = text(w, 'platform', path, false);
    const topic = w.topic === undefined ? undefined : httpUrl(w, 'topic', path);
    if (source && format && secret) {
      webhooks.push({ source, format, secret, verifyToken, topic, brand: b, platform });
    }
  });

  const pollers: PollerSpec[] = [];
  const seenIds = new Set<string>();
  list('pollers').forEach((p, i) => {
    const path = `pollers[${i}]`;
    const id = text(p, 'id', path, true);
    if (id !== undefined && !ID.test(id)) problems.push(`${path}.id: must match ${ID.source}`);
    if (id !== undefined && seenIds.has(id)) problems.push(`${path}.id: duplicate "${id}"`);
    if (id !== undefined) seenIds.add(id);
    const kind = text(p, 'kind', path, true);
    if (kind !== undefined && !(POLLER_KINDS as readonly string[]).includes(kind)) {
      problems.push(`${path}.kind: must be one of ${POLLER_KINDS.join(', ')} (got "${kind}")`);
      return;
    }
    const common = {
      id: id ?? '',
      brand: brand(p, path),
      intervalMs: positive(p, 'intervalSeconds', path, 60, 86_400) * 1000,
      maxPages: positive(p, 'maxPages', path, 5, 100),
    };
    if (kind === 'mastodon-tag') {
      const instance = httpUrl(p, 'instance', path);
      const tag = text(p, 'tag', path, true)?.replace(/^#/, '');
      const limit = positive(p, 'limit', path, 40, 40);
      if (instance && tag) pollers.push({ ...common, kind, instance, tag, limit });
    } else if (kind === 'reddit-search') {
      const baseUrl = httpUrl(p, 'baseUrl', path, 'https://www.reddit.com');
      const query = text(p, 'query', path, true);
      const subreddit = text(p, 'subreddit', path, false);
      const limit = positive(p, 'limit', path, 100, 100);
      if (baseUrl && query) pollers.push({ ...common, kind, baseUrl, query, subreddit, limit });
    } else if (kind === 'feed') {
      const url = httpUrl(p, 'url', path);
      const platform = text(p, 'platform', path, false) ?? 'rss';
      if (url) pollers.push({ ...common, kind, url, platform });
    }
  });

  const streams: StreamSpec[] = [];
  list('streams').forEach((st, i) => {
    const path = `streams[${i}]`;
    const id = text(st, 'id', path, true);
    if (id !== undefined && !ID.test(id)) problems.push(`${path}.id: must match ${ID.source}`);
    // Streams and pollers share the checkpoint table: one id space.
    if (id !== undefined && seenIds.has(id)) problems.push(`${path}.id: duplicate "${id}"`);
    if (id !== undefined) seenIds.add(id);
    const kind = text(st, 'kind', path, true);
    if (kind !== undefined && !(STREAM_KINDS as readonly string[]).includes(kind)) {
      problems.push(`${path}.kind: must be one of ${STREAM_KINDS.join(', ')} (got "${kind}")`);
      return;
    }
    const b = brand(st, path);
    if (kind === 'jetstream') {
      const url = text(st, 'url', path, false) ?? 'wss://jetstream2.us-east.bsky.network/subscribe';
      if (!/^wss?:\/\//.test(url)) problems.push(`${path}.url: must be a ws(s) URL, got "${url}"`);
      else if (id) streams.push({ id, kind, url, brand: b });
    } else if (kind === 'mastodon-stream') {
      const instance = httpUrl(st, 'instance', path);
      const timeline = text(st, 'timeline', path, false) ?? 'public';
      if (!(MASTODON_TIMELINES as readonly string[]).includes(timeline))
        problems.push(`${path}.timeline: must be one of ${MASTODON_TIMELINES.join(', ')}`);
      const tag = text(st, 'tag', path, timeline === 'hashtag')?.replace(/^#/, '');
      const token = secretFrom(st, 'tokenEnv', path, false);
      if (id && instance && (MASTODON_TIMELINES as readonly string[]).includes(timeline))
        streams.push({
          id,
          kind,
          instance,
          timeline: timeline as MastodonTimeline,
          tag,
          token,
          brand: b,
        });
    }
  });

  return problems.length > 0
    ? { ok: false, problems }
    : { ok: true, config: { webhooks, pollers, streams } };
}
