/**
 * Feed bytes to text, and the dates feeds write: the parts of reading a
 * feed that XML parsers leave to the caller.
 */

export type DecodedFeed =
  { ok: true; text: string; encoding: string } | { ok: false; message: string };

const DECLARATION = /^<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/;

/** The charset parameter of a Content-Type header, if any. */
export function charsetOf(contentType: string | undefined): string | undefined {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  return m?.[1];
}

function decoder(
  label: string,
  fatal: boolean,
): { decode(bytes: Uint8Array): string; encoding: string } | undefined {
  try {
    return new TextDecoder(label, { fatal });
  } catch {
    return undefined;
  }
}

/**
 * Decodes a feed as XML readers do (RFC 7303): a byte-order mark wins, then
 * the HTTP charset, then the XML declaration's encoding, then UTF-8. A
 * declared encoding is trusted; bytes that are not UTF-8 when nothing was
 * declared are read as Windows-1252 (the WHATWG default for legacy
 * documents, and what feed readers do), so a Latin-1 feed served without a
 * charset still reads right. A body that claims UTF-8 and is not is refused:
 * guessing there would garble the text silently.
 */
export function decodeFeedBytes(bytes: Uint8Array, httpCharset?: string): DecodedFeed {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return decodeAs(bytes.subarray(3), 'utf-8', 'a UTF-8 byte-order mark');
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return decodeAs(bytes.subarray(2), 'utf-16le', 'a UTF-16LE byte-order mark');
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return decodeAs(bytes.subarray(2), 'utf-16be', 'a UTF-16BE byte-order mark');
  if (httpCharset) return decodeAs(bytes, httpCharset, `the HTTP charset "${httpCharset}"`);
  const head = Buffer.from(bytes.subarray(0, 200)).toString('latin1');
  const declared = DECLARATION.exec(head)?.[1];
  if (declared) return decodeAs(bytes, declared, `the XML declaration's encoding "${declared}"`);
  const utf8 = decoder('utf-8', true)!;
  try {
    return { ok: true, text: utf8.decode(bytes), encoding: 'utf-8' };
  } catch {
    return {
      ok: true,
      text: fixCp1252(decoder('windows-1252', false)!.decode(bytes)),
      encoding: 'windows-1252',
    };
  }
}

// Windows-1252's 0x80–0x9F (€, curly quotes, dashes…). Node's TextDecoder reads the
// windows-1252 family (iso-8859-1, latin1 too) as plain Latin-1, leaving C1 controls there.
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
const C1 = /[\u0080-\u009f]/g;

function fixCp1252(text: string): string {
  return text.replace(C1, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!);
}

function decodeAs(bytes: Uint8Array, label: string, why: string): DecodedFeed {
  const d = decoder(label, true);
  if (!d) return { ok: false, message: `feed encoding "${label}" (from ${why}) is not supported` };
  try {
    const text = d.decode(bytes);
    return {
      ok: true,
      text: d.encoding === 'windows-1252' ? fixCp1252(text) : text,
      encoding: d.encoding,
    };
  } catch {
    return {
      ok: false,
      message: `feed bytes are not valid ${d.encoding}, the encoding given by ${why}`,
    };
  }
}

// Day and month names of the languages feeds are most often written in, to
// their English RFC 822 form. Keys are folded (lower case, no accents, no dot).
const MONTHS: Record<string, string> = {};
const DAYS = new Set<string>();
function names(list: string, into: (name: string, i: number) => void): void {
  list.split(' ').forEach((group, i) => group.split('|').forEach((n) => into(n, i)));
}
const EN_MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];
for (const list of [
  // Portuguese
  'jan|janeiro fev|fevereiro mar|marco abr|abril mai|maio jun|junho jul|julho ago|agosto set|setembro out|outubro nov|novembro dez|dezembro',
  // Spanish
  'ene|enero feb|febrero mar|marzo abr|abril may|mayo jun|junio jul|julio ago|agosto sep|sept|septiembre oct|octubre nov|noviembre dic|diciembre',
  // French
  'janv|janvier fevr|fev|fevrier mars avr|avril mai juin juil|juillet aout sept|septembre oct|octobre nov|novembre dec|decembre',
  // German
  'jan|januar|jaen|jaenner|janner feb|februar maerz|marz|mrz|maer apr|april mai jun|juni jul|juli aug|august sep|sept|september okt|oktober nov|november dez|dezember',
  // Italian
  'gen|gennaio feb|febbraio mar|marzo apr|aprile mag|maggio giu|giugno lug|luglio ago|agosto set|settembre ott|ottobre nov|novembre dic|dicembre',
  // Dutch
  'jan|januari feb|februari mrt|maart apr|april mei jun|juni jul|juli aug|augustus sep|september okt|oktober nov|november dec|december',
]) {
  names(list, (n, i) => {
    MONTHS[n] ??= EN_MONTHS[i]!;
  });
}
names(
  // pt, es, fr, de, it, nl weekday names and abbreviations
  'seg|segunda ter|terca qua|quarta qui|quinta sex|sexta sab|sabado dom|domingo lun|lunes mar|martes mie|miercoles jue|jueves vie|viernes lundi mardi mercredi jeudi vendredi samedi dimanche mo|mon|montag di|die|dienstag mi|mit|mittwoch do|don|donnerstag fr|fre|freitag sa|sam|samstag so|son|sonntag lunedi martedi mer|mercoledi gio|giovedi ven|venerdi sabato domenica ma|maandag wo|woensdag vr|vrijdag za|zaterdag zo|zondag',
  (n) => DAYS.add(n),
);
for (const m of EN_MONTHS) MONTHS[m.toLowerCase()] = m;

function fold(word: string): string {
  return word
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/\.$/, '');
}

/**
 * Epoch ms of a feed date: ISO-8601 and RFC 822 as JavaScript reads them,
 * and RFC 822 written with localised day and month names ("Seg, 24 Set
 * 2018 19:42:40 -0300", "Mi, 3. Jan 2018"), which some publishers send.
 */
export function parseFeedDate(s: string): number | undefined {
  const direct = Date.parse(s);
  if (!Number.isNaN(direct)) return direct;
  let changed = false;
  let seenDigit = false;
  const words = s
    .replace(/(\d+)\./g, '$1')
    .split(/(\s+|,)/)
    .map((w) => {
      if (/\d/.test(w)) seenDigit = true;
      if (!/\p{L}/u.test(w)) return w;
      const f = fold(w);
      // A weekday leads the date; after the day of month "mar" or "mai" is a month.
      if (!seenDigit && DAYS.has(f)) {
        changed = true;
        return '';
      }
      const month = MONTHS[f];
      if (month) {
        changed = true;
        return month;
      }
      return w;
    });
  if (!changed) return undefined;
  const english = words
    .join('')
    .replace(/^[\s,]+/, '')
    .trim();
  const ms = Date.parse(english);
  return Number.isNaN(ms) ? undefined : ms;
}
