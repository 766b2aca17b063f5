import { HarkError } from '@hark/errors';
import { loadSchema, type Mention, type ScoredMention } from '@hark/events';
import { createAvroSerde, type StageRecord } from '@hark/kafka';
import { makeMention, makeResolvedMention, makeScoredMention, memoryRegistry } from '@hark/testing';
import { describe, expect, it } from 'vitest';
import {
  bindOutput,
  encodeOutputs,
  type BoundOutput,
  type ExtendContext,
  type TypedOutput,
} from '../../src/encode-outputs.ts';

const record = (offset: string): StageRecord<unknown> => ({
  topic: 'in',
  partition: 0,
  offset,
  key: null,
  value: {},
  headers: {},
  timestamp: '0',
});

const bound: Record<string, BoundOutput> = {
  scored: {
    topic: 'mentions.scored',
    encode: ((v: { id: string }) => {
      if (v.id === 'bad') throw new HarkError('HARK_SERDE_ENCODE_FAILED', 'does not fit');
      if (v.id === 'down') throw new HarkError('HARK_REGISTRY_UNAVAILABLE', 'registry down');
      return Buffer.from(v.id);
    }) as (v: never) => Buffer,
  },
};

describe('encodeOutputs', () => {
  it('encodes each output with its declared topic and encoder; a null value stays a tombstone', () => {
    const failures: { record: StageRecord<unknown>; error: HarkError }[] = [];
    const records = encodeOutputs(
      [
        { output: 'scored', key: 'k1', value: { id: 'a' }, headers: { h: 'v' } },
        { output: 'scored', key: 'k2', value: null },
      ],
      bound,
      failures,
    );
    expect(records).toEqual([
      { topic: 'mentions.scored', key: 'k1', value: Buffer.from('a'), headers: { h: 'v' } },
      { topic: 'mentions.scored', key: 'k2', value: null, headers: undefined },
    ]);
    expect(failures).toEqual([]);
  });

  it('when a value does not encode, the record it came from fails and the others go on', () => {
    const failures: { record: StageRecord<unknown>; error: HarkError }[] = [];
    const records = encodeOutputs(
      [
        { output: 'scored', key: 'k1', value: { id: 'bad' }, from: record('1') },
        { output: 'scored', key: 'k2', value: { id: 'b' }, from: record('2') },
      ],
      bound,
      failures,
    );
    expect(records.map((r) => r.key)).toEqual(['k2']);
    expect(failures.map((f) => [f.record.offset, f.error.code])).toEqual([
      ['1', 'HARK_SERDE_ENCODE_FAILED'],
    ]);
  });

  it('when a value without a source record does not encode, the batch fails', () => {
    expect(() =>
      encodeOutputs([{ output: 'scored', key: 'k', value: { id: 'bad' } }], bound, []),
    ).toThrow(/does not fit/);
  });

  it('when the failure is retriable, it throws even with a source record, so the batch retries', () => {
    expect(() =>
      encodeOutputs(
        [{ output: 'scored', key: 'k', value: { id: 'down' }, from: record('1') }],
        bound,
        [],
      ),
    ).toThrow(/registry down/);
  });

  it('when an output was not declared, it throws non-retriable before anything is produced', () => {
    try {
      encodeOutputs([{ output: 'nope', key: 'k', value: {} }], bound, []);
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'HARK_STAGE_PROCESSING_FAILED', retriable: false });
    }
  });
});

type Schema = ReturnType<typeof loadSchema>;

function mentionWithoutSealed(): Schema {
  const s = loadSchema('Mention') as { fields: { name: string }[] };
  return { ...s, fields: s.fields.filter((f) => f.name !== 'sealed') } as unknown as Schema;
}

/** Mentions across the shapes the schema allows: null and set unions, empty and long text, arrays. */
const MENTIONS: Mention[] = [
  makeMention(),
  makeMention({ url: null, lang: null, rating: 4.5, title: 'Worst airline ever', text: '' }),
  makeMention({ text: 'x'.repeat(20_000), brands: [], keywords: [] }),
  makeMention({ brands: ['acme', 'globex', 'initech'], keywords: ['#acme', '@globex', 'ini'] }),
  makeMention({ sealed: Buffer.from('hk2 envelope bytes'), text: '', url: null, revision: 7 }),
];

async function scoringOutputs() {
  const serde = createAvroSerde({ registry: memoryRegistry() });
  const old = await serde.encoder<Mention>('mentions.raw-value', mentionWithoutSealed());
  const current = await serde.encoder<Mention>('mentions.raw-value', loadSchema('Mention'));
  const encoder = await serde.encoder<unknown>(
    'mentions.scored-value',
    loadSchema('ScoredMention'),
  );
  const decoder = serde.decoder<Mention>(loadSchema('Mention'));
  const scored = bindOutput({
    topic: 'mentions.scored',
    event: 'ScoredMention',
    extends: 'Mention',
    encoder,
  });
  const consume = async (raw: Buffer, offset: number): Promise<StageRecord<Mention>> => ({
    topic: 'mentions.raw',
    partition: 0,
    offset: String(offset),
    key: null,
    value: await decoder.decode(raw),
    headers: {},
    timestamp: '0',
    raw,
  });
  const context = (): ExtendContext => ({
    input: 'Mention',
    isReaderSchema: (raw) => decoder.isReaderSchema!(raw),
    counts: new Map(),
  });
  return { old, current, encoder, scored, consume, context };
}

const addedOf = (i: number): Omit<ScoredMention, 'mention'> => {
  const { mention: _, ...added } = makeScoredMention({
    theme: i % 2 ? 'none' : 'billing',
    scoredAt: 1_765_000_000_000 + i,
  });
  return added;
};

describe('extended outputs', () => {
  it('a record written with the current schema: the output is the consumed bytes plus the added fields, as a full encode writes them', async () => {
    const o = await scoringOutputs();
    const records = await Promise.all(MENTIONS.map((m, i) => o.consume(o.current.encode(m), i)));
    const ctx = o.context();
    const out = encodeOutputs(
      records.map((r, i) => ({ output: 'scored', key: r.offset, extend: r, with: addedOf(i) })),
      { scored: o.scored },
      [],
      ctx,
    );
    out.forEach((r, i) =>
      expect(r.value!.equals(o.encoder.encode({ ...addedOf(i), mention: MENTIONS[i] }))).toBe(true),
    );
    expect(ctx.counts.get('scored')).toEqual({
      appended: MENTIONS.length,
      writer_schema: 0,
      schema_drift: 0,
      bytes_differ: 0,
    });
  });

  it('a record written with an older schema id falls back to the full encode of the value as read, and is counted', async () => {
    const o = await scoringOutputs();
    const { sealed: _, ...plain } = makeMention();
    const record = await o.consume(o.old.encode(plain as Mention), 1);
    expect(record.value.sealed).toBeNull(); // the reader's default
    const ctx = o.context();
    const [out] = encodeOutputs(
      [{ output: 'scored', key: 'k', extend: record, with: addedOf(1) }],
      { scored: o.scored },
      [],
      ctx,
    );
    // Appending the older body would have dropped `sealed` from the output: the full encode has it.
    expect(out!.value!.equals(o.encoder.encode({ ...addedOf(1), mention: makeMention() }))).toBe(
      true,
    );
    expect(ctx.counts.get('scored')).toMatchObject({ appended: 0, writer_schema: 1 });
  });

  it("without the decoder's answer (a record without raw bytes, or no decoder), it encodes in full", async () => {
    const o = await scoringOutputs();
    const record = await o.consume(o.current.encode(makeMention()), 1);
    const ctx = { ...o.context(), isReaderSchema: undefined };
    const outputs: TypedOutput[] = [
      { output: 'scored', key: 'a', extend: record, with: addedOf(0) },
      { output: 'scored', key: 'b', extend: { ...record, raw: undefined }, with: addedOf(0) },
    ];
    const out = encodeOutputs(outputs, { scored: o.scored }, [], ctx);
    const full = o.encoder.encode({ ...addedOf(0), mention: makeMention() });
    expect(out.map((r) => r.value!.equals(full))).toEqual([true, true]);
    expect(ctx.counts.get('scored')).toMatchObject({ appended: 0, writer_schema: 2 });
  });

  it("when an added field does not encode, the extended record is dead-lettered with the encoder's reason", async () => {
    const o = await scoringOutputs();
    const records = await Promise.all(
      [0, 1].map((i) => o.consume(o.current.encode(makeMention()), i)),
    );
    const failures: { record: StageRecord<unknown>; error: HarkError }[] = [];
    const out = encodeOutputs(
      [
        {
          output: 'scored',
          key: 'bad',
          extend: records[0],
          with: { ...addedOf(0), theme: 'nope' },
        },
        { output: 'scored', key: 'good', extend: records[1], with: addedOf(1) },
      ],
      { scored: o.scored },
      failures,
      o.context(),
    );
    expect(out.map((r) => r.key)).toEqual(['good']);
    expect(failures.map((f) => [f.record.offset, f.error.code, f.error.message])).toEqual([
      ['0', 'HARK_SERDE_ENCODE_FAILED', expect.stringContaining('theme')],
    ]);
  });

  it('when the output is not declared to extend this input, it throws non-retriable before anything is produced', async () => {
    const o = await scoringOutputs();
    const record = await o.consume(o.current.encode(makeMention()), 1);
    const plain = { topic: 'mentions.scored', encode: o.scored.encode };
    for (const [bound, input] of [
      [plain, 'Mention'],
      [o.scored, 'ScoredMention'],
    ] as const) {
      expect(() =>
        encodeOutputs(
          [{ output: 'scored', key: 'k', extend: record, with: addedOf(0) }],
          { scored: bound },
          [],
          { ...o.context(), input },
        ),
      ).toThrow(
        expect.objectContaining({ code: 'HARK_STAGE_PROCESSING_FAILED', retriable: false }),
      );
    }
  });

  it('when an output extends a copy of a consumed record (another value, the same bytes), it throws non-retriable: a changed consumed part must be a full value', async () => {
    const o = await scoringOutputs();
    const record = await o.consume(o.current.encode(makeMention()), 1);
    const copy = { ...record, value: { ...record.value, lang: 'fr' } };
    const emit = (extend: StageRecord<Mention>): TypedOutput[] => [
      { output: 'scored', key: 'k', extend, with: addedOf(0) },
    ];
    const ctx = { ...o.context(), consumed: [record] };
    expect(encodeOutputs(emit(record), { scored: o.scored }, [], ctx)).toHaveLength(1);
    expect(() => encodeOutputs(emit(copy), { scored: o.scored }, [], ctx)).toThrow(
      expect.objectContaining({ code: 'HARK_STAGE_PROCESSING_FAILED', retriable: false }),
    );
  });

  it('ResolvedMention over a consumed ScoredMention: byte for byte the full encode', async () => {
    const serde = createAvroSerde({ registry: memoryRegistry() });
    const input = await serde.encoder<ScoredMention>(
      'mentions.scored-value',
      loadSchema('ScoredMention'),
    );
    const encoder = await serde.encoder<unknown>(
      'mentions.resolved-value',
      loadSchema('ResolvedMention'),
    );
    const decoder = serde.decoder<ScoredMention>(loadSchema('ScoredMention'));
    const resolved = bindOutput({
      topic: 'mentions.resolved',
      event: 'ResolvedMention',
      extends: 'ScoredMention',
      encoder,
    });
    for (const [i, m] of MENTIONS.entries()) {
      const value = makeResolvedMention({ mention: m, theme: i % 2 ? 'outage' : 'none' });
      const { customer, influence, resolvedAt, ...scored } = value;
      const raw = input.encode(scored);
      const record: StageRecord<ScoredMention> = {
        topic: 'mentions.scored',
        partition: 0,
        offset: String(i),
        key: null,
        value: await decoder.decode(raw),
        headers: {},
        timestamp: '0',
        raw,
      };
      const ctx: ExtendContext = {
        input: 'ScoredMention',
        isReaderSchema: (b) => decoder.isReaderSchema!(b),
        counts: new Map(),
      };
      const [out] = encodeOutputs(
        [
          {
            output: 'resolved',
            key: 'k',
            extend: record,
            with: { customer, influence, resolvedAt },
          },
        ],
        { resolved },
        [],
        ctx,
      );
      expect(out!.value!.equals(encoder.encode(value))).toBe(true);
      expect(ctx.counts.get('resolved')).toMatchObject({ appended: 1 });
    }
  });

  it('an output whose schema does not hold the input it declares to extend fails at binding', () => {
    const encoder = { schemaId: 1, subject: 's', encode: () => Buffer.alloc(0) };
    expect(() =>
      bindOutput({ topic: 'links', event: 'IdentityLink', extends: 'ScoredMention', encoder }),
    ).toThrow(expect.objectContaining({ code: 'HARK_CONFIG_INVALID' }));
  });
});
