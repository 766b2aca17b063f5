import { HarkError } from '@hark/errors';
import Fastify from 'fastify';
import { pino } from 'pino';
import {
  documentOnlySchemas,
  parseBearerKeys,
  registerOpenApi,
  requireBearerKey,
  setErrorHandler,
} from '../../src/index.ts';

export const logger = pino({ level: 'silent' });

/** A small API with every piece of the kit: routes open and protected, errors, a document. */
export async function build(opts: { documentOnly?: boolean } = {}) {
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
