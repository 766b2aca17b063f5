import { describe, expect, it } from 'vitest';
import {
  charsetOf,
  decodeFeedBytes,
  parseFeedDate,
} from '../../../src/domain/platforms/feed-text.ts';

const latin1 = (s: string) => Buffer.from(s, 'latin1');

describe('decodeFeedBytes', () => {
  it.each([
    [
      'a UTF-8 BOM',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<rss>é</rss>')]),
      undefined,
      '<rss>é</rss>',
      'utf-8',
    ],
    [
      'a UTF-16LE BOM',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<rss>é</rss>', 'utf16le')]),
      undefined,
      '<rss>é</rss>',
      'utf-16le',
    ],
    [
      'the HTTP charset over the declaration',
      latin1('<?xml version="1.0" encoding="utf-8"?><rss>é</rss>'),
      'ISO-8859-1',
      '<?xml version="1.0" encoding="utf-8"?><rss>é</rss>',
      'windows-1252',
    ],
    [
      'the declaration without an HTTP charset',
      latin1("<?xml version='1.0' encoding='windows-1252'?><rss>\x80</rss>"),
      undefined,
      "<?xml version='1.0' encoding='windows-1252'?><rss>€</rss>",
      'windows-1252',
    ],
    [
      'UTF-8 when nothing is declared',
      Buffer.from('<rss>é</rss>'),
      undefined,
      '<rss>é</rss>',
      'utf-8',
    ],
    [
      'Windows-1252 when nothing is declared and the bytes are not UTF-8',
      latin1('<rss>caf\xe9 \x93x\x94</rss>'),
      undefined,
      '<rss>café “x”</rss>',
      'windows-1252',
    ],
  ])('decodes by %s', (_, bytes, charset, text, encoding) => {
    expect(decodeFeedBytes(bytes, charset)).toEqual({ ok: true, text, encoding });
  });

  it('refuses bytes that do not match the encoding they declare, naming where it came from', () => {
    expect(
      decodeFeedBytes(latin1('<?xml version="1.0" encoding="UTF-8"?><rss>caf\xe9</rss>')),
    ).toEqual({
      ok: false,
      message: `feed bytes are not valid utf-8, the encoding given by the XML declaration's encoding "UTF-8"`,
    });
    expect(decodeFeedBytes(Buffer.from('<rss/>'), 'x-klingon')).toMatchObject({
      ok: false,
      message: expect.stringContaining('"x-klingon"'),
    });
  });

  it('reads the charset parameter of a Content-Type', () => {
    expect(charsetOf('application/rss+xml; charset="ISO-8859-1"')).toBe('ISO-8859-1');
    expect(charsetOf('text/xml')).toBeUndefined();
    expect(charsetOf(undefined)).toBeUndefined();
  });
});

describe('parseFeedDate', () => {
  it.each([
    ['Seg, 24 Set 2018 19:42:40 -0300', '2018-09-24T22:42:40.000Z'],
    ['Mar, 05 Mar 2019 10:00:00 +0100', '2019-03-05T09:00:00.000Z'],
    ['Mi, 3. Jan 2018 10:00:00 +0100', '2018-01-03T09:00:00.000Z'],
    ['Do, 21 Mär 2019 10:00:00 +0100', '2019-03-21T09:00:00.000Z'],
    ['mer., 12 déc. 2018 08:00:00 +0100', '2018-12-12T07:00:00.000Z'],
    ['Sáb, 01 Dic 2018 10:00:00 GMT', '2018-12-01T10:00:00.000Z'],
    ['gio, 10 ott 2019 08:00:00 +0200', '2019-10-10T06:00:00.000Z'],
    ['Wed, 03 Jan 2018 13:47:00 GMT', '2018-01-03T13:47:00.000Z'],
    ['2017-06-15T10:29:47-07:00', '2017-06-15T17:29:47.000Z'],
  ])('reads "%s"', (input, iso) => {
    expect(new Date(parseFeedDate(input)!).toISOString()).toBe(iso);
  });

  it('gives nothing for what is not a date', () => {
    expect(parseFeedDate('yesterday-ish')).toBeUndefined();
    expect(parseFeedDate('')).toBeUndefined();
  });
});
