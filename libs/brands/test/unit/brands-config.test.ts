import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadBrandsConfig, parseBrandsConfig } from '../../src/index.ts';

function problems(doc: unknown): string[] {
  try {
    parseBrandsConfig(doc);
  } catch (err) {
    return (err as { context: { problems: string[] } }).context.problems;
  }
  throw new Error('expected a validation error');
}

describe('brands config', () => {
  it('the demo brands file is valid and has a competitive set of several brands', () => {
    const cfg = loadBrandsConfig(
      fileURLToPath(new URL('../../../../deploy/local/brands.yaml', import.meta.url)),
    );
    expect(cfg.brands.length).toBeGreaterThanOrEqual(3);
    expect(cfg.competitiveSets[0]!.brands.length).toBeGreaterThanOrEqual(3);
  });

  it('normalizes # and @ prefixes and fills missing lists', () => {
    const cfg = parseBrandsConfig({
      brands: [{ id: 'acme', name: 'Acme', hashtags: ['#acme'], handles: ['@acme'] }],
    });
    expect(cfg.brands[0]).toEqual({
      id: 'acme',
      name: 'Acme',
      aliases: [],
      hashtags: ['acme'],
      handles: ['acme'],
      keywords: [],
      exclude: [],
    });
    expect(cfg.competitiveSets).toEqual([]);
  });

  it('reports every problem with its path', () => {
    expect(
      problems({
        brands: [
          { id: 'Acme!', name: '' },
          { id: 'b', name: 'B', hashtags: 'oops' },
          { id: 'b', name: 'B2' },
        ],
        competitiveSets: [{ id: 'set', brands: ['b', 'ghost'] }],
      }),
    ).toEqual([
      'brands[0].id: must match /^[a-z0-9][a-z0-9_-]*$/ (got "Acme!")',
      'brands[0].name: must be a non-empty string',
      'brands[1].hashtags: must be a list of strings',
      'brands[2].id: duplicate id "b"',
      'competitiveSets[0].brands[1]: unknown brand "ghost"',
    ]);
  });

  it('rejects an empty document', () => {
    expect(problems(null)).toContain('brands: must list at least one brand');
  });
});
