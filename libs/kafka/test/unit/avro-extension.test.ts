import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { eventType, loadSchema } from '@hark/events';
import { createExtension } from '../../src/index.ts';

const OUT_ID = 0x01020304;

function frame(type: avro.Type, value: unknown, id: number): Buffer {
  const body = type.toBuffer(value);
  const buf = Buffer.alloc(5 + body.length);
  buf.writeInt32BE(id, 1);
  body.copy(buf, 5);
  return buf;
}

/** Buffers compared as hex: vitest's deep equality walks a Buffer byte by byte, slowly. */
function expectBytes(actual: Buffer | undefined, expected: Buffer): void {
  if (!actual?.equals(expected)) expect(actual?.toString('hex')).toBe(expected.toString('hex'));
}

/** mulberry32: the same seed gives the same values, so a failure reproduces. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHARS = ['a', 'Z', '0', ' ', 'é', 'ß', '中', '😀', '\u0000', '"'];

/**
 * A random value of any avsc type, edges favoured: null and non-null union branches, empty,
 * short and long strings, empty and full
 * arrays and maps, negative and large longs, every enum symbol.
 */
function randomValue(type: avro.Type, rnd: () => number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  if (type instanceof avro.types.RecordType) {
    const v: Record<string, unknown> = {};
    for (const f of type.fields) v[f.name] = randomValue(f.type, rnd);
    return v;
  }
  if (type instanceof avro.types.UnwrappedUnionType) return randomValue(pick(type.types), rnd);
  if (type instanceof avro.types.EnumType) return pick(type.symbols);
  if (type instanceof avro.types.ArrayType)
    return Array.from({ length: pick([0, 1, 3, 8]) }, () => randomValue(type.itemsType, rnd));
  if (type instanceof avro.types.MapType) {
    const m: Record<string, unknown> = {};
    for (let i = pick([0, 1, 5]); i > 0; i--)
      m[randomString(rnd, pick([0, 3, 12]))] = randomValue(type.valuesType, rnd);
    return m;
  }
  switch (type.typeName) {
    case 'null':
      return null;
    case 'boolean':
      return rnd() < 0.5;
    case 'int':
      return pick([0, -1, 1, 63, -64, 64, 2 ** 31 - 1, -(2 ** 31)]);
    case 'long':
      return pick([0, -1, 1, 1_765_000_000_000, -(2 ** 40), 2 ** 52]);
    case 'float':
      return pick([0, -1.5, 3.25]);
    case 'double':
      return pick([0, -0, 1, -1, 0.1234, 1e300, -1e-300, rnd()]);
    case 'string':
      return randomString(rnd, pick([0, 0, 1, 17, 17, 40, 5000]));
    case 'bytes':
      return Buffer.from(randomString(rnd, pick([0, 28, 300])));
    default:
      throw new Error(`no generator for ${type.typeName}`);
  }
}

function randomString(rnd: () => number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += CHARS[Math.floor(rnd() * CHARS.length)];
  return s;
}

/** The added fields of an output value: all but those named. */
function without(value: Record<string, unknown>, names: readonly string[]) {
  return Object.fromEntries(Object.entries(value).filter(([k]) => !names.includes(k)));
}

describe('createExtension', () => {
  it('ScoredMention over a Mention: the consumed body then sentiment, intent, scoredAt and theme, byte for byte', () => {
    const ext = createExtension({
      output: loadSchema('ScoredMention'),
      input: loadSchema('Mention'),
      schemaId: OUT_ID,
    });
    expect(ext.layout).toEqual({
      kind: 'nested',
      field: 'mention',
      added: ['sentiment', 'intent', 'scoredAt', 'theme'],
    });
    expect(ext.exact).toBe(true);
    const scored = eventType('ScoredMention');
    const mention = eventType('Mention');
    const rnd = seeded(1);
    for (let i = 0; i < 400; i++) {
      const value = randomValue(scored, rnd) as Record<string, unknown>;
      const consumed = frame(mention, value.mention, 9);
      const input = mention.decode(consumed, 5).value;
      const added = without(value, ['mention']);
      expectBytes(ext.append(consumed, input, added), frame(scored, value, OUT_ID));
      expectBytes(scored.toBuffer(ext.compose(input, added)), scored.toBuffer(value));
    }
  });

  it('ResolvedMention over a ScoredMention: customer, influence and resolvedAt spliced before the trailing theme, byte for byte', () => {
    const ext = createExtension({
      output: loadSchema('ResolvedMention'),
      input: loadSchema('ScoredMention'),
      schemaId: OUT_ID,
    });
    expect(ext.layout).toEqual({
      kind: 'spliced',
      kept: 4,
      added: ['customer', 'influence', 'resolvedAt'],
      trailing: ['theme'],
    });
    expect(ext.exact).toBe(true);
    const resolved = eventType('ResolvedMention');
    const scored = eventType('ScoredMention');
    const rnd = seeded(2);
    for (let i = 0; i < 400; i++) {
      const value = randomValue(resolved, rnd) as Record<string, unknown>;
      const input = without(value, ['customer', 'influence', 'resolvedAt']);
      const consumed = frame(scored, input, 9);
      const decoded = scored.decode(consumed, 5).value;
      const added = without(value, Object.keys(input));
      expectBytes(ext.append(consumed, decoded, added), frame(resolved, value, OUT_ID));
      expectBytes(resolved.toBuffer(ext.compose(decoded, added)), resolved.toBuffer(value));
    }
  });

  // Maps, arrays, unions and long strings on both sides, fields appended at the end (no trailing
  // fields) and spliced before two trailing ones.
  const inputSchema = {
    type: 'record',
    name: 'In',
    fields: [
      { name: 'id', type: 'string' },
      { name: 'tags', type: { type: 'map', values: ['null', 'string', 'long'] } },
      { name: 'items', type: { type: 'array', items: { type: 'map', values: 'double' } } },
      { name: 'blob', type: ['null', 'bytes'] },
      { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['a', 'b', 'c'] } },
      { name: 'flag', type: 'boolean' },
    ],
  } as const;
  const addedFields = [
    { name: 'extra', type: { type: 'map', values: { type: 'array', items: 'string' } } },
    { name: 'note', type: ['null', 'string'] },
    { name: 'n', type: 'int' },
  ];
  const cases = [
    { name: 'at the end', output: [...inputSchema.fields, ...addedFields], trailing: [] },
    {
      name: 'before two trailing fields',
      output: [...inputSchema.fields.slice(0, 4), ...addedFields, ...inputSchema.fields.slice(4)],
      trailing: ['kind', 'flag'],
    },
    { name: 'after a nested input', output: [{ name: 'in', type: inputSchema }, ...addedFields] },
  ];
  for (const c of cases) {
    it(`maps, arrays and unions, added ${c.name}: byte for byte the full encode`, () => {
      const outputSchema = { type: 'record', name: 'Out', fields: c.output } as avro.Schema;
      const ext = createExtension({
        output: outputSchema,
        input: inputSchema as unknown as avro.Schema,
        schemaId: OUT_ID,
      });
      if (c.trailing) expect(ext.layout).toMatchObject({ kind: 'spliced', trailing: c.trailing });
      else expect(ext.layout).toMatchObject({ kind: 'nested', field: 'in' });
      const outType = avro.Type.forSchema(outputSchema);
      const inType = avro.Type.forSchema(inputSchema as unknown as avro.Schema);
      const rnd = seeded(3);
      for (let i = 0; i < 300; i++) {
        const input = randomValue(inType, rnd) as Record<string, unknown>;
        const added = { extra: {}, note: null, n: 0, ...(randomValue(outType, rnd) as object) };
        for (const k of Object.keys(input)) delete (added as Record<string, unknown>)[k];
        delete (added as Record<string, unknown>).in;
        const consumed = frame(inType, input, 9);
        const decoded = inType.decode(consumed, 5).value;
        const full = ext.compose(decoded, added);
        expectBytes(ext.append(consumed, decoded, added), frame(outType, full, OUT_ID));
      }
    });
  }

  it('trailing fields that outgrow the scratch buffer after the added ones keep the added bytes', () => {
    // Each side larger than the buffer may be by now, so the trailing encode grows it while
    // the added fields' bytes are already in it.
    const inSchema = {
      type: 'record',
      name: 'Big',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'tail', type: 'string' },
      ],
    } as avro.Schema;
    const outSchema = {
      type: 'record',
      name: 'BigOut',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'extra', type: 'string' },
        { name: 'tail', type: 'string' },
      ],
    } as avro.Schema;
    const ext = createExtension({ output: outSchema, input: inSchema, schemaId: OUT_ID });
    const inType = avro.Type.forSchema(inSchema);
    const outType = avro.Type.forSchema(outSchema);
    const input = { id: 'a', tail: 't'.repeat(3_000_000) };
    const added = { extra: 'x'.repeat(2_000_000) };
    const consumed = frame(inType, input, 9);
    expectBytes(ext.append(consumed, input, added), frame(outType, { ...input, ...added }, OUT_ID));
  });

  it('the consumed part cannot be changed through the added fields: the input wins in both paths', () => {
    const ext = createExtension({
      output: loadSchema('ResolvedMention'),
      input: loadSchema('ScoredMention'),
      schemaId: OUT_ID,
    });
    const scored = eventType('ScoredMention');
    const resolved = eventType('ResolvedMention');
    const rnd = seeded(4);
    const value = randomValue(resolved, rnd) as Record<string, unknown>;
    const input = { ...without(value, ['customer', 'influence', 'resolvedAt']), theme: 'billing' };
    const consumed = frame(scored, input, 9);
    const decoded = scored.decode(consumed, 5).value;
    const added = { ...without(value, Object.keys(input)), theme: 'price', scoredAt: 1 };
    const appended = ext.append(consumed, decoded, added)!;
    expect(resolved.decode(appended, 5).value).toMatchObject({ theme: 'billing' });
    expectBytes(appended, frame(resolved, ext.compose(decoded, added), OUT_ID));
  });

  it('when the trailing bytes are not what the decoded value encodes to (a non-minimal varint), it declines', () => {
    const ext = createExtension({
      output: loadSchema('ResolvedMention'),
      input: loadSchema('ScoredMention'),
      schemaId: OUT_ID,
    });
    const scored = eventType('ScoredMention');
    const resolved = eventType('ResolvedMention');
    const value = randomValue(resolved, seeded(5)) as Record<string, unknown>;
    const input = { ...without(value, ['customer', 'influence', 'resolvedAt']), theme: 'delay' };
    const canonical = frame(scored, input, 9);
    // theme index 1 is zigzag 2: 0x02, or 0x82 0x00 from a writer that pads its varints.
    expect(canonical[canonical.length - 1]).toBe(0x02);
    const padded = Buffer.concat([canonical.subarray(0, -1), Buffer.from([0x82, 0x00])]);
    const decoded = scored.decode(padded, 5).value;
    expect(decoded).toMatchObject({ theme: 'delay' });
    expect(ext.append(padded, decoded, without(value, Object.keys(input)))).toBeUndefined();
  });

  it('when the output embeds another version of the input schema, it is not exact and never appends', () => {
    const mention = loadSchema('Mention') as { fields: object[] };
    const newer = {
      ...mention,
      fields: [...mention.fields, { name: 'lang2', type: ['null', 'string'], default: null }],
    };
    const ext = createExtension({
      output: loadSchema('ScoredMention'),
      input: newer as avro.Schema,
      schemaId: OUT_ID,
    });
    expect(ext.exact).toBe(false);
    const value = randomValue(eventType('ScoredMention'), seeded(6)) as Record<string, unknown>;
    const newerType = avro.Type.forSchema(newer as avro.Schema);
    const m = { ...(value.mention as object), lang2: null };
    expect(ext.append(frame(newerType, m, 9), m, without(value, ['mention']))).toBeUndefined();
  });

  it('when the output does not hold the input, the declaration fails with HARK_CONFIG_INVALID', () => {
    expect(() =>
      createExtension({
        output: loadSchema('IdentityLink'),
        input: loadSchema('ScoredMention'),
        schemaId: OUT_ID,
      }),
    ).toThrow(expect.objectContaining({ code: 'HARK_CONFIG_INVALID' }));
  });

  it('when an added field does not fit its type, it throws (the caller encodes in full for the reason)', () => {
    const ext = createExtension({
      output: loadSchema('ScoredMention'),
      input: loadSchema('Mention'),
      schemaId: OUT_ID,
    });
    const value = randomValue(eventType('ScoredMention'), seeded(7)) as Record<string, unknown>;
    const consumed = frame(eventType('Mention'), value.mention, 9);
    expect(() =>
      ext.append(consumed, value.mention, { ...without(value, ['mention']), theme: 'nope' }),
    ).toThrow();
  });
});
