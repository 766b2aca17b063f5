import { routesMissingFromDocument, undocumentedOperations } from '@hark/http';
import { uniqueName } from '@hark/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  CONTENT_TYPE,
  recordSchema,
  startRegistry,
  type RunningRegistry,
} from './start-registry.ts';

let registry: RunningRegistry;
beforeAll(async () => {
  registry = await startRegistry();
});
afterAll(async () => {
  await registry?.close();
});

const api = (method: string, path: string, body?: unknown, contentType?: string) =>
  call(registry.url, method, path, body, contentType);
const subjectName = () => uniqueName('subject');
const enc = encodeURIComponent;

const v1 = recordSchema([
  { name: 'id', type: 'string' },
  { name: 'count', type: 'int' },
]);
const addedWithDefault = recordSchema([
  { name: 'id', type: 'string' },
  { name: 'count', type: 'int' },
  { name: 'lang', type: 'string', default: 'und' },
]);
const addedWithoutDefault = recordSchema([
  { name: 'id', type: 'string' },
  { name: 'count', type: 'int' },
  { name: 'lang', type: 'string' },
]);
const typeChanged = recordSchema([
  { name: 'id', type: 'int' },
  { name: 'count', type: 'int' },
]);
const fieldRemoved = recordSchema([{ name: 'id', type: 'string' }]);

async function register(subject: string, schema: string): Promise<number> {
  const res = await api('POST', `/subjects/${enc(subject)}/versions`, { schema });
  expect(res.status, res.text).toBe(200);
  return res.body.id as number;
}

describe('registering and reading back', () => {
  it('when a schema is registered, every read endpoint answers it', async () => {
    const subject = subjectName();
    const res = await api('POST', `/subjects/${enc(subject)}/versions`, { schema: v1 });
    expect(res.status).toBe(200);
    expect(res.contentType).toBe(CONTENT_TYPE);
    expect(res.body).toEqual({ id: expect.any(Number) });
    const id = res.body.id;

    expect((await api('GET', `/subjects/${enc(subject)}/versions`)).body).toEqual([1]);
    const expected = { subject, version: 1, id, schema: v1 };
    expect((await api('GET', `/subjects/${enc(subject)}/versions/1`)).body).toEqual(expected);
    expect((await api('GET', `/subjects/${enc(subject)}/versions/latest`)).body).toEqual(expected);
    expect((await api('GET', `/subjects/${enc(subject)}/versions/-1`)).body).toEqual(expected);

    const raw = await api('GET', `/subjects/${enc(subject)}/versions/1/schema`);
    expect(raw.status).toBe(200);
    expect(raw.contentType).toBe(CONTENT_TYPE);
    expect(raw.text).toBe(v1);

    expect((await api('GET', `/schemas/ids/${id}`)).body).toEqual({ schema: v1 });
    expect((await api('GET', `/schemas/ids/${id}/schema`)).text).toBe(v1);
    expect((await api('GET', `/schemas/ids/${id}/versions`)).body).toEqual([
      { subject, version: 1 },
    ]);
    expect((await api('GET', '/subjects')).body).toContain(subject);
  });

  it('answers the schema types it supports', async () => {
    const res = await api('GET', '/schemas/types');
    expect(res.body).toEqual(['AVRO']);
  });

  it('when the same schema is registered twice, it keeps its id and creates no version', async () => {
    const subject = subjectName();
    const id = await register(subject, v1);
    expect(await register(subject, v1)).toBe(id);
    expect((await api('GET', `/subjects/${enc(subject)}/versions`)).body).toEqual([1]);
  });

  it('when the same schema is spelled with other whitespace and key order, it is the same schema', async () => {
    const subject = subjectName();
    const id = await register(subject, v1);
    const parsed = JSON.parse(v1) as Record<string, unknown>;
    const respelled = JSON.stringify(Object.fromEntries(Object.entries(parsed).reverse()), null, 2);
    expect(await register(subject, respelled)).toBe(id);
    expect((await api('GET', `/subjects/${enc(subject)}/versions`)).body).toEqual([1]);
    // The text answered is the one first registered.
    expect((await api('GET', `/schemas/ids/${id}`)).body.schema).toBe(v1);
  });

  it('when the same schema is registered under another subject, it gets the same id', async () => {
    const a = subjectName();
    const b = subjectName();
    const id = await register(a, v1);
    expect(await register(b, v1)).toBe(id);
    expect((await api('GET', `/subjects/${enc(b)}/versions/1`)).body.id).toBe(id);
    const versions = (await api('GET', `/schemas/ids/${id}/versions`)).body as unknown[];
    expect(versions).toEqual(
      expect.arrayContaining([
        { subject: a, version: 1 },
        { subject: b, version: 1 },
      ]),
    );
  });

  it('when a new schema is registered, ids grow and stay stable', async () => {
    const subject = subjectName();
    const first = await register(subject, v1);
    const second = await register(subject, addedWithDefault);
    expect(second).toBeGreaterThan(first);
    expect((await api('GET', `/subjects/${enc(subject)}/versions/1`)).body.id).toBe(first);
    expect((await api('GET', `/subjects/${enc(subject)}/versions/2`)).body.id).toBe(second);
  });

  it.each([
    'application/vnd.schemaregistry.v1+json',
    'application/vnd.schemaregistry+json',
    'application/json',
    'application/json; charset=utf-8',
    'application/octet-stream',
  ])('accepts a request body sent as %s', async (contentType) => {
    const res = await api(
      'POST',
      `/subjects/${enc(subjectName())}/versions`,
      { schema: v1 },
      contentType,
    );
    expect(res.status, res.text).toBe(200);
    expect(res.body.id).toEqual(expect.any(Number));
  });
});

describe('looking a schema up under a subject', () => {
  it('when the schema is registered, answers subject, id, version and schema', async () => {
    const subject = subjectName();
    const id = await register(subject, v1);
    await register(subject, addedWithDefault);
    const res = await api('POST', `/subjects/${enc(subject)}`, { schema: v1 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ subject, id, version: 1, schema: v1 });
  });

  it('when the schema is not registered under the subject, it is 40403', async () => {
    const subject = subjectName();
    await register(subject, v1);
    const res = await api('POST', `/subjects/${enc(subject)}`, { schema: addedWithDefault });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error_code: 40403, message: expect.any(String) });
  });

  it('when the subject is unknown, it is 40401', async () => {
    const res = await api('POST', `/subjects/${enc(subjectName())}`, { schema: v1 });
    expect(res.status).toBe(404);
    expect(res.body.error_code).toBe(40401);
  });
});

describe('compatibility on register (BACKWARD by default)', () => {
  it.each([
    { change: 'a field added with a default', next: addedWithDefault, status: 200 },
    { change: 'a field added without a default', next: addedWithoutDefault, status: 409 },
    { change: 'a field type changed', next: typeChanged, status: 409 },
    { change: 'a field removed', next: fieldRemoved, status: 200 },
  ])('when $change, the register answers $status', async ({ next, status }) => {
    const subject = subjectName();
    await register(subject, v1);
    const res = await api('POST', `/subjects/${enc(subject)}/versions`, { schema: next });
    expect(res.status, res.text).toBe(status);
    if (status === 409) {
      expect(res.body.error_code).toBe(409);
      expect(res.body.message).toMatch(/incompatible with an earlier schema/);
      expect((await api('GET', `/subjects/${enc(subject)}/versions`)).body).toEqual([1]);
    } else {
      expect((await api('GET', `/subjects/${enc(subject)}/versions`)).body).toEqual([1, 2]);
    }
  });
});

describe('the compatibility endpoint', () => {
  it.each([
    { change: 'a field added with a default', next: addedWithDefault, compatible: true },
    { change: 'a field added without a default', next: addedWithoutDefault, compatible: false },
    { change: 'a field type changed', next: typeChanged, compatible: false },
    { change: 'a field removed', next: fieldRemoved, compatible: true },
  ])('when $change, is_compatible is $compatible', async ({ next, compatible }) => {
    const subject = subjectName();
    await register(subject, v1);
    for (const version of ['latest', '1']) {
      const res = await api('POST', `/compatibility/subjects/${enc(subject)}/versions/${version}`, {
        schema: next,
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ is_compatible: compatible });
    }
    const all = await api('POST', `/compatibility/subjects/${enc(subject)}/versions`, {
      schema: next,
    });
    expect(all.body).toEqual({ is_compatible: compatible });
  });

  it('with verbose=true, it explains why', async () => {
    const subject = subjectName();
    await register(subject, v1);
    const bad = await api(
      'POST',
      `/compatibility/subjects/${enc(subject)}/versions/latest?verbose=true`,
      { schema: addedWithoutDefault },
    );
    expect(bad.body.is_compatible).toBe(false);
    expect(bad.body.messages[0]).toMatch(/version 1.*default-less hark\.test\.Thing\.lang/);
    const good = await api(
      'POST',
      `/compatibility/subjects/${enc(subject)}/versions/latest?verbose=true`,
      { schema: addedWithDefault },
    );
    expect(good.body).toEqual({ is_compatible: true, messages: [] });
  });

  it('when the subject is new, latest is compatible; a named version is 40401', async () => {
    const subject = subjectName();
    const latest = await api('POST', `/compatibility/subjects/${enc(subject)}/versions/latest`, {
      schema: v1,
    });
    expect(latest.body).toEqual({ is_compatible: true });
    const named = await api('POST', `/compatibility/subjects/${enc(subject)}/versions/1`, {
      schema: v1,
    });
    expect(named.status).toBe(404);
    expect(named.body.error_code).toBe(40401);
  });

  it('when the version is unknown it is 40402, when malformed 42202', async () => {
    const subject = subjectName();
    await register(subject, v1);
    const unknown = await api('POST', `/compatibility/subjects/${enc(subject)}/versions/5`, {
      schema: v1,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error_code).toBe(40402);
    const malformed = await api('POST', `/compatibility/subjects/${enc(subject)}/versions/abc`, {
      schema: v1,
    });
    expect(malformed.status).toBe(422);
    expect(malformed.body.error_code).toBe(42202);
  });
});

describe('compatibility config', () => {
  it('the global level is BACKWARD, can be changed and is validated', async () => {
    expect((await api('GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    const put = await api('PUT', '/config', { compatibility: 'FULL' });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ compatibility: 'FULL' });
    expect((await api('GET', '/config')).body).toEqual({ compatibilityLevel: 'FULL' });
    const invalid = await api('PUT', '/config', { compatibility: 'SIDEWAYS' });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error_code).toBe(42203);
    await api('PUT', '/config', { compatibility: 'BACKWARD' });
    expect((await api('GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
  });

  it('a subject without its own level is 40408 unless defaultToGlobal=true', async () => {
    const subject = subjectName();
    const res = await api('GET', `/config/${enc(subject)}`);
    expect(res.status).toBe(404);
    expect(res.body.error_code).toBe(40408);
    const fallback = await api('GET', `/config/${enc(subject)}?defaultToGlobal=true`);
    expect(fallback.body).toEqual({ compatibilityLevel: 'BACKWARD' });
  });

  it('when a subject is set to NONE, an incompatible schema goes through', async () => {
    const subject = subjectName();
    await register(subject, v1);
    const put = await api('PUT', `/config/${enc(subject)}`, { compatibility: 'NONE' });
    expect(put.body).toEqual({ compatibility: 'NONE' });
    expect((await api('GET', `/config/${enc(subject)}`)).body).toEqual({
      compatibilityLevel: 'NONE',
    });
    await register(subject, typeChanged);
    expect((await api('GET', `/subjects/${enc(subject)}/versions`)).body).toEqual([1, 2]);
  });

  it('when a subject is set to FORWARD, removing a field without a default is refused', async () => {
    const subject = subjectName();
    await register(subject, v1);
    await api('PUT', `/config/${enc(subject)}`, { compatibility: 'FORWARD' });
    const res = await api('POST', `/subjects/${enc(subject)}/versions`, { schema: fieldRemoved });
    expect(res.status).toBe(409);
    // The same change is fine under the global BACKWARD once the subject level is removed.
    const removed = await api('DELETE', `/config/${enc(subject)}`);
    expect(removed.body).toEqual({ compatibilityLevel: 'FORWARD' });
    expect((await api('GET', `/config/${enc(subject)}`)).body.error_code).toBe(40408);
    await register(subject, fieldRemoved);
  });

  it('deleting a subject level that was never set is 40401; an invalid level is 42203', async () => {
    const subject = subjectName();
    const res = await api('DELETE', `/config/${enc(subject)}`);
    expect(res.status).toBe(404);
    expect(res.body.error_code).toBe(40401);
    const invalid = await api('PUT', `/config/${enc(subject)}`, { compatibility: 'nope' });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error_code).toBe(42203);
  });
});

describe('deleting', () => {
  it('when a subject is soft-deleted, it is hidden, and re-registering continues its versions', async () => {
    const subject = subjectName();
    const id1 = await register(subject, v1);
    await register(subject, addedWithDefault);

    const del = await api('DELETE', `/subjects/${enc(subject)}`);
    expect(del.status).toBe(200);
    expect(del.body).toEqual([1, 2]);

    expect((await api('GET', '/subjects')).body).not.toContain(subject);
    expect((await api('GET', '/subjects?deleted=true')).body).toContain(subject);
    expect((await api('GET', `/subjects/${enc(subject)}/versions`)).body.error_code).toBe(40401);
    expect((await api('GET', `/subjects/${enc(subject)}/versions?deleted=true`)).body).toEqual([
      1, 2,
    ]);
    expect((await api('GET', `/subjects/${enc(subject)}/versions/1`)).body.error_code).toBe(40401);
    expect((await api('GET', `/subjects/${enc(subject)}/versions/1?deleted=true`)).body.id).toBe(
      id1,
    );
    // Records written with the id must stay readable.
    expect((await api('GET', `/schemas/ids/${id1}`)).status).toBe(200);
    expect((await api('GET', `/schemas/ids/${id1}/versions`)).body).not.toContainEqual({
      subject,
      version: 1,
    });
    expect((await api('GET', `/schemas/ids/${id1}/versions?deleted=true`)).body).toContainEqual({
      subject,
      version: 1,
    });

    const again = await api('DELETE', `/subjects/${enc(subject)}`);
    expect(again.status).toBe(404);
    expect(again.body.error_code).toBe(40404);

    expect(await register(subject, v1)).toBe(id1);
    expect((await api('GET', `/subjects/${enc(subject)}/versions`)).body).toEqual([3]);
  });

  it('a permanent delete needs a soft delete first, then removes the subject for good', async () => {
    const subject = subjectName();
    const id = await register(subject, v1);
    await api('PUT', `/config/${enc(subject)}`, { compatibility: 'FULL' });

    const early = await api('DELETE', `/subjects/${enc(subject)}?permanent=true`);
    expect(early.status).toBe(404);
    expect(early.body.error_code).toBe(40405);

    await api('DELETE', `/subjects/${enc(subject)}`);
    const hard = await api('DELETE', `/subjects/${enc(subject)}?permanent=true`);
    expect(hard.status).toBe(200);
    expect(hard.body).toEqual([1]);
    expect((await api('GET', '/subjects?deleted=true')).body).not.toContain(subject);
    expect((await api('GET', `/config/${enc(subject)}`)).body.error_code).toBe(40408);
    expect((await api('DELETE', `/subjects/${enc(subject)}`)).body.error_code).toBe(40401);

    // Ids are forever: the same schema comes back with its id, as version 1.
    expect(await register(subject, v1)).toBe(id);
    expect((await api('GET', `/subjects/${enc(subject)}/versions`)).body).toEqual([1]);
  });

  it('versions are soft-deleted, then permanently deleted, one at a time', async () => {
    const subject = subjectName();
    await register(subject, v1);
    await register(subject, addedWithDefault);
    const base = `/subjects/${enc(subject)}/versions`;

    expect((await api('DELETE', `${base}/1`)).body).toBe(1);
    expect((await api('GET', base)).body).toEqual([2]);
    expect((await api('GET', `${base}/1`)).body.error_code).toBe(40402);

    const twice = await api('DELETE', `${base}/1`);
    expect(twice.status).toBe(404);
    expect(twice.body.error_code).toBe(40406);

    const liveHard = await api('DELETE', `${base}/2?permanent=true`);
    expect(liveHard.status).toBe(404);
    expect(liveHard.body.error_code).toBe(40407);

    expect((await api('DELETE', `${base}/1?permanent=true`)).body).toBe(1);
    expect((await api('GET', `${base}?deleted=true`)).body).toEqual([2]);

    expect((await api('DELETE', `${base}/latest`)).body).toBe(2);
    expect((await api('DELETE', `${base}/9`)).body.error_code).toBe(40402);
  });
});

describe('errors', () => {
  const subject = () => `/subjects/${enc(subjectName())}/versions`;

  it.each([
    ['the schema is not JSON', { schema: '{"type": "record", "name": ' }, /not JSON/],
    ['the schema is not Avro', { schema: '{"type": "recrod", "name": "X"}' }, /Invalid schema/],
    [
      'a record field has an invalid default',
      {
        schema: recordSchema([{ name: 'a', type: 'int', default: 'one' }]),
      },
      /default/,
    ],
    [
      'the schema type is PROTOBUF',
      { schema: 'syntax = "proto3";', schemaType: 'PROTOBUF' },
      /AVRO only/,
    ],
    ['the schema type is JSON', { schema: '{"type":"object"}', schemaType: 'JSON' }, /AVRO only/],
    [
      'the schema references a version that does not exist',
      { schema: v1, references: [{ name: 'hark.test.Other', subject: 'other', version: 1 }] },
      /does not exist/,
    ],
    ['there is no schema', {}, /Empty schema/],
  ])('when %s, register is 422 with 42201', async (_what, body, message) => {
    const res = await api('POST', subject(), body);
    expect(res.status).toBe(422);
    expect(res.contentType).toBe(CONTENT_TYPE);
    expect(res.body).toEqual({ error_code: 42201, message: expect.stringMatching(message) });
  });

  it('when the body is not JSON, it is 400', async () => {
    const res = await api('POST', subject(), '{"schema": ');
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe(400);
  });

  it('when the content type is not one the registry reads, it is 415', async () => {
    const res = await api('POST', subject(), JSON.stringify({ schema: v1 }), 'text/plain');
    expect(res.status).toBe(415);
    expect(res.body.error_code).toBe(415);
    expect(res.body.message).toContain('application/vnd.schemaregistry.v1+json');
  });

  it.each([
    ['an unknown subject', '/subjects/nope-x/versions', 40401],
    ['an unknown subject version', '/subjects/nope-x/versions/1', 40401],
    ['an unknown schema id', '/schemas/ids/999999', 40403],
    ['a schema id that is not a number', '/schemas/ids/abc', 40403],
    ['the versions of an unknown schema id', '/schemas/ids/999999/versions', 40403],
  ])('when reading %s, it is 404 with its code', async (_what, path, code) => {
    const res = await api('GET', path);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error_code: code, message: expect.any(String) });
  });

  it('when a version is unknown it is 40402, when malformed 42202', async () => {
    const s = subjectName();
    await register(s, v1);
    const unknown = await api('GET', `/subjects/${enc(s)}/versions/2`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error_code).toBe(40402);
    for (const bad of ['0', 'first', '2147483648']) {
      const res = await api('GET', `/subjects/${enc(s)}/versions/${bad}`);
      expect(res.status).toBe(422);
      expect(res.body.error_code).toBe(42202);
    }
  });

  it('when the route does not exist, it is 404 in the registry shape', async () => {
    const res = await api('GET', '/no/such/route');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error_code: 404, message: 'HTTP 404 Not Found' });
  });
});

describe('concurrent registrations', () => {
  it('when one schema is registered 10 times at once, there is one id and one version', async () => {
    const subject = subjectName();
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        api('POST', `/subjects/${enc(subject)}/versions`, { schema: v1 }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect((await api('GET', `/subjects/${enc(subject)}/versions`)).body).toEqual([1]);
  });

  it('when one new schema is registered under 10 subjects at once, they share one id', async () => {
    const schema = recordSchema(
      [{ name: 'race', type: 'string' }],
      uniqueName('Race').replace(/-/g, '_'),
    );
    const subjects = Array.from({ length: 10 }, subjectName);
    const answers = await Promise.all(
      subjects.map((s) => api('POST', `/subjects/${enc(s)}/versions`, { schema })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
  });

  it('when 10 different schemas are registered under one subject at once, versions are 1 to 10', async () => {
    const subject = subjectName();
    await api('PUT', `/config/${enc(subject)}`, { compatibility: 'NONE' });
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        api('POST', `/subjects/${enc(subject)}/versions`, {
          schema: recordSchema([{ name: `f${i}`, type: 'int' }]),
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(10);
    expect((await api('GET', `/subjects/${enc(subject)}/versions`)).body).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
  });
});

describe('operations', () => {
  it('/healthz and /readyz answer, /readyz checks the database', async () => {
    expect((await api('GET', '/healthz')).status).toBe(200);
    const ready = await api('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { database: true } });
  });

  it('/metrics counts registry requests by route and status', async () => {
    await api('GET', '/schemas/ids/999999');
    const metrics = (await api('GET', '/metrics')).text;
    expect(metrics).toMatch(
      /hark_registry_requests_total\{method="POST",route="\/subjects\/:subject\/versions",status="200",service="schema-registry"\} \d+/,
    );
    expect(metrics).toMatch(
      /hark_registry_requests_total\{method="GET",route="\/schemas\/ids\/:id",status="404",service="schema-registry"\} \d+/,
    );
    expect(metrics).not.toMatch(/route="\/healthz"/);
  });
});

describe('a deeply nested schema (issue 15, defect 8)', () => {
  it('regression: 20,000 levels of nesting are refused with 422, not a 500 from a stack overflow', async () => {
    const depth = 20_000;
    const nested = '{"type":"array","items":'.repeat(depth) + '"int"' + '}'.repeat(depth);
    // Records take more bytes per level: 10,000 of them stay under the 1 MiB body limit.
    const records =
      '{"type":"record","name":"R","fields":[{"name":"f","type":'.repeat(depth / 2) +
      '"int"' +
      '}]}'.repeat(depth / 2);
    for (const schema of [nested, records]) {
      const r = await call(registry.url, 'POST', '/subjects/deep-value/versions', { schema });
      expect(r.status).toBe(422);
      expect(r.body.error_code).toBe(42201);
      expect(r.body.message).toMatch(/nest/);
    }
    const lookup = await call(registry.url, 'POST', '/subjects/deep-value', { schema: nested });
    expect(lookup.status).toBe(422);
    // The registry still answers afterwards.
    expect((await call(registry.url, 'GET', '/subjects')).status).toBe(200);
  });

  it('a schema nested 50 levels deep is still accepted', async () => {
    const depth = 50;
    const schema = '{"type":"array","items":'.repeat(depth) + '"int"' + '}'.repeat(depth);
    const r = await call(registry.url, 'POST', '/subjects/nested-ok-value/versions', { schema });
    expect(r.status).toBe(200);
  });
});

describe('GET /openapi.json', () => {
  it('describes every registry route with its schemas and the basic-auth scheme', async () => {
    const res = await fetch(`${registry.url}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      paths: Record<string, Record<string, { security?: unknown }>>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(
      routesMissingFromDocument(registry.app, doc, ['/healthz', '/readyz', '/metrics']),
    ).toEqual([]);
    expect(undocumentedOperations(doc)).toEqual([]);
    expect(Object.keys(doc.paths)).toContain('/subjects/{subject}/versions/{version}');
    expect(doc.paths['/subjects/{subject}/versions']!.post!.security).toEqual([{ basicAuth: [] }]);
    expect(doc.components.securitySchemes.basicAuth).toMatchObject({ scheme: 'basic' });
  });
});
