import { describe, expect, it } from 'vitest';
import { expandPayload } from '../../src/domain/expand-payload.ts';
import { bodyFormat, parseBody } from '../../src/domain/parse-body.ts';

describe('bodyFormat', () => {
  it.each([
    [undefined, 'json'],
    ['application/json; charset=utf-8', 'json'],
    ['application/vnd.api+json', 'json'],
    ['application/x-ndjson', 'ndjson'],
    ['application/jsonl', 'ndjson'],
    ['application/rss+xml', 'xml'],
    ['text/xml; charset=iso-8859-1', 'xml'],
    ['text/plain', null],
    ['multipart/form-data; boundary=x', null],
  ])('%s → %s', (contentType, format) => {
    expect(bodyFormat(contentType)).toBe(format);
  });
});

describe('parseBody', () => {
  it('reads one JSON object as one record and an array as one record per element', () => {
    expect(parseBody('{"a":1}', 'json')).toEqual({ ok: true, records: [{ value: { a: 1 } }] });
    expect(parseBody('[{"a":1},2]', 'json')).toEqual({
      ok: true,
      records: [{ value: { a: 1 } }, { value: 2 }],
    });
  });

  it.each([['{"a":'], ['"just a string"'], ['42'], ['null']])(
    'fails the whole JSON body %j',
    (text) => {
      expect(parseBody(text, 'json').ok).toBe(false);
    },
  );

  it('reads NDJSON line by line: blank lines skipped, a bad line is one error record with its line number', () => {
    const r = parseBody('{"a":1}\r\n\n{oops\n  {"b":2}  \n', 'ndjson');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.records).toHaveLength(3);
    expect(r.records[0]).toEqual({ value: { a: 1 }, line: 1 });
    expect(r.records[1]).toMatchObject({
      line: 3,
      raw: '{oops',
      error: { path: '', reason: 'malformed_json' },
    });
    expect(r.records[2]).toEqual({ value: { b: 2 }, line: 4 });
  });
});

describe('expandPayload', () => {
  it('hands a native JSON body to its adapter whole', () => {
    const body = JSON.stringify({
      kind: 'Listing',
      data: {
        children: [
          { kind: 't3', data: { name: 't3_a' } },
          { kind: 't3', data: { name: 't3_b' } },
        ],
      },
    });
    const r = expandPayload(body, 'json', 'reddit');
    expect(r.ok && r.entries.length).toBe(2);
  });

  it('hands each NDJSON line to the adapter and keeps line numbers', () => {
    const r = expandPayload('{"platform":"x"}\nnot json\n{"platform":"y"}', 'ndjson', 'generic');
    expect(r.ok && r.entries.map((e) => [e.line, 'error' in e.entry])).toEqual([
      [1, false],
      [2, true],
      [3, false],
    ]);
  });

  it('wants XML for feeds and JSON for everything else', () => {
    expect(expandPayload('{}', 'json', 'feed').ok).toBe(false);
    expect(expandPayload('<rss/>', 'xml', 'x').ok).toBe(false);
    expect(expandPayload('<html/>', 'xml', 'feed')).toMatchObject({
      ok: false,
      message: expect.stringContaining('RSS'),
    });
  });
});
