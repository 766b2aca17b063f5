import { describe, expect, it } from 'vitest';
import { COMPATIBILITY_LEVELS } from '../../src/domain/compatibility-level.ts';
import { checkCompatibility, findReadProblem } from '../../src/domain/compatibility.ts';
import { parseAvroSchema } from '../../src/domain/parse-schema.ts';

type Json = Record<string, unknown> | string | unknown[];
const type = (schema: Json) => parseAvroSchema(JSON.stringify(schema)).type;
const record = (fields: unknown[], extra: Record<string, unknown> = {}) => ({
  type: 'record',
  name: 'R',
  ...extra,
  fields,
});
const field = (name: string, t: unknown, extra: Record<string, unknown> = {}) => ({
  name,
  type: t,
  ...extra,
});
const enumOf = (symbols: string[], extra: Record<string, unknown> = {}) => ({
  type: 'enum',
  name: 'E',
  symbols,
  ...extra,
});

/**
 * BACKWARD: the new schema reads data written with the old one.
 * FORWARD: the old schema reads data written with the new one.
 * Expectations follow the Avro spec's resolution rules (and Confluent),
 * except the namespace row, where avsc is stricter on purpose (see
 * findReadProblem).
 */
const cases: { change: string; old: Json; next: Json; backward: boolean; forward: boolean }[] = [
  {
    change: 'identical schemas',
    old: record([field('a', 'int')]),
    next: record([field('a', 'int')]),
    backward: true,
    forward: true,
  },
  {
    change: 'a field added with a default',
    old: record([field('a', 'int')]),
    next: record([field('a', 'int'), field('b', 'string', { default: 'x' })]),
    backward: true,
    forward: true,
  },
  {
    change: 'a field added without a default',
    old: record([field('a', 'int')]),
    next: record([field('a', 'int'), field('b', 'string')]),
    backward: false,
    forward: true,
  },
  {
    change: 'a nullable field added with default null',
    old: record([field('a', 'int')]),
    next: record([field('a', 'int'), field('b', ['null', 'string'], { default: null })]),
    backward: true,
    forward: true,
  },
  {
    change: 'a field without a default removed',
    old: record([field('a', 'int'), field('b', 'string')]),
    next: record([field('a', 'int')]),
    backward: true,
    forward: false,
  },
  {
    change: 'a field with a default removed',
    old: record([field('a', 'int'), field('b', 'string', { default: 'x' })]),
    next: record([field('a', 'int')]),
    backward: true,
    forward: true,
  },
  {
    change: 'a field type changed from string to int',
    old: record([field('a', 'string')]),
    next: record([field('a', 'int')]),
    backward: false,
    forward: false,
  },
  {
    change: 'int promoted to long',
    old: record([field('a', 'int')]),
    next: record([field('a', 'long')]),
    backward: true,
    forward: false,
  },
  {
    change: 'long narrowed to int',
    old: record([field('a', 'long')]),
    next: record([field('a', 'int')]),
    backward: false,
    forward: true,
  },
  {
    change: 'int promoted to float and double',
    old: record([field('a', 'int'), field('b', 'float')]),
    next: record([field('a', 'float'), field('b', 'double')]),
    backward: true,
    forward: false,
  },
  {
    change: 'string changed to bytes',
    old: record([field('a', 'string')]),
    next: record([field('a', 'bytes')]),
    backward: true,
    forward: true,
  },
  {
    change: 'an enum symbol added',
    old: enumOf(['A', 'B']),
    next: enumOf(['A', 'B', 'C']),
    backward: true,
    forward: false,
  },
  {
    change: 'an enum symbol removed',
    old: enumOf(['A', 'B', 'C']),
    next: enumOf(['A', 'B']),
    backward: false,
    forward: true,
  },
  {
    change: 'an enum symbol added to an enum with a default',
    old: enumOf(['A', 'UNKNOWN'], { default: 'UNKNOWN' }),
    next: enumOf(['A', 'B', 'UNKNOWN'], { default: 'UNKNOWN' }),
    backward: true,
    forward: true,
  },
  {
    change: 'enum symbols reordered',
    old: enumOf(['A', 'B']),
    next: enumOf(['B', 'A']),
    backward: true,
    forward: true,
  },
  {
    change: 'a field added with a default inside a nested record',
    old: record([field('n', record([field('x', 'int')], { name: 'N' }))]),
    next: record([
      field('n', record([field('x', 'int'), field('y', 'int', { default: 0 })], { name: 'N' })),
    ]),
    backward: true,
    forward: true,
  },
  {
    change: 'a field added without a default inside a nested record',
    old: record([field('n', record([field('x', 'int')], { name: 'N' }))]),
    next: record([field('n', record([field('x', 'int'), field('y', 'int')], { name: 'N' }))]),
    backward: false,
    forward: true,
  },
  {
    change: 'a nested record field type changed',
    old: record([field('n', record([field('x', 'int')], { name: 'N' }))]),
    next: record([field('n', record([field('x', 'string')], { name: 'N' }))]),
    backward: false,
    forward: false,
  },
  {
    change: 'a field added without a default inside records of an array',
    old: record([
      field('items', { type: 'array', items: record([field('x', 'int')], { name: 'I' }) }),
    ]),
    next: record([
      field('items', {
        type: 'array',
        items: record([field('x', 'int'), field('y', 'int')], { name: 'I' }),
      }),
    ]),
    backward: false,
    forward: true,
  },
  {
    change: 'a field made nullable',
    old: record([field('a', 'int')]),
    next: record([field('a', ['null', 'int'])]),
    backward: true,
    forward: false,
  },
  {
    change: 'a union branch added',
    old: record([field('a', ['null', 'string'])]),
    next: record([field('a', ['null', 'string', 'int'])]),
    backward: true,
    forward: false,
  },
  {
    change: 'a union branch promoted (null|int to null|long)',
    old: record([field('a', ['null', 'int'])]),
    next: record([field('a', ['null', 'long'])]),
    backward: true,
    forward: false,
  },
  {
    change: 'the record renamed without an alias',
    old: record([field('a', 'int')]),
    next: record([field('a', 'int')], { name: 'S' }),
    backward: false,
    forward: false,
  },
  {
    change: 'the record renamed with an alias for the old name',
    old: record([field('a', 'int')]),
    next: record([field('a', 'int')], { name: 'S', aliases: ['R'] }),
    backward: true,
    forward: false,
  },
  {
    change: 'a field renamed with an alias for the old name',
    old: record([field('a', 'int')]),
    next: record([field('b', 'int', { aliases: ['a'] })]),
    backward: true,
    forward: false,
  },
  {
    // Stricter than the spec on purpose: hark's avsc decoders refuse it too.
    change: 'the record moved to another namespace',
    old: record([field('a', 'int')], { namespace: 'hark.v1' }),
    next: record([field('a', 'int')], { namespace: 'hark.v2' }),
    backward: false,
    forward: false,
  },
  {
    change: 'a fixed size changed',
    old: { type: 'fixed', name: 'F', size: 4 },
    next: { type: 'fixed', name: 'F', size: 8 },
    backward: false,
    forward: false,
  },
  {
    change: 'array items promoted from int to long',
    old: { type: 'array', items: 'int' },
    next: { type: 'array', items: 'long' },
    backward: true,
    forward: false,
  },
  {
    change: 'map values changed from string to int',
    old: { type: 'map', values: 'string' },
    next: { type: 'map', values: 'int' },
    backward: false,
    forward: false,
  },
  {
    change: 'a map replaced by a record',
    old: { type: 'map', values: 'int' },
    next: record([field('a', 'int')]),
    backward: false,
    forward: false,
  },
  {
    change: 'a field with a default added to a recursive record',
    old: {
      type: 'record',
      name: 'Node',
      fields: [field('v', 'int'), field('next', ['null', 'Node'], { default: null })],
    },
    next: {
      type: 'record',
      name: 'Node',
      fields: [
        field('v', 'int'),
        field('next', ['null', 'Node'], { default: null }),
        field('w', 'long', { default: 0 }),
      ],
    },
    backward: true,
    forward: true,
  },
];

describe('compatibility of one change', () => {
  describe.each(cases)('when $change', ({ old, next, backward, forward }) => {
    const previous = [{ version: 1, type: type(old) }];
    const candidate = type(next);
    const check = (level: (typeof COMPATIBILITY_LEVELS)[number]) =>
      checkCompatibility({ level, candidate, previous }).compatible;

    it(`BACKWARD is ${backward ? 'ok' : 'refused'}`, () => {
      expect(check('BACKWARD')).toBe(backward);
      expect(check('BACKWARD_TRANSITIVE')).toBe(backward);
    });
    it(`FORWARD is ${forward ? 'ok' : 'refused'}`, () => {
      expect(check('FORWARD')).toBe(forward);
      expect(check('FORWARD_TRANSITIVE')).toBe(forward);
    });
    it(`FULL is ${backward && forward ? 'ok' : 'refused'}`, () => {
      expect(check('FULL')).toBe(backward && forward);
      expect(check('FULL_TRANSITIVE')).toBe(backward && forward);
    });
    it('NONE is ok', () => {
      expect(check('NONE')).toBe(true);
    });
  });
});

describe('transitive levels', () => {
  const v1 = type(record([field('a', 'int')]));
  const v2 = type(record([field('a', 'int'), field('b', 'string', { default: 'x' })]));
  // Reads v2 data (b is there) but not v1 data (b missing, no default).
  const v3 = type(record([field('a', 'int'), field('b', 'string')]));
  const history = [
    { version: 1, type: v1 },
    { version: 2, type: v2 },
  ];

  it('when only an older version breaks BACKWARD, BACKWARD passes and BACKWARD_TRANSITIVE fails', () => {
    expect(
      checkCompatibility({ level: 'BACKWARD', candidate: v3, previous: history }).compatible,
    ).toBe(true);
    const transitive = checkCompatibility({
      level: 'BACKWARD_TRANSITIVE',
      candidate: v3,
      previous: history,
    });
    expect(transitive.compatible).toBe(false);
    expect(transitive.messages[0]).toContain('version 1');
    expect(transitive.messages[0]).toContain('no matching field for default-less R.b');
  });

  it('when only an older version breaks FULL, FULL passes and FULL_TRANSITIVE fails', () => {
    expect(checkCompatibility({ level: 'FULL', candidate: v3, previous: history }).compatible).toBe(
      true,
    );
    expect(
      checkCompatibility({ level: 'FULL_TRANSITIVE', candidate: v3, previous: history }).compatible,
    ).toBe(false);
  });

  it('when only an older reader breaks FORWARD, FORWARD passes and FORWARD_TRANSITIVE fails', () => {
    const old1 = type(record([field('a', 'int'), field('b', 'string')]));
    const old2 = type(record([field('a', 'int'), field('b', 'string', { default: 'x' })]));
    const removed = type(record([field('a', 'int')]));
    const previous = [
      { version: 1, type: old1 },
      { version: 2, type: old2 },
    ];
    expect(checkCompatibility({ level: 'FORWARD', candidate: removed, previous }).compatible).toBe(
      true,
    );
    expect(
      checkCompatibility({ level: 'FORWARD_TRANSITIVE', candidate: removed, previous }).compatible,
    ).toBe(false);
  });

  it('checks against the highest version number whatever the input order', () => {
    const result = checkCompatibility({
      level: 'BACKWARD',
      candidate: v3,
      previous: [...history].reverse(),
    });
    expect(result.compatible).toBe(true);
  });

  it('when there is no previous version, everything is compatible', () => {
    for (const level of COMPATIBILITY_LEVELS) {
      expect(checkCompatibility({ level, candidate: v3, previous: [] }).compatible).toBe(true);
    }
  });
});

describe('incompatibility messages', () => {
  it('name the version, the direction and the level', () => {
    const result = checkCompatibility({
      level: 'FULL',
      candidate: type(record([field('a', 'int')])),
      previous: [{ version: 7, type: type(record([field('a', 'string')])) }],
    });
    expect(result.messages).toEqual([
      expect.stringMatching(/^the new schema cannot read data written with version 7: /),
      expect.stringMatching(/^version 7 cannot read data written with the new schema: /),
      "{compatibility: 'FULL'}",
    ]);
  });

  it('when avsc fails with a TypeError (a record read from a map), say what was attempted', () => {
    const problem = findReadProblem(
      type(record([field('a', 'int')])),
      type({ type: 'map', values: 'int' }),
    );
    expect(problem).toBe('cannot read map as R');
  });
});
