import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { HarkError } from '@hark/errors';
import { eventType, loadSchema } from '@hark/events';
import { makeMention } from '@hark/testing';
import { createAvroSerde, type RegistryClient } from '../../src/index.ts';

/** An in-memory stand-in for the registry: serde's framing and resolution logic is pure. */
function memoryRegistry(): RegistryClient & { calls: number } {
  const byId = new Map<number, string>();
  const ids = new Map<string, number>();
  const reg = {
    url: 'memory://',
    calls: 0,
    async register(_subject: string, schema: unknown) {
      const text = JSON.stringify(schema);
      let id = ids.get(text);
      if (!id) {
        id = ids.size + 1;
        ids.set(text, id);
        byId.set(id, text);
      }
      return id;
    },
    async getSchemaById(id: number) {
      reg.calls++;
      const s = byId.get(id);
      if (!s) throw new HarkError('HARK_SERDE_UNKNOWN_SCHEMA', `schema ${id} not found`);
      return s;
    },
  };
  return reg;
}

/** A record and its next version, which adds a field with a default. */
const v1: avro.Schema = {
  type: 'record',
  name: 'Thing',
  fields: [{ name: 'id', type: 'string' }],
};
const v2: avro.Schema = {
  type: 'record',
  name: 'Thing',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'score', type: 'double', default: 0.5 },
  ],
};

describe('avro serde', () => {
  it('frames a value as magic byte 0 + schema id + Avro body and decodes it back', async () => {
    const registry = memoryRegistry();
    const serde = createAvroSerde({ registry });
    const enc = await serde.encoder('mentions.raw-value', loadSchema('Mention'));
    const buf = enc.encode(makeMention());
    expect(buf[0]).toBe(0);
    expect(buf.readInt32BE(1)).toBe(enc.schemaId);
    expect(buf.subarray(5)).toEqual(eventType('Mention').toBuffer(makeMention()));
    expect(await serde.decoder(loadSchema('Mention')).decode(buf)).toEqual(makeMention());
  });

  it('fetches each writer schema once, however many records use it', async () => {
    const registry = memoryRegistry();
    const serde = createAvroSerde({ registry });
    const enc = await serde.encoder('s', loadSchema('Mention'));
    const dec = serde.decoder(loadSchema('Mention'));
    await Promise.all(Array.from({ length: 50 }, () => dec.decode(enc.encode(makeMention()))));
    expect(registry.calls).toBe(1);
  });

  it('decodeSync answers without a promise once the writer schema is known, undefined before', async () => {
    const registry = memoryRegistry();
    const serde = createAvroSerde({ registry });
    const enc = await serde.encoder('s', loadSchema('Mention'));
    const dec = serde.decoder(loadSchema('Mention'));
    const buf = enc.encode(makeMention());
    expect(dec.decodeSync!(buf), 'no registry call from the sync path').toBeUndefined();
    expect(registry.calls).toBe(0);
    await dec.decode(buf);
    expect(dec.decodeSync!(buf)).toEqual(makeMention());
    expect(registry.calls).toBe(1);
  });

  it.each([
    ['not framed', Buffer.from('{"not":"avro"}'), 'HARK_SERDE_NOT_FRAMED'],
    ['truncated', 'truncated', 'HARK_SERDE_DECODE_FAILED'],
  ])('decodeSync fails like decode when the value is %s', async (_, bad, code) => {
    const serde = createAvroSerde({ registry: memoryRegistry() });
    const enc = await serde.encoder('s', loadSchema('Mention'));
    const dec = serde.decoder(loadSchema('Mention'));
    const good = enc.encode(makeMention());
    await dec.decode(good);
    const buf = Buffer.isBuffer(bad) ? bad : good.subarray(0, good.length - 3);
    expect(() => dec.decodeSync!(buf)).toThrow(expect.objectContaining({ code }));
    await expect(dec.decode(buf)).rejects.toMatchObject({ code });
  });

  it('reads an older writer schema into the current reader schema with defaults', async () => {
    const registry = memoryRegistry();
    const serde = createAvroSerde({ registry });
    const enc = await serde.encoder('t', v1);
    expect(await serde.decoder(v2).decode(enc.encode({ id: 'a' }))).toEqual({
      id: 'a',
      score: 0.5,
    });
  });

  it.each([
    ['empty buffer', Buffer.alloc(0), 'HARK_SERDE_NOT_FRAMED'],
    ['plain JSON', Buffer.from('{"text":"hello"}'), 'HARK_SERDE_NOT_FRAMED'],
    ['unknown schema id', Buffer.from([0, 0, 0, 0x30, 0x39, 2, 0x61]), 'HARK_SERDE_UNKNOWN_SCHEMA'],
  ])('when the value is %s, fails with %s', async (_what, buf, code) => {
    const serde = createAvroSerde({ registry: memoryRegistry() });
    await expect(serde.decoder(loadSchema('Mention')).decode(buf)).rejects.toMatchObject({
      code,
      retriable: false,
    });
  });

  it('when the body is truncated or has trailing bytes, fails with HARK_SERDE_DECODE_FAILED', async () => {
    const serde = createAvroSerde({ registry: memoryRegistry() });
    const enc = await serde.encoder('s', loadSchema('Mention'));
    const dec = serde.decoder(loadSchema('Mention'));
    const good = enc.encode(makeMention());
    await expect(dec.decode(good.subarray(0, good.length - 3))).rejects.toMatchObject({
      code: 'HARK_SERDE_DECODE_FAILED',
    });
    await expect(dec.decode(Buffer.concat([good, Buffer.from([1, 2])]))).rejects.toMatchObject({
      code: 'HARK_SERDE_DECODE_FAILED',
    });
  });

  it('when the writer schema cannot be resolved into the reader, fails with HARK_SERDE_INCOMPATIBLE_SCHEMA', async () => {
    const serde = createAvroSerde({ registry: memoryRegistry() });
    const enc = await serde.encoder('s', {
      type: 'record',
      name: 'Mention',
      namespace: 'io.hark.events',
      fields: [{ name: 'x', type: 'int' }],
    });
    await expect(
      serde.decoder(loadSchema('Mention')).decode(enc.encode({ x: 1 })),
    ).rejects.toMatchObject({
      code: 'HARK_SERDE_INCOMPATIBLE_SCHEMA',
    });
  });

  it('a value larger than the encoding buffer is framed whole, and the next values too', async () => {
    const serde = createAvroSerde({ registry: memoryRegistry() });
    const enc = await serde.encoder('s', loadSchema('Mention'));
    const dec = serde.decoder(loadSchema('Mention'));
    const small = makeMention({ text: 'short' });
    const huge = makeMention({ text: 'é'.repeat(200_000) });
    const first = enc.encode(small);
    const big = enc.encode(huge);
    expect(big.subarray(5)).toEqual(eventType('Mention').toBuffer(huge));
    expect(await dec.decode(big)).toEqual(huge);
    // Each encoded value owns its bytes: later encodes do not overwrite earlier ones.
    expect(await dec.decode(first)).toEqual(small);
    expect(await dec.decode(enc.encode(small))).toEqual(small);
  });

  it('when a value does not match the schema, names the field path', async () => {
    const serde = createAvroSerde({ registry: memoryRegistry() });
    const enc = await serde.encoder('s', loadSchema('Mention'));
    const bad = { ...makeMention(), createdAt: 'yesterday' } as unknown as ReturnType<
      typeof makeMention
    >;
    expect(() => enc.encode(bad)).toThrowError(/invalid at createdAt/);
  });

  it('a registry outage while fetching a schema stays retriable and is not cached', async () => {
    const registry = memoryRegistry();
    const serde = createAvroSerde({ registry });
    const enc = await serde.encoder('s', avro.Type.forSchema('string').schema() as avro.Schema);
    const original = registry.getSchemaById;
    registry.getSchemaById = async () => {
      throw new HarkError('HARK_REGISTRY_UNAVAILABLE');
    };
    const dec = serde.decoder<string>('string');
    await expect(dec.decode(enc.encode('hi'))).rejects.toMatchObject({ retriable: true });
    registry.getSchemaById = original;
    expect(await dec.decode(enc.encode('hi'))).toBe('hi');
  });

  it('isReaderSchema: true for a value written with the reader schema (docs aside), false for an older writer schema or one not seen', async () => {
    const registry = memoryRegistry();
    const serde = createAvroSerde({ registry });
    const v2Documented = { ...v2, doc: 'the same fields, described' } as avro.Schema;
    const old = (await serde.encoder('t', v1)).encode({ id: 'a' });
    const current = (await serde.encoder('t', v2Documented)).encode({ id: 'a', score: 1 });
    const dec = serde.decoder(v2);
    expect(dec.isReaderSchema!(current)).toBe(false); // not decoded yet: unknown
    await dec.decode(old);
    await dec.decode(current);
    expect(old.readInt32BE(1)).not.toBe(current.readInt32BE(1));
    expect(dec.isReaderSchema!(old)).toBe(false);
    expect(dec.isReaderSchema!(current)).toBe(true);
    expect(dec.isReaderSchema!(Buffer.from([1, 0, 0, 0, 2]))).toBe(false);
  });
});
