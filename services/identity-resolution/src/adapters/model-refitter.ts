import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { AuthorInput } from '../domain/author.ts';
import type { CustomerIndex } from '../domain/customer-index.ts';
import { applyFit, fitFromVectors, type FittedModel } from '../domain/estimate-model.ts';
import type { ActiveModel, Matcher } from '../domain/match-author.ts';
import type { ComparisonVector, MatchModel } from '../domain/scoring.ts';

const SLICE = 100;
import type { ModelRepository, StoredModel } from './model-repository.ts';

export interface ModelRefitter {
  /** Puts the latest stored model in force, then refits every interval. */
  start(): Promise<void>;
  /** Remembers an author seen in traffic (the latest `sampleSize` distinct ones, in memory only). */
  observe(author: AuthorInput): void;
  /** Fits from the authors seen since the last fit, stores the version, puts it in force. */
  refit(): Promise<StoredModel | null>;
  close(): Promise<void>;
}

/** What every fuzzy decision's evidence says about the model that made it. */
export function activeModelOf(stored: StoredModel, base: MatchModel): ActiveModel {
  return {
    model: applyFit(base, stored),
    prior: stored.prior,
    label:
      `model v${stored.version} fitted ${stored.fittedAt.toISOString()} ` +
      `from ${stored.authors} authors (${(stored.prior * 100).toFixed(1)}% customers)`,
  };
}

/**
 * Re-estimates the matcher's parameters from recent traffic: authors are
 * remembered as they are resolved; every `intervalMs`, when at least
 * `minAuthors` were seen, u comes from random customer pairs and m and the
 * prior from EM over those authors' candidates (see estimate-model.ts). Each
 * fit is stored in `match_models` as a new version and used at once, by this
 * instance; the others pick up the latest version at their next start or
 * fit. The profiles are dropped after each fit: only parameters are stored.
 */
export function createModelRefitter(deps: {
  models: ModelRepository;
  index: CustomerIndex;
  matcher: Matcher;
  base: MatchModel;
  logger: Logger;
  registry: Registry;
  /** 0: no periodic refit (refit() still works). */
  intervalMs: number;
  sampleSize: number;
  minAuthors: number;
}): ModelRefitter {
  const log = deps.logger.child({ component: 'model-refitter' });
  const registers = [deps.registry];
  const versionGauge = new Gauge({
    name: 'hark_identity_model_version',
    help: 'Version of the fitted matching model in force (0: the built-in one).',
    registers,
  });
  const priorGauge = new Gauge({
    name: 'hark_identity_model_prior',
    help: 'Learned share of observed authors who are customers.',
    registers,
  });
  const fits = new Counter({
    name: 'hark_identity_model_fits_total',
    help: 'Model fits from traffic, by result (stored, too_few_authors, failed).',
    labelNames: ['result'],
    registers,
  });
  const seen = new Map<string, AuthorInput>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<StoredModel | null> | null = null;

  function use(stored: StoredModel): void {
    deps.matcher.useModel(activeModelOf(stored, deps.base));
    versionGauge.set(stored.version);
    priorGauge.set(stored.prior);
  }

  async function fitAndStore(): Promise<StoredModel | null> {
    if (seen.size < deps.minAuthors || deps.index.size < 2) {
      fits.inc({ result: 'too_few_authors' });
      return null;
    }
    const authors = [...seen.values()];
    seen.clear();
    const started = performance.now();
    // Comparing 2000 authors with their candidates takes seconds at a million customers:
    // in slices, so the stage's batches and heartbeats run in between.
    const vectors: ComparisonVector[][] = [];
    for (let i = 0; i < authors.length; i += SLICE) {
      for (const a of authors.slice(i, i + SLICE)) vectors.push(deps.matcher.comparisonVectors(a));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const fit: FittedModel = fitFromVectors(deps.index, vectors, deps.base);
    const ms = Math.round(performance.now() - started);
    const stored = await deps.models.insert(fit);
    use(stored);
    fits.inc({ result: 'stored' });
    log.info(
      {
        version: stored.version,
        prior: fit.prior,
        authors: fit.authors,
        pairs: fit.pairs,
        iterations: fit.iterations,
        ms,
      },
      'fitted the matching model from traffic',
    );
    return stored;
  }

  function refit(): Promise<StoredModel | null> {
    running ??= fitAndStore()
      .catch((err: unknown) => {
        fits.inc({ result: 'failed' });
        log.warn({ err }, 'model fit failed; the model in force stays');
        return null;
      })
      .finally(() => {
        running = null;
      });
    return running;
  }

  return {
    async start() {
      const latest = await deps.models.latest();
      if (latest) {
        use(latest);
        log.info({ version: latest.version, prior: latest.prior }, 'matching model loaded');
      }
      if (deps.intervalMs > 0) {
        timer = setInterval(() => void refit(), deps.intervalMs);
        timer.unref();
      }
    },
    observe(author) {
      const key = `${author.platform}:${author.id}`;
      seen.delete(key);
      seen.set(key, author);
      if (seen.size > deps.sampleSize) seen.delete(seen.keys().next().value!);
    },
    refit,
    async close() {
      clearInterval(timer);
      await running;
      seen.clear();
    },
  };
}
