import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { matchBearerKey, parseBearerKeys } from '../../src/index.ts';
import { build } from './build-api.ts';

describe('one bearer-key hook', () => {
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
});
