import { describe, expect, it } from 'vitest';
import { cleanLang, fitText } from '../../../src/domain/platforms/types.ts';
import { expandLinkFacets } from '../../../src/domain/platforms/bluesky.ts';
import { unescapeXText } from '../../../src/domain/platforms/x.ts';

describe('cleanLang', () => {
  it.each([
    ['in', 'id'],
    ['iw', 'he'],
    ['ji', 'yi'],
    ['in-ID', 'id-ID'],
    ['pt-BR', 'pt-BR'],
    ['und', null],
    ['qme', null],
    ['qst', null],
    ['zxx', null],
    ['', null],
  ])('%s → %s', (input, out) => {
    expect(cleanLang(input)).toBe(out);
  });
});

describe('fitText', () => {
  it('keeps a text within the limit as it is', () => {
    expect(fitText('Acme rocks', 100)).toBe('Acme rocks');
  });

  it('cuts a longer text at a word boundary with an ellipsis, counting code points', () => {
    const cut = fitText(`${'word '.repeat(40)}end`, 100);
    expect(cut.endsWith('…')).toBe(true);
    expect(Array.from(cut).length).toBeLessThanOrEqual(100);
    expect(cut).toMatch(/word…$/);
    const emoji = fitText('😀'.repeat(150), 100);
    expect(Array.from(emoji)).toHaveLength(100);
  });
});

describe('unescapeXText', () => {
  it('undoes exactly the three escapes X applies', () => {
    expect(unescapeXText('a &amp; b &lt;3 &gt; &quot;q&quot; &amp;amp;')).toBe(
      'a & b <3 > &quot;q&quot; &amp;',
    );
  });
});

describe('expandLinkFacets', () => {
  const link = (byteStart: number, byteEnd: number, uri: string) => ({
    index: { byteStart, byteEnd },
    features: [{ $type: 'app.bsky.richtext.facet#link', uri }],
  });

  it('replaces a shortened link by its URL, counting UTF-8 bytes', () => {
    const text = 'é see acme.com/out... now';
    const start = Buffer.byteLength('é see ');
    const end = start + Buffer.byteLength('acme.com/out...');
    expect(expandLinkFacets(text, [link(start, end, 'https://acme.com/outage/2026')])).toBe(
      'é see https://acme.com/outage/2026 now',
    );
  });

  it('keeps words that carry a link (not a short form of it)', () => {
    expect(expandLinkFacets('read this', [link(5, 9, 'https://example.com/x')])).toBe('read this');
  });

  it('ignores facets out of range or overlapping', () => {
    expect(expandLinkFacets('short', [link(2, 50, 'https://x.example')])).toBe('short');
  });
});
