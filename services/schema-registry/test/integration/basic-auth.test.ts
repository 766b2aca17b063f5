/**
 * Issue 15, defect 4: anyone who reached the registry could delete
 * `mentions.raw-value` or set compatibility to NONE. With users configured,
 * anonymous requests are 401, a read-only identity (the services) reads and
 * looks ids up but gets 403 for writes, and a writer (deployment) does all.
 * Driven raw, through Confluent's client library and through hark's client.
 */
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { createRegistryClient } from '@hark/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONTENT_TYPE,
  recordSchema,
  startRegistry,
  type RunningRegistry,
} from './start-registry.ts';

let registry: RunningRegistry;
const READER = { username: 'hark-services', password: 'reader-secret-1' };
const WRITER = { username: 'hark-deploy', password: 'writer:secret:2' };
const schema = recordSchema([{ name: 'id', type: 'string' }], 'Guarded');

beforeAll(async () => {
  registry = await startRegistry({
    users: [
      { name: READER.username, password: READER.password, role: 'read' },
      { name: WRITER.username, password: WRITER.password, role: 'write' },
    ],
  });
});
afterAll(async () => registry?.close());

function as(who: { username: string; password: string } | undefined) {
  return async (method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = { 'content-type': CONTENT_TYPE };
    if (who)
      headers.authorization = `Basic ${Buffer.from(`${who.username}:${who.password}`).toString('base64')}`;
    const res = await fetch(registry.url + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the registry's JSON, asserted by shape
    const answer: any = await res.json().catch(() => undefined);
    return {
      status: res.status,
      body: answer,
      auth: res.headers.get('www-authenticate'),
    };
  };
}

describe('the registry with basic auth', () => {
  it('regression: anonymous requests cannot delete a subject or set compatibility to NONE', async () => {
    await as(WRITER)('POST', '/subjects/mentions.raw-value/versions', { schema });
    const anon = as(undefined);
    for (const [method, path, body] of [
      ['DELETE', '/subjects/mentions.raw-value', undefined],
      ['PUT', '/config', { compatibility: 'NONE' }],
      ['GET', '/subjects', undefined],
    ] as const) {
      const r = await anon(method, path, body);
      expect(r.status, `${method} ${path}`).toBe(401);
      expect(r.body.error_code).toBe(40101);
      expect(r.auth).toMatch(/^Basic realm=/);
    }
    expect((await as(READER)('GET', '/subjects')).body).toEqual(['mentions.raw-value']);
  });

  it('a reader reads and looks up ids, and is refused every write with 403', async () => {
    const reader = as(READER);
    const lookup = await reader('POST', '/subjects/mentions.raw-value', { schema });
    expect(lookup.status).toBe(200);
    expect((await reader('GET', `/schemas/ids/${lookup.body.id}`)).status).toBe(200);
    for (const [method, path, body] of [
      ['POST', '/subjects/other-value/versions', { schema }],
      ['PUT', '/config', { compatibility: 'NONE' }],
      ['PUT', '/config/mentions.raw-value', { compatibility: 'NONE' }],
      ['DELETE', '/subjects/mentions.raw-value', undefined],
    ] as const) {
      const r = await reader(method, path, body);
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body.error_code).toBe(40301);
    }
    expect((await as(WRITER)('GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
  });

  it('answers /healthz, /readyz and /metrics without credentials (probes and scrapes)', async () => {
    for (const path of ['/healthz', '/readyz', '/metrics'])
      expect((await fetch(registry.url + path)).status, path).toBe(200);
  });

  it("works with Confluent clients' basic auth (@kafkajs/confluent-schema-registry)", async () => {
    const writer = new SchemaRegistry({ host: registry.url, auth: WRITER, retry: { retries: 0 } });
    const { id } = await writer.register(
      { type: 'AVRO' as never, schema },
      { subject: 'client-value' },
    );
    const reader = new SchemaRegistry({ host: registry.url, auth: READER, retry: { retries: 0 } });
    expect(await reader.getSchema(id)).toBeDefined();
    const anonymous = new SchemaRegistry({ host: registry.url, retry: { retries: 0 } });
    await expect(anonymous.getSchema(id)).rejects.toThrow(/401|Unauthorized/);
  });

  it("hark's client takes credentials from the URL: a reader finds the deployed id, and cannot register", async () => {
    const withCreds = (who: { username: string; password: string }) => {
      const u = new URL(registry.url);
      u.username = encodeURIComponent(who.username);
      u.password = encodeURIComponent(who.password);
      return u.toString();
    };
    const deployed = await createRegistryClient({ url: withCreds(WRITER) }).register(
      'hark-value',
      schema,
    );
    const reader = createRegistryClient({ url: withCreds(READER) });
    expect(reader.url).not.toContain(READER.password);
    expect(await reader.register('hark-value', schema)).toBe(deployed);
    await expect(
      reader.register('hark-value', recordSchema([{ name: 'other', type: 'string' }], 'Other')),
    ).rejects.toMatchObject({ code: 'HARK_REGISTRY_REJECTED', context: { status: 403 } });
  });
});
