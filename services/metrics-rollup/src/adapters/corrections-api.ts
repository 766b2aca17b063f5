import { parseBearerKeys, registerBearerApi, type BearerApiOptions } from '@hark/http';
import type { OpsServer } from '@hark/observability';
import type { Logger } from 'pino';
import { registerCorrectionRoutes } from './correction-routes.ts';
import type { CorrectionsStore } from './corrections-store.ts';
import type { RollupMetrics } from './rollup-metrics.ts';

type App = OpsServer['app'];

export interface CorrectionsApiDeps {
  store: CorrectionsStore;
  /** `principal:key` or a bare key (the request must then name `correctedBy`). */
  apiKeys: readonly string[];
  /** False until migrations ran: the API answers 503 meanwhile. */
  isStarted: () => boolean;
  metrics: RollupMetrics;
  logger: Logger;
}

/**
 * The corrections API under /v1 on the ops server (port OPS_PORT): analysts
 * set the sentiment and/or intent of mentions; each correction is stored
 * with who and why and restates the rollups in the same transaction; the
 * history can be listed and the corrections exported as labeled data.
 * Every route needs `Authorization: Bearer <key>`; errors answer
 * `{ code, message, statusCode }`; the OpenAPI document is at /openapi.json.
 */
export async function registerCorrectionsApi(app: App, deps: CorrectionsApiDeps): Promise<void> {
  const log = deps.logger.child({ component: 'corrections-api' });
  const api: BearerApiOptions = {
    prefix: '/v1',
    openapi: {
      title: 'hark metrics-rollup corrections',
      version: '0.1.0',
      description: 'Analysts correct the sentiment and intent of counted mentions.',
      bearerKey: 'A key from ROLLUP_API_KEYS, `principal:key` or bare.',
    },
    errors: {
      logger: log,
      badRequestCode: 'HARK_ROLLUP_API_BAD_REQUEST',
      internal: { code: 'HARK_ROLLUP_API_FAILED', message: 'internal error' },
    },
    bearer: {
      keys: parseBearerKeys(deps.apiKeys),
      code: 'HARK_ROLLUP_API_UNAUTHORIZED',
      message: () =>
        deps.apiKeys.length === 0
          ? 'the corrections API is closed: set ROLLUP_API_KEYS'
          : 'send Authorization: Bearer <a ROLLUP_API_KEYS key>',
      challenge: 'Bearer',
    },
    startup: { isStarted: deps.isStarted, message: 'the service is still starting; retry' },
  };
  await registerBearerApi(app, api, (scope) =>
    registerCorrectionRoutes(scope, { store: deps.store, metrics: deps.metrics, log }),
  );
}
