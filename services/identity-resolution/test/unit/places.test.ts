import { describe, expect, it } from 'vitest';
import {
  canonicalCountry,
  canonicalRegion,
  mentionsPlace,
  parseLocation,
} from '../../src/domain/places.ts';

describe('places', () => {
  it.each([
    ['Portland, OR', ['or'], ['or']],
    ['Lyon, France', [], []],
    ['living in the moment', [], []],
    ['Austin TX', ['tx'], []],
    ['New South Wales', ['nsw'], []],
    ['Adelaide, SA', ['sa'], ['sa']],
    ['Darwin, NT', ['nt'], []],
    ['Canberra, ACT', ['act'], []],
    ['Perth, WA', ['wa'], []],
    ['Hobart, Tasmania', ['tas'], []],
    ['Whitehorse, YT', ['yt'], []],
    ['Denver, CO', ['co'], ['co']],
  ])('parses %j', (raw, regions, notCountries) => {
    const loc = parseLocation(raw)!;
    for (const r of regions) expect(loc.regions.has(r), r).toBe(true);
    for (const c of notCountries) expect(loc.countries.has(c), c).toBe(false);
    expect(loc.regions.has('in')).toBe(false);
  });

  it('knows country names and codes', () => {
    expect(parseLocation('Lyon, France')!.countries.has('fr')).toBe(true);
    expect(parseLocation('London, UK')!.countries.has('gb')).toBe(true);
    expect(canonicalCountry('United States')).toBe('us');
    expect(canonicalCountry('Narnia')).toBe('narnia');
    expect(canonicalRegion('California')).toBe('ca');
  });

  it('keeps comma-separated parts for fuzzy town comparison', () => {
    expect(parseLocation('Leeds, West Yorkshire')!.segments).toEqual(['leeds', 'west yorkshire']);
    expect(parseLocation('Riyadh, Saudi Arabia')!.countries.has('sa')).toBe(true);
  });

  it('finds a city only as whole words', () => {
    const loc = parseLocation('New York City 🗽')!;
    expect(mentionsPlace(loc, 'new york')).toBe(true);
    expect(mentionsPlace(loc, 'york')).toBe(true);
    expect(mentionsPlace(parseLocation('Yorkshire')!, 'york')).toBe(false);
  });
});
