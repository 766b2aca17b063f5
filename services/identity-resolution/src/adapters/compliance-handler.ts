import { withTransaction, type Pool } from '@hark/db';
import { HarkError } from '@hark/errors';
import type { ComplianceEvent } from '@hark/events';
import type { StageRecord } from '@hark/kafka';
import type { HandlerResult } from '@hark/stage-runtime';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { complianceAction, type ErasureSubject } from '../domain/erasure-plan.ts';
import {
  eraseSubject,
  expireEventOutbox,
  readOutbox,
  type Shredder,
} from './privacy-repository.ts';

/**
 * identity-resolution's side of the compliance topic. An account deleted on
 * its platform or an author erasure removes the account's identity row and
 * review item and tombstones its identity.links key; a customer erasure
 * empties the customer (the index refresher then drops it from matching)
 * and unlinks its accounts. One transaction per event; the tombstones come
 * from the outbox that transaction wrote, so a re-delivery after a crash
 * between commit and produce still produces them. Idempotent.
 */
export function createComplianceHandler(deps: {
  pool: Pool;
  secret: Buffer;
  shred: Shredder | undefined;
  logger: Logger;
  registry: Registry;
  now?: () => number;
}): (
  records: StageRecord<ComplianceEvent>[],
) => Promise<HandlerResult<ComplianceEvent, { links: 'IdentityLink' }>> {
  const log = deps.logger.child({ component: 'compliance' });
  const handled = new Counter({
    name: 'hark_identity_compliance_events_total',
    help: 'Compliance events handled by identity-resolution, by kind and what was done.',
    labelNames: ['kind', 'action'],
    registers: [deps.registry],
  });
  const now = deps.now ?? Date.now;
  let lastExpiry = 0;

  return async (records) => {
    const outputs: HandlerResult<ComplianceEvent, { links: 'IdentityLink' }>['outputs'] = [];
    try {
      if (now() - lastExpiry > 3_600_000) {
        await expireEventOutbox(deps.pool);
        lastExpiry = now();
      }
      for (const record of records) {
        const e = record.value;
        const action = complianceAction(e);
        handled.inc({ kind: e.kind, action: action.do });
        if (action.do === 'nothing') continue;
        const subject: ErasureSubject =
          action.do === 'erase-author'
            ? { kind: 'author', platform: action.platform, authorId: action.authorId }
            : { kind: 'customer', customerId: action.customerId };
        const origin = `event:${e.eventId}`;
        const result = await withTransaction(deps.pool, (client) =>
          eraseSubject(client, {
            subject,
            origin,
            requestId: e.requestId,
            stepEventId: e.requestId ? e.eventId : null,
            secret: deps.secret,
            now: now(),
            source: e.source,
            emitEvents: false,
            shred: action.do === 'erase-author' && action.shred ? deps.shred : undefined,
          }),
        );
        for (const row of await readOutbox(deps.pool, origin)) {
          if (row.kind === 'link_tombstone')
            outputs.push({ output: 'links', key: row.key, value: null });
        }
        log.info(
          { eventId: e.eventId, kind: e.kind, found: result.found, counts: result.counts },
          'compliance event applied to identities',
        );
      }
    } catch (err) {
      if (err instanceof HarkError) throw err;
      // PostgreSQL unreachable or a serialization failure: retry the batch (everything is idempotent).
      throw new HarkError(
        'HARK_DB_UNAVAILABLE',
        `compliance batch failed: ${(err as Error).message}`,
        {
          cause: err,
          retriable: true,
        },
      );
    }
    return { outputs };
  };
}
