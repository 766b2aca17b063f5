import type { Pool } from '@hark/db';
import type { Logger } from '@hark/observability';
import type { Registry } from 'prom-client';
import type { IdentityConfig } from '../config.ts';
import { CustomerIndex } from '../domain/customer-index.ts';
import { Matcher } from '../domain/match-author.ts';
import { DEFAULT_MODEL } from '../domain/scoring.ts';
import { loadGazetteer } from './gazetteer-file.ts';
import type { CustomerRepository } from './customer-repository.ts';
import { createIndexRefresher, type IndexRefresher } from './index-refresher.ts';
import { createModelRefitter, type ModelRefitter } from './model-refitter.ts';
import { createModelRepository } from './model-repository.ts';

export interface Matching {
  index: CustomerIndex;
  matcher: Matcher;
  /** Loads the customers into the index, then follows changes. */
  refresher: IndexRefresher;
  /** Re-estimates the matching model from the authors seen. */
  refitter: ModelRefitter;
}

/** The in-memory customer index, the matcher over it, and the two loops that keep them current. */
export function createMatching(deps: {
  config: IdentityConfig;
  pool: Pool;
  customers: CustomerRepository;
  logger: Logger;
  registry: Registry;
}): Matching {
  const { config, pool, logger, registry } = deps;
  const index = new CustomerIndex({ gazetteer: loadGazetteer() });
  const matcher = new Matcher(index, {
    upper: config.matchUpper,
    lower: config.matchLower,
    ambiguityBits: config.matchAmbiguityBits,
    population: config.matchPopulation,
    maxBlock: config.maxBlockSize,
    maxWeakBlock: config.maxWeakBlockSize,
    corroborationBits: config.matchCorroborationBits,
    model: DEFAULT_MODEL,
  });
  const refitter = createModelRefitter({
    models: createModelRepository({ pool }),
    index,
    matcher,
    base: DEFAULT_MODEL,
    logger,
    registry,
    intervalMs: config.matchRefitMs,
    sampleSize: config.matchRefitSample,
    minAuthors: config.matchRefitMinAuthors,
  });
  const refresher = createIndexRefresher({
    pool,
    customers: deps.customers,
    index,
    logger,
    registry,
    intervalMs: config.indexRefreshMs,
  });
  return { index, matcher, refresher, refitter };
}
