import type { Pool } from '@hark/db';
import type { FittedModel, LevelTable } from '../domain/estimate-model.ts';

export interface StoredModel extends FittedModel {
  version: number;
  fittedAt: Date;
}

export interface ModelRepository {
  /** The latest fitted model, or null before the first fit. */
  latest(): Promise<StoredModel | null>;
  /** Stores a fit as the next version. */
  insert(fit: FittedModel): Promise<StoredModel>;
}

interface Row {
  version: string;
  fitted_at: Date;
  prior: number;
  m: LevelTable;
  u: LevelTable;
  authors: number;
  pairs: number;
  customers: number;
  iterations: number;
  random_pairs: number;
}

const fromRow = (r: Row): StoredModel => ({
  version: Number(r.version),
  fittedAt: r.fitted_at,
  prior: r.prior,
  m: r.m,
  u: r.u,
  authors: r.authors,
  pairs: r.pairs,
  customers: r.customers,
  iterations: r.iterations,
  randomPairs: r.random_pairs,
});

export function createModelRepository(deps: { pool: Pool }): ModelRepository {
  return {
    async latest() {
      const { rows } = await deps.pool.query<Row>(
        'select * from match_models order by version desc limit 1',
      );
      return rows[0] ? fromRow(rows[0]) : null;
    },
    async insert(fit) {
      const { rows } = await deps.pool.query<Row>(
        `insert into match_models (prior, m, u, authors, pairs, customers, iterations, random_pairs)
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning *`,
        [
          fit.prior,
          JSON.stringify(fit.m),
          JSON.stringify(fit.u),
          fit.authors,
          fit.pairs,
          fit.customers,
          fit.iterations,
          fit.randomPairs,
        ],
      );
      return fromRow(rows[0]!);
    },
  };
}
