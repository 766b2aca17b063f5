import { parseBody, type BodyFormat } from '../parse-body.ts';
import { FORMATS, type AdapterOptions, type FormatName } from '../platforms/index.ts';
import type { SourcedEntry } from '../prepare-mentions.ts';
import { splitCompliance, type ComplianceEntry } from './platform-compliance.ts';

/** A compliance entry in request order; `line` when it came from an NDJSON line. */
export interface SourcedComplianceEntry {
  entry: ComplianceEntry;
  line?: number;
}

export type ExpandedCompliance =
  | { ok: true; compliance: SourcedComplianceEntry[]; posts: SourcedEntry[]; ignored: number }
  | { ok: false; message: string };

/** Formats whose native payloads carry compliance events. */
export const COMPLIANCE_FORMATS: readonly FormatName[] = ['generic', 'x', 'mastodon', 'bluesky'];

/**
 * Turns a request body into compliance entries and, for native payloads,
 * the posts that came with them (an edited post, a webhook batch that also
 * holds new posts). Generic: each JSON item or NDJSON line is one
 * compliance item. Native (x, mastodon, bluesky): the platform's events are
 * split out; whatever is left goes through the format's post adapter.
 */
export function expandCompliance(
  text: string,
  body: BodyFormat,
  format: FormatName,
  opts: AdapterOptions = {},
): ExpandedCompliance {
  if (!COMPLIANCE_FORMATS.includes(format))
    return {
      ok: false,
      message: `the ${format} format carries no compliance events; use generic, x, mastodon or bluesky`,
    };
  if (body === 'xml') return { ok: false, message: 'compliance events are JSON or NDJSON' };
  const compliance: SourcedComplianceEntry[] = [];
  const posts: SourcedEntry[] = [];
  let ignored = 0;
  const take = (value: unknown, line?: number) => {
    const split = splitCompliance(format, value);
    for (const entry of split.compliance) compliance.push({ entry, line });
    for (const entry of split.posts) posts.push({ entry, line });
    if (split.remainder !== undefined) {
      for (const entry of FORMATS[format](split.remainder, opts)) posts.push({ entry, line });
    }
    ignored += split.ignored;
  };
  if (format !== 'generic' && body === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return { ok: false, message: `body is not valid JSON: ${(err as Error).message}` };
    }
    take(value);
    return { ok: true, compliance, posts, ignored };
  }
  const parsed = parseBody(text, body);
  if (!parsed.ok) return parsed;
  for (const record of parsed.records) {
    if ('error' in record) {
      compliance.push({ entry: { native: record.raw, error: record.error }, line: record.line });
    } else if (format === 'generic') {
      compliance.push({
        entry: { native: record.value, item: record.value as Record<string, unknown> },
        line: record.line,
      });
    } else {
      take(record.value, record.line);
    }
  }
  return { ok: true, compliance, posts, ignored };
}
