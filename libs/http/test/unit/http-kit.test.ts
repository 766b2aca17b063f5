import { HarkError } from '@hark/errors';
import Fastify from 'fastify';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import {
  documentOnlySchemas,
  matchBearerKey,
  parseBearerKeys,
  registerOpenApi,
  requireBearerKey,
  routesMissingFromDocument,
  setErrorHandler,
} from '../../src/index.ts';
import { createHash } from 'node:crypto';

const logger = pino({ level: 'silent' });

async function build(opts: { documentOnly?: boolean } = {}) {
  const app = Fastify();
  setErrorHandler(app, {
    logger,
    badRequestCode: 'HARK_IDENTITY_API_BAD_REQUEST',
    internal: { code: 'HARK_IDENTITY_API_FAILED', message: 'internal error' },
  });
  registerOpenApi(app, { title: 'test', version: '1.0.0' });
  await app.register(async (api) => {
    if (opts.documentOnly) documentOnlySchemas(api);
    requireBearerKey(api, {
      keys: parseBearerKeys(['alice:k1', 'k2']),
      code: 'HARK_IDENTITY_API_UNAUTHORIZED',
      message: (h) => (h ? 'unknown key' : 'no key'),
      challenge: 'Bearer',
      protects: (route) => route.url !== '/open',
    });
    api.post(
      '/things',
      {
        schema: {
          body: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
        },
      },
      async (req) => ({ principal: req.principal }),
    );
    api.get('/open', { schema: { response: { 200: { type: 'object' } } } }, async () => ({}));
    api.get('/gone', async () => {
      throw new HarkError('HARK_IDENTITY_NOT_FOUND', 'nobody', { context: { field: 'id' } });
    });
    api.get('/bug', async () => {
      throw new TypeError('boom');
    });
  });
  return app;
}

describe('the HTTP kit', () => {
  it('answers a HarkError with its code’s HTTP status and the field it names', async () => {
    const app = await build();
    const res = await app.inject({ url: '/gone', headers: { authorization: 'Bearer k2' } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      code: 'HARK_IDENTITY_NOT_FOUND',
      message: 'nobody',
      statusCode: 404,
      field: 'id',
    });
  });

  it('answers a schema violation 400 under the API’s bad-request code, naming the path', async () => {
    const app = await build();
    const res = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { authorization: 'Bearer k2' },
      payload: {},
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'HARK_IDENTITY_API_BAD_REQUEST', statusCode: 400 });
    expect(res.json().message).toContain('body');
  });

  it('with document-only schemas, the handler sees input the schema would refuse', async () => {
    const app = await build({ documentOnly: true });
    const res = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { authorization: 'Bearer k2' },
      payload: {},
    });
    expect(res.statusCode).toBe(200);
  });

  it('hides an unexpected error behind the internal answer', async () => {
    const app = await build();
    const res = await app.inject({ url: '/bug', headers: { authorization: 'Bearer k1' } });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      code: 'HARK_IDENTITY_API_FAILED',
      message: 'internal error',
      statusCode: 500,
    });
  });

  it.each([
    [undefined, 'no key'],
    ['Bearer nope', 'unknown key'],
    ['Basic azE=', 'unknown key'],
  ])('refuses Authorization %s with 401 and a challenge', async (authorization, message) => {
    const app = await build();
    const res = await app.inject({
      method: 'POST',
      url: '/things',
      headers: authorization ? { authorization } : {},
      payload: { name: 'x' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.json()).toEqual({
      code: 'HARK_IDENTITY_API_UNAUTHORIZED',
      message,
      statusCode: 401,
    });
  });

  it.each([
    ['Bearer k1', 'alice'],
    ['bearer   k1 ', 'alice'],
    ['BEARER k2', null],
  ])('accepts %s as principal %s (the scheme is case-insensitive)', async (authorization, who) => {
    const app = await build();
    const res = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { authorization },
      payload: { name: 'x' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ principal: who });
  });

  it('leaves routes it does not protect open', async () => {
    const app = await build();
    expect((await app.inject({ url: '/open' })).statusCode).toBe(200);
  });

  it('matches a key only in full', () => {
    const keys = parseBearerKeys(['a:secret']).map((k) => ({
      principal: k.principal,
      digest: createHash('sha256').update(k.key).digest(),
    }));
    expect(matchBearerKey('Bearer secre', keys)).toBeUndefined();
    expect(matchBearerKey('Bearer a:secret', keys)).toBeUndefined();
    expect(matchBearerKey('Bearer secret', keys)).toEqual({ principal: 'a' });
  });

  it('generates the OpenAPI document from the route schemas, with the security scheme', async () => {
    const app = await build();
    const doc = (await app.inject({ url: '/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/bug',
      '/gone',
      '/open',
      '/openapi.json',
      '/things',
    ]);
    expect(doc.paths['/things'].post.security).toEqual([{ bearerKey: [] }]);
    expect(doc.paths['/open'].get.security).toBeUndefined();
    expect(doc.paths['/things'].post.requestBody.content['application/json'].schema).toMatchObject({
      required: ['name'],
    });
    expect(routesMissingFromDocument(app, doc)).toEqual([]);
    expect(doc.components.securitySchemes.bearerKey).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
  });
});

describe('routesMissingFromDocument', () => {
  it('names a route the document leaves out', async () => {
    const app = Fastify();
    app.get('/healthz', async () => ({}));
    registerOpenApi(app, { title: 't', version: '1' });
    await app.register(async (api) => {
      api.post('/v1/things/:id', { schema: { hide: true } }, async () => ({}));
    });
    await app.ready();
    const doc = app.swagger() as { paths?: Record<string, Record<string, unknown>> };
    expect(routesMissingFromDocument(app, doc, ['/healthz'])).toEqual(['POST /v1/things/:id']);
  });
});

describe('setErrorHandler', () => {
  async function answer(err: unknown, opts: Partial<Parameters<typeof setErrorHandler>[1]> = {}) {
    const app = Fastify();
    const seen: unknown[] = [];
    setErrorHandler(app, {
      logger,
      badRequestCode: 'HARK_ROLLUP_API_BAD_REQUEST',
      internal: { code: 'HARK_ROLLUP_API_FAILED', message: 'internal error' },
      onAnswer: (problem) => seen.push(problem),
      ...opts,
    });
    app.get('/', async () => {
      throw err;
    });
    const res = await app.inject({ url: '/' });
    return { status: res.statusCode, body: res.json(), seen };
  }

  it('answers a retriable error whose code has no HTTP meaning 503, not 500', async () => {
    const err = new HarkError('HARK_ROLLUP_WRITE_FAILED', 'failover', { retriable: true });
    expect((await answer(err)).status).toBe(503);
    expect((await answer(new HarkError('HARK_ROLLUP_WRITE_FAILED'))).status).toBe(500);
  });

  it('answers Fastify’s own 4xx under the API’s bad-request code with its status', async () => {
    const err = Object.assign(new Error('Request body is too large'), { statusCode: 413 });
    expect(await answer(err)).toMatchObject({
      status: 413,
      body: { code: 'HARK_ROLLUP_API_BAD_REQUEST', statusCode: 413 },
    });
  });

  it('lets a service translate, render and observe an answer', async () => {
    const { status, body, seen } = await answer(new TypeError('x'), {
      translate: () => ({ statusCode: 418, message: 'teapot', details: { errorCode: 41801 } }),
      render: (p) => ({ error_code: p.details?.errorCode, message: p.message }),
    });
    expect(status).toBe(418);
    expect(body).toEqual({ error_code: 41801, message: 'teapot' });
    expect(seen).toEqual([{ statusCode: 418, message: 'teapot', details: { errorCode: 41801 } }]);
  });

  it('never sends an internal error’s message', async () => {
    const { body } = await answer(new Error('password=hunter2 in a connection string'));
    expect(JSON.stringify(body)).not.toContain('hunter2');
  });
});
