import { describe, expect, it } from 'vitest';
import { parseGazetteer, sharedArea, type Gazetteer } from '../../src/domain/gazetteer.ts';

/** A small hierarchy in the committed file's format (kind, parent line, names). */
const TEXT = `# test hierarchy
N\t-1\tengland
R\t0\tnorth west
C\t1\tcumbria|cumbria county
D\t2\twestmorland and furness
D\t3\tsouth lakeland|south lakeland district
T\t3\tkendal
T\t3\twindermere
D\t2\tcumberland
T\t7\tcarlisle
R\t0\tlondon
C\t9\tgreater london
D\t10\tsouthwark
T\t11\tsouthwark|peckham
T\t10\tnewport
C\t1\tisle of wight
T\t14\tnewport
D\t2\tbath and north east somerset
T\t16\tbath
`;
const g: Gazetteer = parseGazetteer(TEXT);
const named = (words: string): string[] =>
  g.placesIn(words).map((n) => `${g.kind(n)}:${g.name(n)}`);
const areaNames = (words: string): string[] => [...g.areasOf(words)].map((n) => g.name(n));

describe('gazetteer lookups', () => {
  it('reads every node with its kind, parent and names', () => {
    expect(g.size).toBe(18);
    expect(g.kind(5)).toBe('town');
    expect(g.name(g.parent(5))).toBe('westmorland and furness');
    expect(g.nodesNamed('cumbria county')).toEqual([2]);
  });

  it('a name shared by several places names all of them', () => {
    expect(named('newport')).toEqual(['town:newport', 'town:newport']);
    expect(named('southwark')).toEqual(['district:southwark', 'town:southwark']);
  });

  it('reads the longest name first, so a district is not taken for the towns in its name', () => {
    expect(named('bath and north east somerset')).toEqual([
      'district:bath and north east somerset',
    ]);
    expect(named('kendal cumbria uk')).toEqual(['town:kendal', 'county:cumbria']);
    expect(named('somewhere else')).toEqual([]);
  });

  it('a place lies in its district and county, not in a region or nation (those are compared apart)', () => {
    expect(areaNames('kendal')).toEqual(['cumbria', 'westmorland and furness', 'kendal']);
    expect(areaNames('south lakeland')).toEqual([
      'cumbria',
      'westmorland and furness',
      'south lakeland',
    ]);
    expect(areaNames('north west')).toEqual([]);
    expect(areaNames('')).toEqual([]);
  });

  it('the shared area is the one with the fewest customers in it', () => {
    const counts = new Int32Array(g.size);
    counts[2] = 50; // cumbria
    counts[3] = 20; // westmorland and furness
    counts[5] = 5; // kendal
    const kendal = g.areasOf('kendal');
    const lakeland = g.areasOf('south lakeland');
    expect(sharedArea(kendal, lakeland, counts)).toBe(3);
    expect(sharedArea(kendal, g.areasOf('carlisle'), counts)).toBe(2);
    expect(sharedArea(kendal, g.areasOf('peckham'), counts)).toBe(-1);
    // An area nobody in the CRM lies in does not count.
    expect(sharedArea(g.areasOf('southwark'), g.areasOf('peckham'), counts)).toBe(-1);
  });

  it('a file whose parent comes after its child, or with an unknown kind, is refused', () => {
    expect(() => parseGazetteer('T\t1\tkendal\nC\t-1\tcumbria\n')).toThrow(/line 1/);
    expect(() => parseGazetteer('X\t-1\tsomewhere\n')).toThrow(/line 1/);
  });

  it('the empty gazetteer names nothing', async () => {
    const { Gazetteer } = await import('../../src/domain/gazetteer.ts');
    expect(Gazetteer.EMPTY.placesIn('kendal')).toEqual([]);
    expect(Gazetteer.EMPTY.areasOf('kendal').length).toBe(0);
  });
});
