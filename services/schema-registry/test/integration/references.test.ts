/**
 * Confluent schema references (issue 15, registry parity): a schema may use
 * named types registered under other subjects. Registered, read back, looked
 * up, checked for compatibility, protected from deletion while referenced,
 * and driven through Confluent's client library, which resolves them when it
 * decodes.
 */
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { createAvroSerde, createRegistryClient } from '@hark/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, startRegistry, type RunningRegistry } from './start-registry.ts';

let registry: RunningRegistry;
const api = (method: string, path: string, body?: unknown) =>
  call(registry.url, method, path, body);

const address = JSON.stringify({
  type: 'record',
  name: 'Address',
  namespace: 'hark.test',
  fields: [
    { name: 'city', type: 'string' },
    { name: 'zip', type: 'string' },
  ],
});
const customer = (extra: unknown[] = []) =>
  JSON.stringify({
    type: 'record',
    name: 'Customer',
    namespace: 'hark.test',
    fields: [{ name: 'id', type: 'string' }, { name: 'home', type: 'hark.test.Address' }, ...extra],
  });
const ref = { name: 'hark.test.Address', subject: 'address-value', version: 1 };
let customerId: number;

beforeAll(async () => {
  registry = await startRegistry();
  expect((await api('POST', '/subjects/address-value/versions', { schema: address })).status).toBe(
    200,
  );
});
afterAll(async () => registry?.close());

describe('schema references', () => {
  it('a schema using a type of another subject registers with its references and reads back with them', async () => {
    const reg = await api('POST', '/subjects/customer-value/versions', {
      schema: customer(),
      references: [ref],
    });
    expect(reg.status, reg.text).toBe(200);
    customerId = reg.body.id;
    expect((await api('GET', `/schemas/ids/${customerId}`)).body).toEqual({
      schema: customer(),
      references: [ref],
    });
    expect((await api('GET', '/subjects/customer-value/versions/1')).body).toMatchObject({
      id: customerId,
      references: [ref],
    });
    const lookup = await api('POST', '/subjects/customer-value', {
      schema: customer(),
      references: [ref],
    });
    expect(lookup.body).toMatchObject({ id: customerId, version: 1, references: [ref] });
    expect((await api('GET', '/subjects/address-value/versions/1/referencedby')).body).toEqual([
      customerId,
    ]);
    // A self-contained schema still answers without a references key.
    expect(
      Object.keys((await api('GET', '/subjects/address-value/versions/1')).body),
    ).not.toContain('references');
  });

  it('refuses a schema whose reference is missing or unknown', async () => {
    const without = await api('POST', '/subjects/orphan-value/versions', { schema: customer() });
    expect(without.status).toBe(422);
    expect(without.body.error_code).toBe(42201);
    const unknown = await api('POST', '/subjects/orphan-value/versions', {
      schema: customer(),
      references: [{ ...ref, version: 9 }],
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.message).toMatch(/does not exist/);
  });

  it('checks compatibility through the references, and keeps a referenced version from deletion', async () => {
    const evolved = customer([{ name: 'tier', type: 'string', default: 'none' }]);
    const ok = await api('POST', '/compatibility/subjects/customer-value/versions/latest', {
      schema: evolved,
      references: [ref],
    });
    expect(ok.body).toEqual({ is_compatible: true });
    const broken = customer([{ name: 'tier', type: 'string' }]);
    const no = await api('POST', '/compatibility/subjects/customer-value/versions/latest', {
      schema: broken,
      references: [ref],
    });
    expect(no.body).toEqual({ is_compatible: false });
    const del = await api('DELETE', '/subjects/address-value/versions/1');
    expect(del.status).toBe(422);
    expect(del.body.error_code).toBe(42206);
  });

  it('works with Confluent clients: @kafkajs/confluent-schema-registry registers with references and decodes', async () => {
    const client = new SchemaRegistry({ host: registry.url, retry: { retries: 0 } });
    const { id } = await client.register(
      { type: SchemaType.AVRO, schema: customer(), references: [ref] },
      { subject: 'customer-value' },
    );
    expect(id).toBe(customerId);
    const value = { id: 'c1', home: { city: 'Lisboa', zip: '1000' } };
    const encoded = await client.encode(id, value);
    expect(await client.decode(encoded)).toEqual(value);
  });

  it("hark's decoder resolves the writer's references: a record written with them reads into a self-contained reader schema", async () => {
    const client = new SchemaRegistry({ host: registry.url, retry: { retries: 0 } });
    const value = { id: 'c2', home: { city: 'Faro', zip: '8000' } };
    const encoded = await client.encode(customerId, value);
    const serde = createAvroSerde({ registry: createRegistryClient({ url: registry.url }) });
    const reader = {
      type: 'record',
      name: 'Customer',
      namespace: 'hark.test',
      fields: [
        { name: 'id', type: 'string' },
        {
          name: 'home',
          type: {
            type: 'record',
            name: 'Address',
            fields: [
              { name: 'city', type: 'string' },
              { name: 'zip', type: 'string' },
            ],
          },
        },
      ],
    };
    expect(await serde.decoder(reader as never).decode(encoded)).toEqual(value);
  });
});
