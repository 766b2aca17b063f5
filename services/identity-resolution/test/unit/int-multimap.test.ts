import { describe, expect, it } from 'vitest';
import { IntMultiMap, hashKey } from '../../src/domain/int-multimap.ts';

const values = (m: IntMultiMap, key: number) => {
  const out: number[] = [];
  m.forEach(key, (v) => out.push(v));
  return out.sort((a, b) => a - b);
};

describe('IntMultiMap', () => {
  it('groups bulk pairs by key after build, and sees later additions at once', () => {
    const m = new IntMultiMap();
    for (let i = 0; i < 10_000; i++) m.addBulk(i % 97, i);
    m.build();
    expect(m.count(5)).toBe(104);
    expect(values(m, 5).slice(0, 3)).toEqual([5, 102, 199]);
    m.add(5, 1_000_000);
    m.add(12_345, 7);
    expect(m.count(5)).toBe(105);
    expect(values(m, 12_345)).toEqual([7]);
    expect(m.count(424_242)).toBe(0);
  });

  it('when a block is larger than the cap, it reports the size and visits nothing', () => {
    const m = new IntMultiMap();
    for (let i = 0; i < 50; i++) m.addBulk(1, i);
    m.build();
    let visited = 0;
    expect(m.forEachUpTo(1, 10, () => visited++)).toBe(50);
    expect(visited).toBe(0);
    expect(m.forEachUpTo(1, 50, () => visited++)).toBe(50);
    expect(visited).toBe(50);
  });

  it('after a build, every key of many finds exactly its values, the last key included', () => {
    const m = new IntMultiMap();
    const expected = new Map<number, number[]>();
    for (let i = 0; i < 20_000; i++) {
      const key = hashKey(`k|${i % 3001}`);
      m.addBulk(key, i);
      expected.set(key, [...(expected.get(key) ?? []), i]);
    }
    m.build();
    m.add(hashKey('k|3000'), 99_999);
    expected.get(hashKey('k|3000'))!.push(99_999);
    for (const [key, vs] of expected) expect(values(m, key)).toEqual(vs);
    expect(m.size).toBe(20_001);
    expect(m.count(hashKey('absent'))).toBe(0);
  });

  it('keeps pairs across rebuilds of overlay into the sorted arrays', () => {
    const m = new IntMultiMap();
    m.add(hashKey('p|JN|T'), 1);
    m.add(hashKey('p|JN|T'), 2);
    m.build();
    m.add(hashKey('p|JN|T'), 3);
    m.build();
    expect(values(m, hashKey('p|JN|T'))).toEqual([1, 2, 3]);
  });
});
