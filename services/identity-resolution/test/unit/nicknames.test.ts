import { describe, expect, it } from 'vitest';
import {
  areNicknames,
  nameGroups,
  nameVariants,
  nicknameTableSize,
} from '../../src/domain/nicknames.ts';

describe('nicknames', () => {
  it.each([
    ['bob', 'robert', true],
    ['bill', 'william', true],
    ['liz', 'elizabeth', true],
    ['peggy', 'margaret', true],
    ['rob', 'bobby', true],
    ['sasha', 'alexander', true],
    ['pepe', 'jose', true],
    ['pepe', 'joseph', true],
    ['misha', 'mikhail', true],
    ['jane', 'john', false],
    ['robert', 'robert', false],
    ['xavier', 'javier', false],
  ])('%s ~ %s is %s', (a, b, expected) => {
    expect(areNicknames(a, b)).toBe(expected);
    expect(areNicknames(b, a)).toBe(expected);
  });

  it('puts a short form in every group it belongs to', () => {
    expect(nameGroups('alex')).toEqual(
      expect.arrayContaining(['alex', 'alexander', 'alexandra', 'alexis']),
    );
    expect(nameGroups('zebulon')).toEqual(['zebulon']);
  });

  it('lists the variants of a formal name for handle patterns', () => {
    expect(nameVariants('robert')).toEqual(
      expect.arrayContaining(['robert', 'bob', 'bobby', 'rob', 'robbie']),
    );
  });

  it('knows a few hundred names', () => {
    expect(nicknameTableSize()).toBeGreaterThan(300);
  });

  it.each([
    ['robby', 'robert'],
    ['eddy', 'edward'],
    ['willie', 'william'],
    ['georgie', 'george'],
    ['flossy', 'florence'],
  ])('the public list adds diminutives the own table lacks: %s ~ %s', (a, b) => {
    expect(areNicknames(a, b)).toBe(true);
  });

  it('a name the own table lacks is blocked under the formal names the public list gives it', () => {
    expect(nameGroups('robby')).toEqual(expect.arrayContaining(['robby', 'robert']));
  });

  it('a name the own table knows keeps its own groups, however many the public list gives it', () => {
    expect(nameGroups('john')).toEqual(['john']);
    expect(nameVariants('john')).not.toContain('jock');
  });
});
