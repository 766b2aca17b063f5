import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerOpenApi, routesMissingFromDocument } from '../../src/index.ts';
import { build } from './build-api.ts';

describe('the OpenAPI document', () => {
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
