import { parseBody, type BodyFormat } from './parse-body.ts';
import {
  FORMATS,
  type AdapterOptions,
  type FormatName,
  type GenericPost,
  type NativeEntry,
} from './platforms/index.ts';
import type { SourcedEntry } from './prepare-mentions.ts';

export type ExpandedPayload =
  { ok: true; entries: SourcedEntry[] } | { ok: false; message: string };

/**
 * Turns a request body into native entries through the payload format's
 * adapter. A JSON body goes to the adapter whole (an X response or a Reddit
 * Listing is one document holding many posts; a generic array is many
 * posts); each NDJSON line goes on its own (a generic line is one post);
 * a feed is XML text.
 */
export function expandPayload(
  content: string | Buffer,
  body: BodyFormat,
  format: FormatName,
  opts: AdapterOptions = {},
): ExpandedPayload {
  const adapter = FORMATS[format];
  // A feed is decoded by the adapter (BOM, HTTP charset, XML declaration); anything else is UTF-8 JSON.
  const text = typeof content === 'string' ? content : content.toString('utf8');
  if (format === 'feed') {
    if (body !== 'xml')
      return {
        ok: false,
        message:
          'feed payloads are RSS or Atom XML; send Content-Type application/rss+xml, application/atom+xml or application/xml',
      };
    const entries = adapter(content, opts);
    if (entries.length === 1 && 'error' in entries[0]! && entries[0].native === null) {
      return { ok: false, message: entries[0].error.message };
    }
    return { ok: true, entries: entries.map((entry) => ({ entry })) };
  }
  if (body === 'xml')
    return { ok: false, message: `the ${format} format takes JSON or NDJSON, not XML` };
  if (body === 'json' && format !== 'generic') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return { ok: false, message: `body is not valid JSON: ${(err as Error).message}` };
    }
    return { ok: true, entries: adapter(value, opts).map((entry) => ({ entry })) };
  }
  const parsed = parseBody(text, body);
  if (!parsed.ok) return parsed;
  const entries: SourcedEntry[] = [];
  for (const record of parsed.records) {
    if ('error' in record) {
      const entry: NativeEntry = { native: record.raw, error: record.error };
      entries.push({ entry, line: record.line });
      continue;
    }
    if (format === 'generic') {
      // One record, one item: an array on an NDJSON line is a bad item, not a nested batch.
      entries.push({
        entry: { native: record.value, post: record.value as GenericPost },
        line: record.line,
      });
      continue;
    }
    for (const entry of adapter(record.value, opts)) entries.push({ entry, line: record.line });
  }
  return { ok: true, entries };
}
