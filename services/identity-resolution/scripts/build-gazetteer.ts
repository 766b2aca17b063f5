/**
 * Builds data/gazetteer.tsv, the place hierarchy the location comparison
 * reads (UK: towns → district → county → region → nation; US: towns →
 * county → state → nation), from three public files (sources and licences
 * in data/README.md):
 *
 *   node --import tsx services/identity-resolution/scripts/build-gazetteer.ts \
 *     GB.txt uk_local_authorities_future.csv US.txt [out.tsv]
 *
 * GB.txt and US.txt are GeoNames' postal-code files (place, nation or state,
 * county); the CSV is mySociety's list of UK local authorities (district,
 * its county council, region, nation, centroid, the authority that replaced
 * a former one). Output: one node per line, `kind<TAB>parent<TAB>names`,
 * parent a line number among the data lines (-1 for none), names folded and
 * `|`-separated.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { normalizeWords } from '../src/domain/normalize.ts';

type Kind = 'N' | 'R' | 'C' | 'D' | 'T';
interface Node {
  kind: Kind;
  parent: number;
  names: Set<string>;
}

const [geonamesPath, laPath, usPath, outArg] = process.argv.slice(2);
if (!geonamesPath || !laPath || !usPath) {
  process.stderr.write(
    'usage: build-gazetteer.ts GB.txt uk_local_authorities.csv US.txt [out.tsv]\n',
  );
  process.exit(2);
}
const outPath = outArg ?? fileURLToPath(new URL('../data/gazetteer.tsv', import.meta.url));

const nodes: Node[] = [];
const add = (kind: Kind, parent: number, names: Iterable<string>): number => {
  const set = new Set([...names].map((n) => normalizeWords(n)).filter((n) => n.length >= 2));
  nodes.push({ kind, parent, names: set });
  return nodes.length - 1;
};

// Nations and English regions.
const nation = new Map<string, number>();
for (const n of ['England', 'Scotland', 'Wales', 'Northern Ireland'])
  nation.set(n, add('N', -1, [n]));
interface LaRow {
  code: string;
  name: string;
  alt: string[];
  type: string;
  nation: string;
  region: string;
  countyLa: string;
  replacedBy: string;
  ended: boolean;
  lat: number;
  lon: number;
  /** Square kilometres. */
  area: number;
}
const laRows: LaRow[] = (
  parse(readFileSync(laPath), { columns: true, skip_empty_lines: true }) as Record<string, string>[]
).map((r) => ({
  code: r['local-authority-code']!,
  name: r['nice-name']!,
  alt: (r['alt-names'] ?? '').split(','),
  type: r['local-authority-type']!,
  nation: r.nation!,
  region: r.region!,
  countyLa: r['county-la'] ?? '',
  replacedBy: r['replaced-by'] ?? '',
  ended: (r['end-date'] ?? '') !== '',
  lat: Number(r.lat),
  lon: Number(r.long),
  area: Number(r.area) || 0,
}));
const region = new Map<string, number>();
for (const r of laRows) {
  if (r.nation === 'England' && r.region && !region.has(r.region)) {
    region.set(r.region, add('R', nation.get('England')!, [r.region]));
  }
}
const areaOf = (r: { nation: string; region: string }): number =>
  region.get(r.region) ?? nation.get(r.nation) ?? -1;

// GeoNames places: name, nation (admin1), county (admin2), position.
interface Place {
  name: string;
  nation: string;
  county: string;
  lat: number;
  lon: number;
}
const places: Place[] = [];
for (const line of readFileSync(geonamesPath, 'utf8').split('\n')) {
  const f = line.split('\t');
  if (f.length < 11 || !f[3] || !f[5]) continue;
  places.push({ name: f[2]!, nation: f[3], county: f[5], lat: Number(f[9]), lon: Number(f[10]) });
}

const dist2 = (a: { lat: number; lon: number }, b: { lat: number; lon: number }): number => {
  const dx = (a.lon - b.lon) * Math.cos((a.lat * Math.PI) / 180);
  const dy = a.lat - b.lat;
  return dx * dx + dy * dy;
};

/** The GeoNames county most of the 15 places nearest a point lie in. */
function countyNear(p: { lat: number; lon: number }): string {
  const near = [...places].sort((a, b) => dist2(a, p) - dist2(b, p)).slice(0, 15);
  const votes = new Map<string, number>();
  for (const x of near) votes.set(x.county, (votes.get(x.county) ?? 0) + 1);
  return [...votes].sort((a, b) => b[1] - a[1])[0]![0];
}

/** "City of Bristol", "Bristol, City of", "County of Bristol" → "bristol". */
const core = (name: string): string =>
  normalizeWords(name)
    .replace(/^(the |city of |county of |city and county of )/, '')
    .replace(/( city of| city| county| council)$/, '');

// Counties: GeoNames' counties, and the county councils of two-tier districts
// ("Cumbria County" is GeoNames' "Cumbria").
const county = new Map<string, number>();
const countyNode = (name: string, r: { nation: string; region: string }): number => {
  const key = core(name);
  let id = county.get(key);
  if (id === undefined) {
    id = add('C', areaOf(r), [name]);
    county.set(key, id);
  } else {
    nodes[id]!.names.add(normalizeWords(name));
  }
  return id;
};
const byCode = new Map(laRows.map((r) => [r.code, r]));
// A GeoNames county's region is the region of the authority nearest its places' middle.
const countyPlaces = new Map<string, Place[]>();
for (const p of places) {
  const list = countyPlaces.get(p.county) ?? [];
  list.push(p);
  countyPlaces.set(p.county, list);
}
const lowerTier = laRows.filter((r) => !['CTY', 'COMB', 'SRA'].includes(r.type));
const located = (r: LaRow): boolean => Number.isFinite(r.lat) && r.lat !== 0;
for (const [name, ps] of countyPlaces) {
  const mid = {
    lat: ps.reduce((s, p) => s + p.lat, 0) / ps.length,
    lon: ps.reduce((s, p) => s + p.lon, 0) / ps.length,
  };
  const nearest = [...lowerTier]
    .filter((r) => r.nation === ps[0]!.nation && located(r))
    .sort((a, b) => dist2(a, mid) - dist2(b, mid))[0];
  countyNode(name, nearest ?? { nation: ps[0]!.nation, region: '' });
}
for (const r of laRows) if (r.type === 'CTY') countyNode(r.name, r);
for (const r of laRows) {
  if (r.type !== 'CTY') continue;
  const id = county.get(core(r.name))!;
  for (const a of r.alt) if (!/council/.test(a)) nodes[id]!.names.add(normalizeWords(a));
}

// Districts: every lower-tier or unitary authority, under its county council
// or, for unitary ones, the county most places around it lie in.
const district = new Map<string, number>();
const countyOfDistrict = new Map<string, number>();
const byReplacement = (r: LaRow): number | undefined =>
  r.replacedBy
    .split(',')
    .map((c) => countyOfDistrict.get(c))
    .find((c) => c !== undefined);
for (const r of [...lowerTier].sort((a, b) => Number(located(b)) - Number(located(a)))) {
  const named = [r.name, ...r.alt].map(core).find((n) => county.has(n));
  const c =
    r.countyLa && byCode.get(r.countyLa)
      ? countyNode(byCode.get(r.countyLa)!.name, r)
      : named !== undefined
        ? county.get(named)!
        : located(r)
          ? countyNode(countyNear(r), r)
          : (byReplacement(r) ?? areaOf(r));
  countyOfDistrict.set(r.code, c);
}
for (const r of lowerTier.filter((x) => !x.ended)) {
  district.set(r.code, add('D', countyOfDistrict.get(r.code)!, [r.name, ...r.alt]));
}
// A former authority lies inside the one that replaced it (when one did).
for (const r of lowerTier.filter((x) => x.ended)) {
  const by = r.replacedBy.split(',').filter(Boolean);
  const parent =
    by.length === 1 && district.has(by[0]!) ? district.get(by[0]!)! : countyOfDistrict.get(r.code)!;
  district.set(r.code, add('D', parent, [r.name, ...r.alt]));
}

// Towns: under the district of their county that bears their name, else under
// the nearest current district of their county when the town lies within that
// district's radius (from its area) and clearly nearer to it than to the next
// one (centroids are a rough guide near a border), else under the county.
const districtsOfCounty = new Map<number, LaRow[]>();
// The City of London (3 km²) is left out: its centroid and name ("London") would
// take in towns of the boroughs around it.
for (const r of lowerTier.filter((x) => !x.ended && located(x) && x.type !== 'CC')) {
  const c = countyOfDistrict.get(r.code)!;
  districtsOfCounty.set(c, [...(districtsOfCounty.get(c) ?? []), r]);
}
const seen = new Set<string>();
for (const p of places) {
  const c = county.get(core(p.county))!;
  const key = `${normalizeWords(p.name)}|${c}`;
  if (seen.has(key)) continue;
  seen.add(key);
  const ds = [...(districtsOfCounty.get(c) ?? [])].sort((a, b) => dist2(a, p) - dist2(b, p));
  const own = ds.find((d) => [d.name, ...d.alt].some((n) => core(n) === core(p.name)));
  // Degrees² of latitude for the district's radius: 1° ≈ 111 km.
  const within = (d: LaRow): boolean => dist2(d, p) < d.area / Math.PI / 111 ** 2;
  let parent = c;
  if (own) parent = district.get(own.code)!;
  else if (ds.length === 1) parent = district.get(ds[0]!.code)!;
  else if (ds.length > 1 && within(ds[0]!) && dist2(ds[0]!, p) < 0.5 * dist2(ds[1]!, p)) {
    parent = district.get(ds[0]!.code)!;
  }
  add('T', parent, p.name.split('/'));
}

// United States: towns under their county, counties under their state.
const usa = add('N', -1, ['United States']);
const states = new Map<string, number>();
const usCounties = new Map<string, number>();
const usTowns = new Set<string>();
for (const line of readFileSync(usPath, 'utf8').split('\n')) {
  const f = line.split('\t');
  const [town, stateName, stateCode, countyName] = [f[2], f[3], f[4], f[5]];
  if (!town || !stateName || !stateCode || !countyName) continue;
  let state = states.get(stateCode);
  if (state === undefined) {
    state = add('R', usa, [stateName, stateCode]);
    states.set(stateCode, state);
  }
  const countyKey = `${stateCode}|${countyName}`;
  let c = usCounties.get(countyKey);
  if (c === undefined) {
    c = add('C', state, [countyName, `${countyName} County`]);
    usCounties.set(countyKey, c);
  }
  const townKey = `${normalizeWords(town)}|${c}`;
  if (!usTowns.has(townKey)) {
    usTowns.add(townKey);
    add('T', c, [town]);
  }
}

const header = [
  '# UK and US place hierarchy for identity-resolution (see data/README.md): kind, parent line, names.',
  '# Built by scripts/build-gazetteer.ts from GeoNames postal codes GB and US (CC BY 4.0)',
  '# and mySociety uk_local_authority_names_and_codes (MIT).',
];
const lines = nodes.map((n) => `${n.kind}\t${n.parent}\t${[...n.names].join('|')}`);
writeFileSync(outPath, `${header.join('\n')}\n${lines.join('\n')}\n`);
const kinds = new Map<Kind, number>();
for (const n of nodes) kinds.set(n.kind, (kinds.get(n.kind) ?? 0) + 1);
process.stdout.write(
  `${nodes.length} nodes ${JSON.stringify(Object.fromEntries(kinds))} → ${outPath}\n`,
);
