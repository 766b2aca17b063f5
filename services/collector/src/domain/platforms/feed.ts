import { createHash } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import type { PostKind } from '@hark/events';
import { decodeEntities, htmlToText } from './html-to-text.ts';
import {
  cleanLang,
  hostOf,
  isRecord,
  unsupported,
  type AdapterOptions,
  type GenericPost,
  type NativeEntry,
  type PlatformAdapter,
} from './types.ts';

const ARRAYS = new Set(['item', 'entry', 'link', 'category', 'author', 'contributor']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  htmlEntities: true,
  // Entity expansion bounded: a feed is untrusted input.
  processEntities: { enabled: true, maxTotalExpansions: 10_000, maxExpandedLength: 1_000_000 },
  isArray: (name) => ARRAYS.has(name),
  // Atom content may be XHTML markup mixed with text; parsed as XML its word order would be lost.
  stopNodes: ['feed.entry.content', 'feed.entry.summary'],
});

const DEFAULT_MAX_TEXT = 10_000;

/**
 * RSS 2.0 and Atom 1.0 feeds: blogs, news sites, review sites. The payload
 * is the feed's XML text. Every item becomes an `article` (a `review` when it
 * carries a rating); postId is the item's guid/id, else its link, else a
 * hash of its title and date. Item HTML becomes plain text, cut at
 * `maxTextLength`: a feed carries whole articles and the brand is usually
 * named early.
 */
export const mapFeed: PlatformAdapter = (payload, opts = {}) => {
  const xml = Buffer.isBuffer(payload) ? payload.toString('utf8') : payload;
  if (typeof xml !== 'string') return [unsupported(payload, '', 'expected RSS or Atom XML text')];
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(xml) as Record<string, unknown>;
  } catch (err) {
    return [
      unsupported(
        null,
        '',
        `feed is not well-formed XML: ${(err as Error).message.split('\n')[0]}`,
      ),
    ];
  }
  const rss = doc.rss ?? doc['rdf:RDF'];
  if (isRecord(rss)) {
    const channel = isRecord(rss.channel) ? rss.channel : {};
    // RSS 1.0 (RDF) keeps items beside the channel, RSS 2.0 inside it.
    const items = asArray(channel.item ?? rss.item);
    return items.map((item) =>
      isRecord(item) ? mapRssItem(item, channel, opts) : unsupported(item, '', 'item is empty'),
    );
  }
  if (isRecord(doc.feed)) {
    const feed = doc.feed;
    return asArray(feed.entry).map((entry) =>
      isRecord(entry) ? mapAtomEntry(entry, feed, opts) : unsupported(entry, '', 'entry is empty'),
    );
  }
  return [unsupported(null, '', 'expected an RSS 2.0 <rss> or Atom <feed> document')];
};

function mapRssItem(
  item: Record<string, unknown>,
  channel: Record<string, unknown>,
  opts: AdapterOptions,
): NativeEntry {
  const link = text(item.link);
  const guidNode = item.guid;
  const guid = text(guidNode);
  const guidIsLink = isRecord(guidNode) ? guidNode['@_isPermaLink'] !== 'false' : false;
  const title = text(item.title);
  const date = text(item.pubDate) ?? text(item['dc:date']) ?? text(item['a10:updated']);
  const { author, email } = rssAuthor(text(item['dc:creator']) ?? text(item.author), channel);
  const rating = readRating(item);
  const channelLink = text(channel.link);
  const html = text(item['content:encoded']) ?? text(item.description) ?? '';
  const comments = Number(text(item['slash:comments']));
  const post: GenericPost = {
    platform: opts.platform ?? 'rss',
    id: guid ?? link ?? digest(title, date, html),
    url: link ?? (guid && guidIsLink ? guid : null),
    kind: rating === undefined ? 'article' : 'review',
    author: {
      id: email ?? author ?? hostOf(channelLink) ?? text(channel.title) ?? 'unknown',
      handle: author ?? email ?? null,
      name: author ?? null,
      email: email ?? null,
      profileUrl: channelLink ?? null,
    },
    title: title === undefined ? null : htmlToText(title),
    text: cut(htmlToText(html), opts.maxTextLength ?? DEFAULT_MAX_TEXT),
    lang: cleanLang(text(item['dc:language']) ?? text(channel.language)),
    createdAt: toIso(date) as string,
    engagement: Number.isInteger(comments) && comments >= 0 ? { replies: comments } : undefined,
    rating: rating ?? null,
  };
  return { native: item, post };
}

function mapAtomEntry(
  entry: Record<string, unknown>,
  feed: Record<string, unknown>,
  opts: AdapterOptions,
): NativeEntry {
  const links = asArray(entry.link).filter(isRecord);
  const alternate =
    links.find((l) => l['@_rel'] === 'alternate' || l['@_rel'] === undefined) ?? links[0];
  const url = alternate ? (alternate['@_href'] as string | undefined) : undefined;
  const authorNode = asArray(entry.author)[0] ?? asArray(feed.author)[0];
  const name = isRecord(authorNode) ? text(authorNode.name) : undefined;
  const email = isRecord(authorNode) ? text(authorNode.email) : undefined;
  const authorUri = isRecord(authorNode) ? text(authorNode.uri) : undefined;
  const feedLink = asArray(feed.link)
    .filter(isRecord)
    .find((l) => l['@_rel'] !== 'self');
  const feedUrl = feedLink ? (feedLink['@_href'] as string | undefined) : undefined;
  const title = text(entry.title);
  const date = text(entry.published) ?? text(entry.updated);
  const body = atomText(entry.content) ?? atomText(entry.summary) ?? '';
  const rating = readRating(entry);
  const kind: PostKind = rating === undefined ? 'article' : 'review';
  const post: GenericPost = {
    platform: opts.platform ?? 'rss',
    id: text(entry.id) ?? url ?? digest(title, date, body),
    url: url ?? null,
    kind,
    author: {
      id: authorUri ?? email ?? name ?? hostOf(feedUrl) ?? text(feed.id) ?? 'unknown',
      handle: name ?? email ?? null,
      name: name ?? null,
      email: email ?? null,
      profileUrl: authorUri?.startsWith('http') ? authorUri : (feedUrl ?? null),
    },
    title: title === undefined ? null : htmlToText(title),
    text: cut(body, opts.maxTextLength ?? DEFAULT_MAX_TEXT),
    lang: cleanLang(
      (isRecord(entry) ? (entry['@_xml:lang'] as string | undefined) : undefined) ??
        (feed['@_xml:lang'] as string | undefined),
    ),
    createdAt: toIso(date) as string,
    rating: rating ?? null,
  };
  return { native: entry, post };
}

/**
 * Atom text constructs, kept raw by the parser: `xhtml` is markup, `html`
 * is escaped markup (or CDATA), `text` is escaped text.
 */
function atomText(node: unknown): string | undefined {
  if (node === undefined) return undefined;
  const type = isRecord(node) ? node['@_type'] : undefined;
  const raw = isRecord(node) ? node['#text'] : node;
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  if (type === 'xhtml') return htmlToText(raw);
  // Outside CDATA the XML escaping is still there: undo it once, leave CDATA as written.
  const unescaped = raw
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part) => (part.startsWith('<![CDATA[') ? part.slice(9, -3) : decodeEntities(part)))
    .join('');
  return type === 'text' ? unescaped.trim() : htmlToText(unescaped);
}

/** RSS `<author>` is "email (Name)" by the spec; `dc:creator` is a name. */
function rssAuthor(
  raw: string | undefined,
  channel: Record<string, unknown>,
): { author?: string; email?: string } {
  const value = raw ?? text(channel.managingEditor);
  if (!value) return {};
  const m = /^\s*([^\s()]+@[^\s()]+)\s*(?:\(([^)]*)\))?\s*$/.exec(value);
  if (m) return { email: m[1], author: m[2]?.trim() || undefined };
  return { author: value.trim() };
}

/**
 * Review feeds publish ratings in their own elements (`review:rating`,
 * `rating`, …), out of 5 or out of 10 (`@max` or `@best` says which).
 */
function readRating(item: Record<string, unknown>): number | undefined {
  const key = Object.keys(item).find((k) => k === 'rating' || k.endsWith(':rating'));
  if (!key) return undefined;
  const node = item[key];
  const value = Number(text(node));
  if (!Number.isFinite(value)) return undefined;
  const maxAttr = isRecord(node) ? Number(node['@_max'] ?? node['@_best']) : NaN;
  const max = Number.isFinite(maxAttr) && maxAttr > 0 ? maxAttr : value > 5 ? 10 : 5;
  const scaled = (value / max) * 5;
  return Math.min(5, Math.max(1, Math.round(scaled * 10) / 10));
}

function text(node: unknown): string | undefined {
  if (node === undefined || node === null) return undefined;
  if (Array.isArray(node)) return text(node[0]);
  if (typeof node === 'string') return node.trim() || undefined;
  if (typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (isRecord(node)) {
    const t = node['#text'];
    if (t !== undefined) return text(t);
    const href = node['@_href'];
    if (typeof href === 'string') return href;
  }
  return undefined;
}

function asArray(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** RFC 822 dates (RSS) become ISO-8601; unparsable ones pass through for validation to report. */
function toIso(date: string | undefined): string | undefined {
  if (!date) return undefined;
  const ms = Date.parse(date);
  return Number.isNaN(ms) ? date : new Date(ms).toISOString();
}

function digest(...parts: (string | undefined)[]): string {
  return createHash('sha256')
    .update(parts.map((p) => p ?? '').join('\u0000'))
    .digest('hex')
    .slice(0, 32);
}

function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  let slice = s.slice(0, max - 1);
  if (/[\ud800-\udbff]$/.test(slice)) slice = slice.slice(0, -1);
  const space = slice.lastIndexOf(' ');
  return `${space > max * 0.8 ? slice.slice(0, space) : slice}…`;
}
