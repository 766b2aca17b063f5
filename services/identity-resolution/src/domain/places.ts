import { normalizeWords } from './normalize.ts';

/** Country names and common aliases → ISO 3166-1 alpha-2 (lower case). */
const COUNTRIES = `
us: united states, united states of america, usa, america, u s a, u s
gb: united kingdom, uk, great britain, britain, england, scotland, wales, northern ireland
ie: ireland, eire
fr: france
de: germany, deutschland
es: spain, espana
it: italy, italia
pt: portugal
nl: netherlands, the netherlands, holland, nederland
be: belgium, belgique, belgie
ch: switzerland, schweiz, suisse, svizzera
at: austria, osterreich
se: sweden, sverige
no: norway, norge
dk: denmark, danmark
fi: finland, suomi
is: iceland
pl: poland, polska
cz: czech republic, czechia
sk: slovakia
hu: hungary
ro: romania
bg: bulgaria
gr: greece
tr: turkey, turkiye
ru: russia
ua: ukraine
ca: canada
mx: mexico
br: brazil, brasil
ar: argentina
cl: chile
co: colombia
pe: peru
au: australia
nz: new zealand
jp: japan
cn: china
kr: south korea, korea
in: india
sg: singapore
za: south africa
ng: nigeria
ke: kenya
eg: egypt
ma: morocco
il: israel
ae: united arab emirates, uae
sa: saudi arabia
ph: philippines
id: indonesia
my: malaysia
th: thailand
vn: vietnam
`;

/**
 * States, provinces and territories of the English-speaking countries that
 * use them in addresses (US, Canada, Australia; the UK, Ireland and New
 * Zealand write a town and a country): name → code (lower case). A code shared by two countries
 * (WA: Washington and Western Australia) is one code here: the customer's
 * country tells them apart when it matters.
 */
const REGIONS = `
al: alabama
ak: alaska
az: arizona
ar: arkansas
ca: california
co: colorado
ct: connecticut
de: delaware
fl: florida
ga: georgia
hi: hawaii
id: idaho
il: illinois
in: indiana
ia: iowa
ks: kansas
ky: kentucky
la: louisiana
me: maine
md: maryland
ma: massachusetts
mi: michigan
mn: minnesota
ms: mississippi
mo: missouri
mt: montana
ne: nebraska
nv: nevada
nh: new hampshire
nj: new jersey
nm: new mexico
ny: new york
nc: north carolina
nd: north dakota
oh: ohio
ok: oklahoma
or: oregon
pa: pennsylvania
ri: rhode island
sc: south carolina
sd: south dakota
tn: tennessee
tx: texas
ut: utah
vt: vermont
va: virginia
wa: washington
wv: west virginia
wi: wisconsin
wy: wyoming
dc: district of columbia
on: ontario
qc: quebec
bc: british columbia
ab: alberta
mb: manitoba
sk: saskatchewan
ns: nova scotia
nb: new brunswick
nl: newfoundland
pe: prince edward island
yt: yukon
nt: northwest territories, northern territory
nu: nunavut
nsw: new south wales
vic: victoria
qld: queensland
wa: western australia
sa: south australia
tas: tasmania
act: australian capital territory
pr: puerto rico
gu: guam
vi: virgin islands
`;

/**
 * Short codes that are a region far more often than a country in a profile
 * location ("Adelaide, SA" is South Australia, not Saudi Arabia; "Denver, CO"
 * is Colorado): standing alone they count as the region only.
 */
const REGION_FIRST = new Set([
  'sa',
  'ca',
  'co',
  'de',
  'in',
  'id',
  'il',
  'ma',
  'ar',
  'pe',
  'ga',
  'al',
  'pa',
  'me',
  'mt',
  'nt',
]);

function parseTable(table: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of table.split('\n')) {
    const [code, names] = line.split(':');
    if (!code || names === undefined) continue;
    const c = code.trim();
    out.set(c, c);
    for (const n of names.split(',')) out.set(normalizeWords(n), c);
  }
  return out;
}

const countryByName = parseTable(COUNTRIES);
const regionByName = parseTable(REGIONS);

/** A country as stored in the index: its ISO code when known, else the folded text. */
export function canonicalCountry(s: string | null | undefined): string {
  const w = normalizeWords(s);
  return countryByName.get(w) ?? w;
}

/** A region as stored in the index: its code when known (California → ca), else the folded text. */
export function canonicalRegion(s: string | null | undefined): string {
  const w = normalizeWords(s);
  return regionByName.get(w) ?? w;
}

/** A free-text profile location, prepared once per author for matching against customers. */
export interface ParsedLocation {
  /** Folded words, space-separated and padded (` lyon france `), for phrase search. */
  padded: string;
  /** Country codes named anywhere (names, or codes standing alone in a comma segment). */
  countries: Set<string>;
  /** Region codes named anywhere (names, or codes standing alone in a comma segment or upper case). */
  regions: Set<string>;
  /** Folded comma-separated parts ("leeds", "west yorkshire"), for fuzzy town comparison. */
  segments: string[];
}

/** Parses "Portland, OR", "Lyon 🇫🇷 France", "NYC / Brooklyn". Null when empty. */
export function parseLocation(raw: string | null | undefined): ParsedLocation | null {
  if (!raw) return null;
  const words = normalizeWords(raw);
  if (!words) return null;
  const padded = ` ${words} `;
  const countries = new Set<string>();
  const regions = new Set<string>();
  const tokens = words.split(' ');
  // Multi-word names: try every 1..4-word window.
  for (let i = 0; i < tokens.length; i++) {
    let phrase = '';
    for (let j = i; j < Math.min(tokens.length, i + 4); j++) {
      phrase = phrase ? `${phrase} ${tokens[j]}` : tokens[j]!;
      if (phrase.length <= 3) continue; // short codes only count when they stand alone, below
      const c = countryByName.get(phrase);
      if (c) countries.add(c);
      const r = regionByName.get(phrase);
      if (r) regions.add(r);
    }
  }
  // Short codes ("OR", "UK", "NSW") count only as a whole comma segment or in upper case,
  // so the words "in", "me" or "or" never name a state.
  for (const segment of raw.split(/[,/|]/)) {
    const seg = segment.trim();
    for (const tok of seg.split(/\s+/)) {
      const isCode = seg === tok || (/^[A-Z]{2,3}$/.test(tok) && tok !== 'I');
      if (!isCode) continue;
      const w = normalizeWords(tok);
      if (w.length < 2 || w.length > 3) continue;
      const r = regionByName.get(w);
      if (r) regions.add(r);
      const c = countryByName.get(w);
      if (c && !(r && REGION_FIRST.has(w))) countries.add(c);
    }
  }
  const segments = raw
    .split(/[,/|;]/)
    .map((x) => normalizeWords(x))
    .filter((x) => x.length >= 3);
  return { padded, countries, regions, segments };
}

/** True when the folded phrase (a city, `new york`) appears as whole words in the location. */
export function mentionsPlace(loc: ParsedLocation, place: string): boolean {
  return place.length > 1 && loc.padded.includes(` ${place} `);
}
