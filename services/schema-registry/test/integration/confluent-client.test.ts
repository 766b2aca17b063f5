import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type { RawAvroSchema } from '@kafkajs/confluent-schema-registry/dist/@types.js';
import { uniqueName } from '@hark/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, recordSchema, startRegistry, type RunningRegistry } from './start-registry.ts';

/**
 * Contract tests: the registry driven by the client libraries other teams
 * use against Confluent's server (@kafkajs/confluent-schema-registry).
 */
let registry: RunningRegistry;
let client: SchemaRegistry;
beforeAll(async () => {
  registry = await startRegistry();
  client = new SchemaRegistry({ host: registry.url, retry: { retries: 0 } });
});
afterAll(async () => {
  await registry?.close();
});

const subjectName = () => uniqueName('client-subject');
const mention = recordSchema(
  [
    { name: 'id', type: 'string' },
    { name: 'text', type: 'string' },
    { name: 'likes', type: 'int' },
  ],
  'Mention',
);
const mentionWithLang = recordSchema(
  [
    { name: 'id', type: 'string' },
    { name: 'text', type: 'string' },
    { name: 'likes', type: 'int' },
    { name: 'lang', type: 'string', default: 'und' },
  ],
  'Mention',
);
const mentionWithLangNoDefault = recordSchema(
  [
    { name: 'id', type: 'string' },
    { name: 'text', type: 'string' },
    { name: 'likes', type: 'int' },
    { name: 'lang', type: 'string' },
  ],
  'Mention',
);

describe('the @kafkajs/confluent-schema-registry client', () => {
  it('registers, finds the latest id, and encodes and decodes through the registry', async () => {
    const subject = subjectName();
    const { id } = await client.register({ type: SchemaType.AVRO, schema: mention }, { subject });
    expect(id).toEqual(expect.any(Number));
    expect(await client.getLatestSchemaId(subject)).toBe(id);

    const value = { id: 'x:1', text: 'love it', likes: 3 };
    const buf = await client.encode(id, value);
    expect(buf[0]).toBe(0);
    expect(buf.readInt32BE(1)).toBe(id);
    // A fresh client has no cache: decode must fetch the writer schema by id.
    const fresh = new SchemaRegistry({ host: registry.url });
    expect(await fresh.decode(buf)).toEqual(value);
  });

  it('finds the id of a registered schema by subject and schema', async () => {
    const subject = subjectName();
    const { id } = await client.register({ type: SchemaType.AVRO, schema: mention }, { subject });
    expect(
      await client.getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema: mention }),
    ).toBe(id);
    await expect(
      client.getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema: mentionWithLang }),
    ).rejects.toThrow();
  });

  it('sets the subject to BACKWARD on first registration, as the client expects', async () => {
    const subject = subjectName();
    await client.register({ type: SchemaType.AVRO, schema: mention }, { subject });
    const config = await call(registry.url, 'GET', `/config/${encodeURIComponent(subject)}`);
    expect(config.body).toEqual({ compatibilityLevel: 'BACKWARD' });
    // The second registration reads that config back and must find it matching.
    await client.register({ type: SchemaType.AVRO, schema: mentionWithLang }, { subject });
  });

  it('when the same schema is registered again or under another subject, the id is the same', async () => {
    const a = subjectName();
    const b = subjectName();
    const first = await client.register({ type: SchemaType.AVRO, schema: mention }, { subject: a });
    const again = await client.register({ type: SchemaType.AVRO, schema: mention }, { subject: a });
    const other = await client.register({ type: SchemaType.AVRO, schema: mention }, { subject: b });
    expect(again.id).toBe(first.id);
    expect(other.id).toBe(first.id);
  });

  it('evolves with a defaulted field and old data decodes with the new reader schema', async () => {
    const subject = subjectName();
    const v1 = await client.register({ type: SchemaType.AVRO, schema: mention }, { subject });
    const v2 = await client.register(
      { type: SchemaType.AVRO, schema: mentionWithLang },
      { subject },
    );
    expect(v2.id).not.toBe(v1.id);
    expect(await client.getLatestSchemaId(subject)).toBe(v2.id);

    const old = await client.encode(v1.id, { id: 'x:2', text: 'meh', likes: 0 });
    const decoded = await client.decode(old, {
      [SchemaType.AVRO]: { readerSchema: JSON.parse(mentionWithLang) as RawAvroSchema },
    });
    expect(decoded).toEqual({ id: 'x:2', text: 'meh', likes: 0, lang: 'und' });
  });

  it('when a field is added without a default, registration is refused with 409', async () => {
    const subject = subjectName();
    await client.register({ type: SchemaType.AVRO, schema: mention }, { subject });
    await expect(
      client.register({ type: SchemaType.AVRO, schema: mentionWithLangNoDefault }, { subject }),
    ).rejects.toMatchObject({ status: 409 });
  });

  it('when one schema is registered 10 times at once, there is one id and one version', async () => {
    const subject = subjectName();
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        new SchemaRegistry({ host: registry.url }).register(
          { type: SchemaType.AVRO, schema: mention },
          { subject },
        ),
      ),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    const versions = await call(
      registry.url,
      'GET',
      `/subjects/${encodeURIComponent(subject)}/versions`,
    );
    expect(versions.body).toEqual([1]);
  });
});
