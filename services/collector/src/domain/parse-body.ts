import { clip } from './fields.ts';
import type { FieldError } from './item-errors.ts';

/** One record of a request body: a parsed value, or why its line did not parse. */
export type BodyRecord =
  { value: unknown; line?: number } | { error: FieldError; line?: number; raw: string };

export type BodyFormat = 'json' | 'ndjson' | 'xml';

export type ParsedBody = { ok: true; records: BodyRecord[] } | { ok: false; message: string };

const NDJSON_TYPES = new Set([
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/x-jsonlines',
  'application/jsonlines',
]);
const XML_TYPES = new Set([
  'application/xml',
  'text/xml',
  'application/rss+xml',
  'application/atom+xml',
]);

/** The body format for a Content-Type header, or null when unsupported. */
export function bodyFormat(contentType: string | undefined): BodyFormat | null {
  const type = (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) return 'json';
  if (NDJSON_TYPES.has(type)) return 'ndjson';
  if (XML_TYPES.has(type)) return 'xml';
  return null;
}

/**
 * A JSON body is one object (one record) or an array (one record per
 * element); anything else, or unparsable JSON, fails the whole request. An
 * NDJSON body has one JSON value per non-blank line; a line that does not
 * parse becomes an error record, so its neighbours still go through.
 */
export function parseBody(text: string, format: 'json' | 'ndjson'): ParsedBody {
  if (format === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      return { ok: false, message: `body is not valid JSON: ${(err as Error).message}` };
    }
    if (Array.isArray(value)) return { ok: true, records: value.map((v) => ({ value: v })) };
    if (typeof value === 'object' && value !== null) return { ok: true, records: [{ value }] };
    return { ok: false, message: 'body must be a JSON object or an array of objects' };
  }
  const records: BodyRecord[] = [];
  let start = 0;
  let line = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    line++;
    const raw = text.slice(start, end).trim();
    start = end + 1;
    if (raw === '') continue;
    try {
      records.push({ value: JSON.parse(raw), line });
    } catch (err) {
      records.push({
        line,
        raw,
        error: {
          path: '',
          reason: 'malformed_json',
          message: `line ${line} is not valid JSON (${(err as Error).message}): ${clip(raw)}`,
        },
      });
    }
  }
  return { ok: true, records };
}
