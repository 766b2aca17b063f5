import { describe, expect, it } from 'vitest';
import { decodeEntities, htmlToText } from '../../src/domain/platforms/html-to-text.ts';

describe('htmlToText', () => {
  it.each([
    ['<p>one</p><p>two</p>', 'one\n\ntwo'],
    ['a<br>b<br/>c', 'a\nb\nc'],
    ['<p>x &amp; y &lt;3 &#39;q&#39; &#x1F600;</p>', "x & y <3 'q' 😀"],
    ['<script>alert(1)</script><style>p{}</style>kept', 'kept'],
    ['<!-- hidden --><b>bold</b>   and   <i>spaced</i>', 'bold and spaced'],
    ['no markup at all', 'no markup at all'],
    ['&unknown; stays', '&unknown; stays'],
    ['<ul><li>a</li><li>b</li></ul>', 'a\n\nb'],
  ])('%j → %j', (html, text) => {
    expect(htmlToText(html)).toBe(text);
  });

  it('refuses code points outside Unicode', () => {
    expect(decodeEntities('&#x110000; &#0;')).toBe('&#x110000; &#0;');
  });
});
