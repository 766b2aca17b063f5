import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCase, type CorpusCase } from '../corpus/run-case.ts';

// The real-payload corpus (test/corpus/README.md): every payload, its source
// and what the collector must make of it, checked one by one.
const root = new URL('../corpus/', import.meta.url).pathname;
const cases = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(join(root, d.name))
      .filter((f) => f.endsWith('.json'))
      .map((f) => {
        const dir = join(root, d.name);
        const c = JSON.parse(readFileSync(join(dir, f), 'utf8')) as CorpusCase;
        return { name: `${d.name}/${f.replace(/\.json$/, '')}`, dir, c };
      }),
  );

describe('real-payload corpus', () => {
  it('holds at least 150 payloads across X, Reddit, Mastodon, Bluesky (with Jetstream) and feeds', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    const per = (prefix: string) => cases.filter((k) => k.name.startsWith(prefix)).length;
    for (const p of ['x/', 'reddit/', 'mastodon/', 'bluesky/', 'feeds/']) {
      expect(per(p), p).toBeGreaterThanOrEqual(20);
    }
    expect(per('bluesky/jetstream-')).toBeGreaterThanOrEqual(20);
    for (const kind of ['<rss', '<feed', '<rdf:RDF']) {
      const n = cases.filter(
        (k) =>
          k.c.payloadFile && readFileSync(join(k.dir, k.c.payloadFile), 'latin1').includes(kind),
      ).length;
      expect(n, kind).toBeGreaterThan(0);
    }
  });

  it.each(cases)('$name names its source and licence and has an expectation', ({ c }) => {
    expect(c.source.repo).toMatch(/^[\w.-]+\/[\w.-]+$/);
    expect(c.source.path).not.toBe('');
    expect(c.source.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(c.source.licence).not.toBe('');
    expect(c.expected?.items).toBeDefined();
  });

  it.each(cases)('$name maps exactly as expected', ({ c, dir }) => {
    expect(runCase(c, dir)).toEqual(c.expected);
  });
});
