/**
 * Public person-record linkage benchmarks, reduced to what a social profile
 * shows: the CRM holds one record per person with name and place; authors are
 * other records of the same people (with the errors the benchmark carries) or
 * of people not in the CRM, as a display name and a free-text location.
 * Sources and licences: bench/data/SOURCES.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { StoredCustomer } from '../src/domain/customer.ts';
import type { AuthorInput } from '../src/domain/author.ts';
import { generateWorld } from './generate.ts';

export const DATA_DIR = fileURLToPath(new URL('./data/', import.meta.url));

export interface LinkageAuthor {
  input: AuthorInput;
  /** External id of the customer this author is, or null. */
  truth: string | null;
  /** dev: may be looked at while changing the matcher; test: never. */
  split: 'dev' | 'test';
  /** How a generated author was made (name, handle, location noise); absent for real sets. */
  noise?: readonly string[];
}

export interface LinkageSet {
  name: string;
  customers: StoredCustomer[];
  authors: LinkageAuthor[];
}

/** FNV-1a: a stable hash, so splits and samples do not depend on file order. */
export function stableHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Half of the people go to each split, by a hash of their true identity. */
export const splitOf = (personKey: string): 'dev' | 'test' =>
  stableHash(`split:${personKey}`) % 2 === 0 ? 'dev' : 'test';

/** The dev and test halves of a set's authors (see LinkageAuthor.split). */
export function splitAuthors(set: LinkageSet): { dev: LinkageAuthor[]; test: LinkageAuthor[] } {
  return {
    dev: set.authors.filter((a) => a.split === 'dev'),
    test: set.authors.filter((a) => a.split === 'test'),
  };
}

/** The generator as the quality benchmarks run it by default. */
export const GENERATOR_DEFAULTS = { seed: 20261124, customers: 100_000, authors: 20_000 };

/**
 * The project's generator: half the authors derived from customers with
 * noise, a quarter look-alikes, a quarter unrelated; split by author id.
 */
export function loadGenerator(o: { seed: number; customers: number; authors: number }): LinkageSet {
  const world = generateWorld({
    seed: o.seed,
    customers: o.customers,
    derived: Math.round(o.authors * 0.5),
    lookalikes: Math.round(o.authors * 0.25),
    unrelated: Math.round(o.authors * 0.25),
  });
  return {
    name: `generator (seed ${o.seed})`,
    customers: world.customers,
    authors: world.authors.map((a) => ({
      input: a.input,
      truth: a.truth,
      split: splitOf(a.input.id),
      noise: a.variants,
    })),
  };
}

function readCsv(path: string): Record<string, string>[] {
  return parse(readFileSync(path), { columns: true, skip_empty_lines: true, relax_quotes: true });
}

function customer(
  id: number,
  externalId: string,
  first: string,
  last: string,
  place: { city?: string; region?: string; country?: string },
): StoredCustomer {
  return {
    id,
    externalId,
    firstName: first || null,
    lastName: last || null,
    fullName: [first, last].filter(Boolean).join(' ') || null,
    emails: [],
    phones: [],
    company: null,
    city: place.city || null,
    region: place.region || null,
    country: place.country || null,
    tier: null,
    value: null,
    handles: [],
  };
}

function author(id: string, name: string, location: string): AuthorInput {
  return {
    platform: 'x',
    id,
    handle: '',
    name: name || null,
    email: null,
    location: location || null,
    verified: false,
  };
}

/**
 * Splink's historical_50k (Wikidata people with generated errors, UK places):
 * the first record of 70% of the people is the CRM; one other record of
 * every person is an author (a customer's or not).
 */
export function loadSplinkHistorical(): LinkageSet | null {
  const path = join(DATA_DIR, 'splink-historical-50k', 'records.csv');
  if (!existsSync(path)) return null;
  const byCluster = new Map<string, Record<string, string>[]>();
  for (const r of readCsv(path)) {
    const list = byCluster.get(r.cluster!) ?? [];
    list.push(r);
    byCluster.set(r.cluster!, list);
  }
  const customers: StoredCustomer[] = [];
  const authors: LinkageAuthor[] = [];
  for (const [cluster, records] of byCluster) {
    if (records.length < 2) continue;
    const inCrm = stableHash(`crm:${cluster}`) % 10 < 7;
    const crm = records[0]!;
    if (inCrm) {
      customers.push(
        customer(customers.length + 1, cluster, crm.first_name!, crm.surname!, {
          city: crm.birth_place,
          country: 'gb',
        }),
      );
    }
    const other = records[1 + (stableHash(`author:${cluster}`) % (records.length - 1))]!;
    authors.push({
      input: author(
        other.unique_id!,
        `${other.first_name ?? ''} ${other.surname ?? ''}`.trim(),
        other.birth_place ?? '',
      ),
      truth: inCrm ? cluster : null,
      split: splitOf(cluster),
    });
  }
  return { name: 'Splink historical_50k (Wikidata people, generated errors)', customers, authors };
}

/**
 * The Union Army set (census of 1900 vs military service records, matched by
 * hand): the census file (soldiers and their families, so many namesakes) is
 * the CRM, each service record an author; the birth place (a state, or a
 * country for immigrants) is the only place both sides carry.
 */
export function loadUnionArmy(): LinkageSet | null {
  const dir = join(DATA_DIR, 'union-army');
  if (!existsSync(join(dir, 'CEN.csv')) || !existsSync(join(dir, 'MSR.csv'))) return null;
  const customers: StoredCustomer[] = [];
  const labels = new Set<string>();
  for (const r of readCsv(join(dir, 'CEN.csv'))) {
    const label = r.label_true && r.label_true !== 'NA' ? r.label_true : '';
    // Family members carry no label: they are customers nobody should be linked to by mistake.
    const externalId = label ? `UA${label}` : `CEN${r.record_id}`;
    if (label) labels.add(externalId);
    customers.push(
      customer(customers.length + 1, externalId, r.first_name ?? '', r.last_name ?? '', {
        region: r.birth_place,
      }),
    );
  }
  const authors: LinkageAuthor[] = [];
  for (const r of readCsv(join(dir, 'MSR.csv'))) {
    const label = r.label_true && r.label_true !== 'NA' ? `UA${r.label_true}` : '';
    authors.push({
      input: author(
        `MSR${r.record_id}`,
        `${r.first_name ?? ''} ${r.last_name ?? ''}`.trim(),
        r.birth_place ?? '',
      ),
      truth: label && labels.has(label) ? label : null,
      split: splitOf(label || `MSR${r.record_id}`),
    });
  }
  return { name: 'Union Army (1900 census vs service records, hand-linked)', customers, authors };
}
