import { HarkError } from '@hark/errors';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { setErrorHandler } from '../../src/index.ts';
import { build, logger } from './build-api.ts';

describe('one error handler', () => {
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
