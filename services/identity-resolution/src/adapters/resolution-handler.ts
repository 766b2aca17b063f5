import { withDbErrors } from '@hark/db';
import { HarkError } from '@hark/errors';
import type { CustomerMatch, IdentityLink, Mention, ScoredMention } from '@hark/events';
import type { HandlerResult, OpenedRecord } from '@hark/stage-runtime';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { AuthorInput } from '../domain/author.ts';
import type { CustomerIndex } from '../domain/customer-index.ts';
import {
  customerMatchOf,
  identityLinkOf,
  type IdentityWrite,
  type StoredIdentity,
} from '../domain/decide-author.ts';
import type { Matcher } from '../domain/match-author.ts';
import {
  authorInputOf,
  identityKey,
  latestPerAuthor,
  planBatch,
  resolutionOf,
} from '../domain/resolve-batch.ts';
import type { IdentityRepository } from './identity-repository.ts';
import { encryptIdentityLinkPii, type Keyring } from '@hark/privacy';

export interface ResolutionHandlerDeps {
  index: CustomerIndex;
  matcher: Matcher;
  identities: IdentityRepository;
  logger: Logger;
  registry: Registry;
  /** Encrypts the handle of each identity link written (the runtime opened the mentions). */
  keyring: Pick<Keyring, 'keysForWrite'>;
  now?: () => number;
  /** Sees every author resolved, for re-estimating the model from traffic. */
  observe?: (author: AuthorInput) => void;
}

/** What the resolution stage writes. */
export type ResolutionOutputs = { resolved: 'ResolvedMention'; links: 'IdentityLink' };
type Result = HandlerResult<ScoredMention, ResolutionOutputs>;
type Failure = NonNullable<Result['failures']>[number];

/**
 * One batch of scored mentions, their author fields opened by the runtime:
 * one read of stored decisions, matching in memory, one write transaction
 * for new or changed decisions, then a resolved mention per record and an
 * identity.links record per decision actually written. The stage produces
 * them and commits offsets after.
 */
export function createResolutionHandler(
  deps: ResolutionHandlerDeps,
): (records: OpenedRecord<ScoredMention>[]) => Promise<Result> {
  const log = deps.logger.child({ component: 'resolution' });
  const now = deps.now ?? Date.now;
  const metrics = createResolutionMetrics(deps.registry);

  return async (opened) => {
    const failures: Failure[] = [];
    const good: OpenedRecord<ScoredMention>[] = [];
    // The identity key of good[i], made once per record and reused for every lookup below.
    const keys: string[] = [];
    const authors = new Map<string, OpenedRecord<ScoredMention>>();
    for (const o of opened) {
      const m = o.mention;
      const problem = authorProblem(m);
      if (problem) {
        failures.push({ record: o.record, error: problem });
        continue;
      }
      const key = identityKey(m.platform, m.author.id);
      good.push(o);
      keys.push(key);
      authors.set(key, o);
    }
    // Every author counts for the model, linked ones too: the prior is the share who are customers.
    if (deps.observe) for (const o of latestPerAuthor(good, keys)) deps.observe(authorInputOf(o));
    const stored = await withDbErrors(IDENTITY_STORE, () =>
      deps.identities.loadMany(
        Array.from(authors.values(), ({ mention: m }) => ({
          platform: m.platform,
          authorId: m.author.id,
        })),
      ),
    );
    // Matching reads the opened author; outputs keep the mention as consumed (sealed).
    const plan = planBatch(good, stored, deps.matcher, deps.index);
    const writes: IdentityWrite[] = [];
    for (const d of plan.values()) if (d.kind === 'write') writes.push(d.write);
    const written =
      writes.length > 0
        ? await withDbErrors(IDENTITY_STORE, () => deps.identities.writeMany(writes))
        : new Map<string, { identity: StoredIdentity; written: boolean }>();
    const outputs: Result['outputs'] = [];
    // One customer match per author, shared by its mentions' outputs.
    const matches = new Map<string, CustomerMatch>();
    const links: [string, IdentityLink][] = [];
    for (const [key, d] of plan) {
      if (d.kind === 'keep') {
        matches.set(key, customerMatchOf(d.identity, false));
      } else if (d.kind === 'prospect') {
        matches.set(key, customerMatchOf(null, false, d.confidence));
      } else {
        const w = written.get(key);
        if (!w)
          throw new HarkError('HARK_DB_UNAVAILABLE', `identity ${key} missing after write`, {
            retriable: true,
          });
        matches.set(key, customerMatchOf(w.identity, w.written));
        if (w.written) {
          metrics.decisions.inc({ status: w.identity.status });
          links.push([key, identityLinkOf(w.identity)]);
        } else {
          metrics.lostRaces.inc();
          log.info(
            { key, stored: w.identity.status },
            'kept the decision another writer stored first',
          );
        }
      }
    }
    // The handle is personal: each link is sealed with its author's key.
    const linkKeys =
      links.length > 0
        ? await withDbErrors(IDENTITY_STORE, () =>
            deps.keyring.keysForWrite(links.map(([key]) => key)),
          )
        : undefined;
    for (const [key, link] of links)
      outputs.push({
        output: 'links',
        key,
        value: encryptIdentityLinkPii(link, linkKeys!.get(key)!),
      });
    const at = now();
    const resolutions = new Map<CustomerMatch, number>();
    for (let i = 0; i < good.length; i++) {
      const record = good[i]!.record;
      const customer = matches.get(keys[i]!)!;
      resolutions.set(customer, (resolutions.get(customer) ?? 0) + 1);
      // The scored mention as consumed (personal fields still sealed) plus the resolution:
      // the runtime appends it to the consumed bytes.
      outputs.push({
        output: 'resolved',
        key: record.value.mention.mentionId,
        extend: record,
        with: resolutionOf(record.value, customer, at),
      });
    }
    // Counted per author, not per mention: a labelled increment hashes its labels each call.
    for (const [c, n] of resolutions)
      metrics.resolutions.inc({ status: c.status, method: c.method }, n);
    return { outputs, failures };
  };
}

function createResolutionMetrics(registry: Registry) {
  return {
    resolutions: new Counter({
      name: 'hark_identity_resolutions_total',
      help: 'Mentions resolved, by outcome and method.',
      labelNames: ['status', 'method'],
      registers: [registry],
    }),
    decisions: new Counter({
      name: 'hark_identity_decisions_written_total',
      help: 'Identity decisions stored and emitted to identity.links, by status.',
      labelNames: ['status'],
      registers: [registry],
    }),
    lostRaces: new Counter({
      name: 'hark_identity_write_conflicts_total',
      help: 'Decisions not stored because another instance or a reviewer decided first.',
      registers: [registry],
    }),
  };
}

/** Why an opened mention's author cannot be stored, or undefined when it can. */
function authorProblem(m: Mention): HarkError | undefined {
  const a = m.author;
  const problem =
    !m.platform || !a.id
      ? 'has no platform or author id'
      : hasNul(m.platform) ||
          hasNul(a.id) ||
          hasNul(a.handle) ||
          hasNul(a.name) ||
          hasNul(a.email) ||
          hasNul(a.location)
        ? 'has a NUL character in its platform or author fields, which PostgreSQL cannot store'
        : undefined;
  if (!problem) return undefined;
  return new HarkError('HARK_IDENTITY_INVALID_AUTHOR', `mention ${m.mentionId} ${problem}`, {
    context: { mentionId: m.mentionId },
  });
}

/** What matching reads of a mention; its text and url stay encrypted here. */
export const AUTHOR_FIELDS = [
  'author.handle',
  'author.name',
  'author.email',
  'author.location',
] as const;

// Database trouble is mapped to HARK_DB_UNAVAILABLE: transient failures retry the batch with
// backoff, offsets staying put; a constraint or type error stops the consumer uncommitted.
const IDENTITY_STORE = 'identity store';

function hasNul(value: string | null): boolean {
  return value !== null && value.includes('\u0000');
}
