import { describe, expect, it } from 'vitest';
import { FieldReader } from '../../src/domain/fields.ts';

/** FieldReader.url before the canParse fast path: always a URL object. */
function referenceUrl(value: string): { url: string | null; reason: string | null } {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return { url: null, reason: 'invalid_value' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return { url: null, reason: 'invalid_value' };
  return { url: value, reason: null };
}

describe('FieldReader.url', () => {
  it.each([
    'https://x.com/jdoe/status/1',
    'http://example.com',
    'HTTPS://Example.com/a?b=c#d',
    'https://',
    'http://',
    'https://exa mple.com',
    'https://[::1',
    'https://[::1]:8080/x',
    'http:/example.com',
    'http:example.com',
    'https://a\tb.com',
    'https://xn--',
    'https://999.999.999.999',
    'https://ex%ample.com',
    'https://user:pass@host:99999',
    'https://host:65535/ok',
    'ftp://example.com',
    'javascript:alert(1)',
    'mailto:a@b.c',
    'example.com',
    '//example.com',
  ])('when the value is %j, it answers as a parsed URL would', (value) => {
    const r = new FieldReader();
    const got = r.url(value, 'url');
    const want = referenceUrl(value.trim());
    expect(got).toBe(want.url);
    expect(r.errors.map((e) => e.reason)).toEqual(want.reason ? [want.reason] : []);
  });
});
