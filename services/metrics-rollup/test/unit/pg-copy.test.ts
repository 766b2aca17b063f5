import { describe, expect, it } from 'vitest';
import { encodeCopyBinary, type CopyColumn } from '../../src/adapters/pg-copy.ts';

interface Row {
  id: string | null;
  at: number;
  n: number;
  x: number;
  ok: boolean;
  tags: string[];
}

const COLUMNS: CopyColumn<Row>[] = [
  { name: 'id', kind: 'text', get: (r) => r.id },
  { name: 'at', kind: 'ms', get: (r) => r.at },
  { name: 'n', kind: 'int', get: (r) => r.n },
  { name: 'x', kind: 'float', get: (r) => r.x },
  { name: 'ok', kind: 'bool', get: (r) => r.ok },
  { name: 'tags', kind: 'list', get: () => null, items: (r) => r.tags },
];

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('binary COPY payload', () => {
  it('header, one tuple of every kind, trailer, byte for byte', () => {
    const payload = encodeCopyBinary(COLUMNS, [
      { id: 'é', at: 946_684_800_001, n: -2, x: 0.5, ok: true, tags: ['a'] },
    ]);
    expect(payload).toEqual(
      hex(`
        5047434f50590aff0d0a00 00000000 00000000
        0006
        00000002 c3a9
        00000008 00000000000003e8
        00000008 fffffffffffffffe
        00000008 3fe0000000000000
        00000001 01
        00000019 00000001 00000000 00000019 00000001 00000001 00000001 61
        ffff`),
    );
  });

  it('a null is length -1, an empty list has no dimensions, NUL is dropped from text', () => {
    const payload = encodeCopyBinary(COLUMNS, [
      { id: null, at: 946_684_800_000, n: 0, x: 0, ok: false, tags: [] },
      { id: 'a\u0000b', at: 946_684_800_000, n: 0, x: 0, ok: false, tags: [] },
    ]);
    const tuple = (id: string) => `0006 ${id}
        00000008 0000000000000000 00000008 0000000000000000 00000008 0000000000000000 00000001 00
        0000000c 00000000 00000000 00000019`;
    expect(payload).toEqual(
      hex(`5047434f50590aff0d0a00 00000000 00000000
        ${tuple('ffffffff')} ${tuple('00000002 6162')} ffff`),
    );
  });

  it('grows past its first buffer and refuses a fraction in an integer column', () => {
    const big = 'x'.repeat(100_000);
    const payload = encodeCopyBinary(COLUMNS, [
      { id: big, at: 946_684_800_000, n: 1, x: 1, ok: true, tags: [big] },
    ]);
    expect(payload.length).toBeGreaterThan(200_000);
    expect(() =>
      encodeCopyBinary(COLUMNS, [
        { id: 'a', at: 946_684_800_000, n: 1.5, x: 1, ok: true, tags: [] },
      ]),
    ).toThrow(RangeError);
  });
});
