import { describe, expect, it } from 'vitest';
import { authorize, isReadOnly, parseUsers } from '../../src/domain/basic-auth.ts';

const eq = (a: string, b: string) => a === b;
const users = [...parseUsers('svc:read-pw', 'read'), ...parseUsers('deploy:w:r:i:t:e', 'write')];
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

describe('parseUsers', () => {
  it('takes user:password lists, the password being everything after the first colon', () => {
    expect(parseUsers(' a:1 , b:x:y ,', 'write')).toEqual([
      { name: 'a', password: '1', role: 'write' },
      { name: 'b', password: 'x:y', role: 'write' },
    ]);
  });
  it.each(['nopassword', ':pw', 'user:'])('refuses %j without echoing the password', (raw) => {
    expect(() => parseUsers(raw, 'read')).toThrow(/user:password/);
  });
});

describe('isReadOnly', () => {
  it.each([
    ['GET', '/subjects', true],
    ['GET', '/schemas/ids/1', true],
    ['POST', '/subjects/mentions.raw-value', true],
    ['POST', '/subjects/mentions.raw-value?normalize=true', true],
    ['POST', '/compatibility/subjects/s/versions/latest', true],
    ['POST', '/subjects/s/versions', false],
    ['PUT', '/config', false],
    ['PUT', '/config/s', false],
    ['DELETE', '/subjects/s', false],
    ['DELETE', '/subjects/s/versions/1', false],
  ] as const)('%s %s → %s', (method, path, expected) => {
    expect(isReadOnly(method, path)).toBe(expected);
  });
});

describe('authorize', () => {
  it('without users, everything is allowed', () => {
    expect(authorize({ method: 'DELETE', path: '/subjects/s' }, [], eq)).toEqual({ ok: true });
  });
  it('a reader reads and looks schemas up, but may not register, configure or delete', () => {
    const auth = basic('svc', 'read-pw');
    expect(authorize({ method: 'GET', path: '/subjects', authorization: auth }, users, eq)).toEqual(
      { ok: true, user: 'svc' },
    );
    expect(
      authorize({ method: 'POST', path: '/subjects/s', authorization: auth }, users, eq).ok,
    ).toBe(true);
    for (const [method, path] of [
      ['POST', '/subjects/s/versions'],
      ['PUT', '/config'],
      ['DELETE', '/subjects/mentions.raw-value'],
    ])
      expect(
        authorize({ method: method!, path: path!, authorization: auth }, users, eq),
      ).toMatchObject({ ok: false, status: 403, errorCode: 40301 });
  });
  it('a writer does everything, and the scheme is case-insensitive', () => {
    expect(
      authorize(
        {
          method: 'DELETE',
          path: '/subjects/s',
          authorization: basic('deploy', 'w:r:i:t:e').replace('Basic', 'bAsIc'),
        },
        users,
        eq,
      ),
    ).toEqual({ ok: true, user: 'deploy' });
  });
  it.each([
    ['no header', undefined],
    ['a bearer token', 'Bearer abc'],
    ['a wrong password', basic('svc', 'nope')],
    ['an unknown user', basic('who', 'read-pw')],
    ['no colon', `Basic ${Buffer.from('svc').toString('base64')}`],
  ])('refuses %s with 401', (_what, authorization) => {
    expect(authorize({ method: 'GET', path: '/subjects', authorization }, users, eq)).toMatchObject(
      { ok: false, status: 401, errorCode: 40101 },
    );
  });
});
