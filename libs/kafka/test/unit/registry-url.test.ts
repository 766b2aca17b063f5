import { describe, expect, it } from 'vitest';
import { splitRegistryUrl } from '../../src/registry-client.ts';

describe('splitRegistryUrl', () => {
  it('moves credentials from the URL into a Basic authorization, out of what is logged', () => {
    const { base, authorization } = splitRegistryUrl(
      'http://hark-deploy:p%40ss%3Aword@127.0.0.1:8081/',
    );
    expect(base).toBe('http://127.0.0.1:8081');
    expect(Buffer.from(authorization!.slice(6), 'base64').toString()).toBe('hark-deploy:p@ss:word');
  });
  it('leaves a URL without credentials alone', () => {
    expect(splitRegistryUrl('https://registry.example.com/')).toEqual({
      base: 'https://registry.example.com',
    });
  });
});
