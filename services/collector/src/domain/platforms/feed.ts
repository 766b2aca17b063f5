import { createHash } from 'node:crypto';
import { XMLParser } from 'fast-xml-parser';
import type { PostKind } from '@hark/events';
import { decodeFeedBytes, parseFeedDate } from './feed-text.ts';
import { decodeEntities, htmlToText } from './html-to-text.ts';
import {
  cleanLang,
  fitText,
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
  // Untrimmed: "Acme <![CDATA[<b>Fiber</b>]]>" must keep its space; text() trims the whole.
  trimValues: false,
  htmlEntities: true,
  // Entity expansion bounded: a feed is untrusted input.
  processEntities: { enabled: true, maxTotalExpansions: 10_000, maxExpandedLength: 1_000_000 },
  isArray: (name) => ARRAYS.has(name),
  // Atom content may be XHTML markup mixed with text; parsed as XML its word order would be lost.
  stopNodes: ['feed.entry.content', 'feed.entry.summary'],
});

/**
 * RSS 2.0 and Atom 1.0 feeds: blogs, news sites, review sites. The payload
 * is the feed's XML text. Every item becomes an `article` (a `review` when it
 * carries a rating); postId is the item's guid/id, else its link, else a
 * hash of its title and date. Item HTML becomes plain text, cut at
 * `maxTextLength`: a feed carries whole articles and the brand is usually
 * named early.
 */
export const mapFeed: PlatformAdapter = (payload, opts = {}) => {
  let xml = payload;
  if (payload instanceof Uint8Array) {
    const decoded = decodeFeedBytes(payload, opts.charset);
    if (!decoded.ok) return [unsupported(null, '', decoded.message)];
    xml = decoded.text;
  }
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
    // Relative links resolve against xml:base, else the channel's own link, else where it was fetched.
    const selfLink = asArray(channel['atom:link'])
      .filter(isRecord)
      .find((l) => l['@_rel'] === 'self')?.['@_href'] as string | undefined;
    const fetched = resolve(selfLink, opts.baseUrl) ?? opts.baseUrl;
    const fallback = resolve(text(channel.link), fetched) ?? fetched;
    const base = resolve(attr(channel, 'xml:base') ?? attr(rss, 'xml:base'), fallback) ?? fallback;
    const channelDate =
      text(channel.pubDate) ?? text(channel.lastBuildDate) ?? text(channel['dc:date']);
    // RSS 1.0 (RDF) keeps items beside the channel, RSS 2.0 inside it.
    const items = asArray(channel.item ?? rss.item);
    return items.map((item) =>
      isRecord(item)
        ? mapRssItem(
            item,
            channel,
            { ...opts, baseUrl: resolve(attr(item, 'xml:base'), base) ?? base },
            channelDate,
          )
        : unsupported(item, '', 'item is empty'),
    );
  }
  if (isRecord(doc.feed)) {
    const feed = doc.feed;
    const self = asArray(feed.link)
      .filter(isRecord)
      .find((l) => l['@_rel'] === 'self');
    const fallback = resolve(self?.['@_href'] as string | undefined, opts.baseUrl) ?? opts.baseUrl;
    const base = resolve(attr(feed, 'xml:base'), fallback) ?? fallback;
    return asArray(feed.entry).map((entry) =>
      isRecord(entry)
        ? mapAtomEntry(entry, feed, {
            ...opts,
            baseUrl: resolve(attr(entry, 'xml:base'), base) ?? base,
          })
        : unsupported(entry, '', 'entry is empty'),
    );
  }
  return [unsupported(null, '', 'expected an RSS 2.0 <rss> or Atom <feed> document')];
};

function mapRssItem(
  item: Record<string, unknown>,
  channel: Record<string, unknown>,
  opts: AdapterOptions,
  channelDate: string | undefined,
): NativeEntry {
  const base = opts.baseUrl;
  const link = resolve(text(item.link) ?? attr(item, 'rdf:about'), base);
  const guidNode = item.guid;
  const guid = text(guidNode);
  // RSS 2.0: a guid is a permalink unless isPermaLink="false".
  const guidIsLink = !isRecord(guidNode) || guidNode['@_isPermaLink'] !== 'false';
  const title = text(item.title);
  // An undated item takes its channel's date: when the publisher last said the feed changed.
  const date =
    text(item.pubDate) ?? text(item['dc:date']) ?? text(item['a10:updated']) ?? channelDate;
  const { author, email } = rssAuthor(text(item['dc:creator']) ?? text(item.author), channel);
  const rating = readRating(item);
  const channelLink = text(channel.link);
  const html = text(item['content:encoded']) ?? text(item.description) ?? '';
  const comments = Number(text(item['slash:comments']));
  const post: GenericPost = {
    platform: opts.platform ?? 'rss',
    id: guid ?? link ?? digest(title, date, html),
    url: link ?? (guid && guidIsLink ? (resolve(guid, base) ?? null) : null),
    kind: rating === undefined ? 'article' : 'review',
    author: {
      id: email ?? author ?? hostOf(channelLink) ?? text(channel.title) ?? 'unknown',
      handle: author ?? email ?? null,
      name: author ?? null,
      email: email ?? null,
      profileUrl: resolve(channelLink, base) ?? null,
    },
    title: title === undefined ? null : htmlToText(title),
    text: fitText(htmlToText(html), opts.maxTextLength),
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
  const url = resolve(alternate?.['@_href'] as string | undefined, opts.baseUrl);
  const authorNode = asArray(entry.author)[0] ?? asArray(feed.author)[0];
  const name = isRecord(authorNode) ? text(authorNode.name) : undefined;
  const email = isRecord(authorNode) ? text(authorNode.email) : undefined;
  const rawAuthorUri = isRecord(authorNode) ? text(authorNode.uri) : undefined;
  // An author's uri may be relative to the feed like its links ("/blog/").
  const authorUri = resolve(rawAuthorUri, opts.baseUrl) ?? rawAuthorUri;
  const feedLink = asArray(feed.link)
    .filter(isRecord)
    .find((l) => l['@_rel'] !== 'self');
  const feedUrl = resolve(feedLink?.['@_href'] as string | undefined, opts.baseUrl);
  const title = atomText(entry.title) ?? text(entry.title);
  const date =
    text(entry.published) ?? text(entry.updated) ?? text(entry['dc:date']) ?? text(feed.updated);
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
    text: fitText(body, opts.maxTextLength),
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

/** RFC 822 dates (RSS), localised ones too, become ISO-8601; unparsable ones pass through for validation to report. */
function toIso(date: string | undefined): string | undefined {
  if (!date) return undefined;
  const ms = parseFeedDate(date);
  return ms === undefined ? date : new Date(ms).toISOString();
}

function attr(node: Record<string, unknown>, name: string): string | undefined {
  const v = node[`@_${name}`];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** An absolute http(s) URL from a link that may be relative to `base`; undefined when it cannot be. */
function resolve(link: string | undefined, base: string | undefined): string | undefined {
  if (!link) return undefined;
  // An absolute link is kept as written; only relative ones are resolved.
  if (/^https?:\/\/[^\s]+$/i.test(link.trim())) return link.trim();
  try {
    const u = new URL(link.trim(), base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

function digest(...parts: (string | undefined)[]): string {
  return createHash('sha256')
    .update(parts.map((p) => p ?? '').join('\u0000'))
    .digest('hex')
    .slice(0, 32);
}
