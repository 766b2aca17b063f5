import { describe, expect, it } from 'vitest';
import { loadGazetteer } from '../../src/adapters/gazetteer-file.ts';

const g = loadGazetteer();
/** The names of the towns, districts and counties a place lies in. */
const areas = (place: string): string[] => [...g.areasOf(place)].map((n) => g.name(n));

describe('the committed UK and US gazetteer', () => {
  it('holds the UK’s nations, English regions, counties, districts and towns, and the US states, counties and towns', () => {
    const kinds = new Map<string, number>();
    for (let n = 0; n < g.size; n++) kinds.set(g.kind(n), (kinds.get(g.kind(n)) ?? 0) + 1);
    expect(kinds.get('nation')).toBe(5);
    expect(kinds.get('region')).toBeGreaterThan(9 + 50);
    expect(kinds.get('county')).toBeGreaterThan(90 + 3000);
    expect(kinds.get('district')).toBeGreaterThan(350);
    expect(kinds.get('town')).toBeGreaterThan(50_000);
  });

  it('a town lies in its district and county', () => {
    expect(areas('kendal')).toEqual(
      expect.arrayContaining(['kendal', 'westmorland and furness', 'cumbria']),
    );
    expect(areas('huddersfield')).toEqual(
      expect.arrayContaining(['huddersfield', 'kirklees', 'west yorkshire']),
    );
    expect(areas('peckham')).toContain('greater london');
  });

  it('a former district lies in the authority that replaced it', () => {
    expect(areas('south lakeland')).toEqual(
      expect.arrayContaining(['south lakeland', 'westmorland and furness', 'cumbria']),
    );
  });

  it('a London borough lies in Greater London, whatever the borough is called', () => {
    expect(areas('southwark')).toContain('greater london');
    expect(areas('london borough of lambeth')).toContain('greater london');
  });

  it('counties are found under their other names', () => {
    expect(areas('cumbria county')).toEqual(['cumbria']);
  });

  it('a US town lies in its county, and the state it is named with picks the place', () => {
    const us = (place: string, state: string) =>
      [...g.areasOf(place, new Set(['us']), new Set([state]))].map((n) => g.name(n));
    expect(us('santa monica', 'ca')).toEqual(expect.arrayContaining(['los angeles']));
    expect(us('beaverton', 'or')).toEqual(['washington', 'beaverton']);
    expect(us('portland', 'me')).not.toContain('multnomah');
    expect(us('boston', 'ma')).not.toContain('lincolnshire');
  });
});
