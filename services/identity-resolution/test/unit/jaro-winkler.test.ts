import { JaroWinklerDistance } from 'natural/lib/natural/distance/index.js';
import { describe, expect, it } from 'vitest';
import { jaroWinkler } from '../../src/domain/jaro-winkler.ts';

describe('jaroWinkler', () => {
  it.each([
    ['martha', 'marhta', 0.961],
    ['dwayne', 'duane', 0.84],
    ['dixon', 'dicksonx', 0.813],
    ['jane', 'jane', 1],
    ['', 'jane', 0],
    ['abc', 'xyz', 0],
  ])('%s vs %s is %f', (a, b, expected) => {
    expect(jaroWinkler(a, b)).toBeCloseTo(expected, 3);
  });

  it('agrees with natural on name pairs', () => {
    const names = [
      'johnson',
      'jonhson',
      'smith',
      'smyth',
      'catherine',
      'kathryn',
      'zywicki',
      'zywiki',
      'li',
      'lee',
    ];
    for (const a of names) {
      for (const b of names)
        expect(jaroWinkler(a, b), `${a}/${b}`).toBeCloseTo(JaroWinklerDistance(a, b), 10);
    }
  });
});
