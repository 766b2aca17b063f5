import { describe, expect, it } from 'vitest';
import { Cache, createKeyCache } from '../../src/key-cache.ts';

const key = (keyId: string, authorRef: string) =>
  Object.freeze({ keyId, authorRef, key: Buffer.alloc(32) });

describe('Cache', () => {
  it('when an entry is older than the ttl, it misses', () => {
    const c = new Cache<number>(10, 100);
    c.set('a', 1, 0);
    expect(c.get('a', 99)?.value).toBe(1);
    expect(c.get('a', 100)).toBeUndefined();
  });

  it('when full, it drops the least recently used entry', () => {
    const c = new Cache<number>(2, 1000);
    c.set('a', 1, 0);
    c.set('b', 2, 0);
    c.get('a', 1);
    c.set('c', 3, 2);
    expect(c.get('a', 3)?.value).toBe(1);
    expect(c.get('b', 3)).toBeUndefined();
    expect(c.get('c', 3)?.value).toBe(3);
  });
});

describe('createKeyCache', () => {
  it('when off, it neither remembers nor answers', () => {
    const cache = createKeyCache({ size: 10, ttlMs: 1000, on: false });
    cache.remember(key('k1', 'x:1'), 0);
    cache.rememberShredded('k2', 0);
    expect(cache.byAuthor('x:1', 1)).toBeUndefined();
    expect(cache.byKeyId('k1', 1)).toBeUndefined();
    expect(cache.byKeyId('k2', 1)).toBeUndefined();
  });

  it('when on, it answers a key by author and by id, and a shredded id as null', () => {
    const cache = createKeyCache({ size: 10, ttlMs: 1000, on: true });
    const k = key('k1', 'x:1');
    cache.remember(k, 0);
    cache.rememberShredded('k2', 0);
    expect(cache.byAuthor('x:1', 1)).toBe(k);
    expect(cache.byKeyId('k1', 1)).toBe(k);
    expect(cache.byKeyId('k2', 1)).toBeNull();
  });

  it('when a key is evicted while on, its author misses and its id answers shredded', () => {
    const cache = createKeyCache({ size: 10, ttlMs: 1000, on: true });
    cache.remember(key('k1', 'x:1'), 0);
    cache.remember(key('k3', 'x:3'), 0);
    cache.evict(['k1'], 1);
    expect(cache.byAuthor('x:1', 2)).toBeUndefined();
    expect(cache.byKeyId('k1', 2)).toBeNull();
    expect(cache.byAuthor('x:3', 2)?.keyId).toBe('k3');
  });

  it('when disabled, it forgets everything; enabling starts from empty', () => {
    const cache = createKeyCache({ size: 10, ttlMs: 1000, on: true });
    cache.remember(key('k1', 'x:1'), 0);
    cache.disable();
    expect(cache.on).toBe(false);
    cache.enable();
    expect(cache.on).toBe(true);
    expect(cache.byAuthor('x:1', 1)).toBeUndefined();
    expect(cache.byKeyId('k1', 1)).toBeUndefined();
  });
});
