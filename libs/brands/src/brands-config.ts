import { HarkError } from '@hark/errors';
import { readYamlFile } from '@hark/config';

/** One tracked brand, as the brands config describes it. */
export interface Brand {
  /** Stable id used in events and tables (lower case, [a-z0-9_-]). */
  id: string;
  /** Display name; also matched as a term. */
  name: string;
  /** Other names matched as whole words (e.g. "Acme Corp"). */
  aliases: string[];
  /** Hashtags without '#', matched as #tag. */
  hashtags: string[];
  /** Handles without '@', matched as @handle. */
  handles: string[];
  /** Product names and other tracked keywords, matched as whole words. */
  keywords: string[];
  /** Phrases that veto a match when present (e.g. a namesake). */
  exclude: string[];
}

export interface CompetitiveSet {
  id: string;
  name: string;
  /** Brand ids in the set; share of voice is computed within it. */
  brands: string[];
}

export interface BrandsConfig {
  brands: Brand[];
  competitiveSets: CompetitiveSet[];
}

const ID = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * Validates a parsed brands document. Every problem is reported with its
 * path (`brands[2].hashtags[0]`), so one edit fixes them all.
 */
export function parseBrandsConfig(doc: unknown, source = 'brands config'): BrandsConfig {
  const problems: string[] = [];
  const root = (doc ?? {}) as Record<string, unknown>;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    problems.push('root: must be a mapping with `brands`');

  const strings = (v: unknown, path: string): string[] => {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      problems.push(`${path}: must be a list of strings`);
      return [];
    }
    return v.flatMap((s, i) => {
      if (typeof s !== 'string' || s.trim() === '') {
        problems.push(`${path}[${i}]: must be a non-empty string`);
        return [];
      }
      return [s.trim()];
    });
  };

  const rawBrands = root.brands;
  if (!Array.isArray(rawBrands) || rawBrands.length === 0)
    problems.push('brands: must list at least one brand');
  const brands: Brand[] = (Array.isArray(rawBrands) ? rawBrands : []).map(
    (b: Record<string, unknown>, i) => {
      const path = `brands[${i}]`;
      if (typeof b !== 'object' || b === null) {
        problems.push(`${path}: must be a mapping`);
        return {
          id: '',
          name: '',
          aliases: [],
          hashtags: [],
          handles: [],
          keywords: [],
          exclude: [],
        };
      }
      if (typeof b.id !== 'string' || !ID.test(b.id))
        problems.push(`${path}.id: must match ${ID} (got ${JSON.stringify(b.id)})`);
      if (typeof b.name !== 'string' || b.name.trim() === '')
        problems.push(`${path}.name: must be a non-empty string`);
      return {
        id: String(b.id ?? ''),
        name: String(b.name ?? '').trim(),
        aliases: strings(b.aliases, `${path}.aliases`),
        hashtags: strings(b.hashtags, `${path}.hashtags`).map((h) => h.replace(/^#/, '')),
        handles: strings(b.handles, `${path}.handles`).map((h) => h.replace(/^@/, '')),
        keywords: strings(b.keywords, `${path}.keywords`),
        exclude: strings(b.exclude, `${path}.exclude`),
      };
    },
  );
  const ids = new Set<string>();
  for (const [i, b] of brands.entries()) {
    if (ids.has(b.id)) problems.push(`brands[${i}].id: duplicate id "${b.id}"`);
    ids.add(b.id);
  }

  const rawSets = root.competitiveSets ?? [];
  if (!Array.isArray(rawSets)) problems.push('competitiveSets: must be a list');
  const competitiveSets: CompetitiveSet[] = (Array.isArray(rawSets) ? rawSets : []).map(
    (s: Record<string, unknown>, i) => {
      const path = `competitiveSets[${i}]`;
      if (typeof s?.id !== 'string' || !ID.test(s.id))
        problems.push(`${path}.id: must match ${ID}`);
      const members = strings(s?.brands, `${path}.brands`);
      if (members.length < 2)
        problems.push(`${path}.brands: a competitive set needs at least two brands`);
      for (const [j, m] of members.entries()) {
        if (!ids.has(m)) problems.push(`${path}.brands[${j}]: unknown brand "${m}"`);
      }
      return {
        id: String(s?.id ?? ''),
        name: typeof s?.name === 'string' ? s.name : String(s?.id ?? ''),
        brands: members,
      };
    },
  );

  if (problems.length > 0) {
    throw new HarkError(
      'HARK_CONFIG_INVALID',
      `${source} is invalid:\n  ${problems.join('\n  ')}`,
      { context: { source, problems } },
    );
  }
  return { brands, competitiveSets };
}

/** Reads and validates a brands YAML file. */
export function loadBrandsConfig(path: string): BrandsConfig {
  return parseBrandsConfig(readYamlFile(path, 'brands config'), path);
}
