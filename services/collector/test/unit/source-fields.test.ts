import { describe, expect, it } from 'vitest';
import { SourceFields } from '../../src/domain/source-fields.ts';

const fields = () => new SourceFields({ TOKEN: 's3cret' }, new Set(['acme']));

describe('source fields', () => {
  it('an id must match the pattern and be unique in its id space, each problem reported', () => {
    const f = fields();
    const seen = new Set<string>();
    expect(f.id({ id: 'a' }, 'id', 'pollers[0]', seen)).toBe('a');
    expect(f.id({ id: 'a' }, 'id', 'streams[0]', seen)).toBe('a');
    expect(f.id({ id: 'Bad Id' }, 'id', 'streams[1]', seen)).toBe('Bad Id');
    expect(f.id({}, 'id', 'streams[2]', seen)).toBeUndefined();
    expect(f.problems).toEqual([
      'streams[0].id: duplicate "a"',
      'streams[1].id: must match ^[a-z0-9][a-z0-9_-]{0,63}$',
      'streams[2].id: is required',
    ]);
  });

  it('a missing kind is undefined, an unknown one null, both reported', () => {
    const f = fields();
    expect(f.kind({ kind: 'feed' }, 'p', ['feed'])).toBe('feed');
    expect(f.kind({}, 'p', ['feed'])).toBeUndefined();
    expect(f.kind({ kind: 'ftp' }, 'p', ['feed'])).toBeNull();
    expect(f.problems).toEqual(['p.kind: is required', 'p.kind: must be one of feed (got "ftp")']);
  });

  it('secrets come from the environment variable the file names, never from the file', () => {
    const f = fields();
    expect(f.secret({ tokenEnv: 'TOKEN' }, 'tokenEnv', 's', true)).toBe('s3cret');
    expect(f.secret({ tokenEnv: 'MISSING' }, 'tokenEnv', 's', true)).toBeUndefined();
    expect(f.problems).toEqual(['s.tokenEnv: environment variable MISSING is not set']);
  });

  it('when a number or URL is refused, the fallback or undefined comes back with the problem', () => {
    const f = fields();
    expect(f.positive({ limit: 0 }, 'limit', 'p', 40, 40)).toBe(40);
    expect(f.httpUrl({ url: 'ftp://x' }, 'url', 'p')).toBeUndefined();
    expect(f.httpUrl({}, 'url', 'p', 'https://www.reddit.com')).toBe('https://www.reddit.com');
    expect(f.brand({ brand: 'globex' }, 'p')).toBe('globex');
    expect(f.problems).toEqual([
      'p.limit: must be a whole number from 1 to 40',
      'p.url: must be an http(s) URL, got "ftp://x"',
      'p.brand: unknown brand "globex"',
    ]);
  });
});
