import { withDbErrors } from '@hark/db';
import { HarkError } from '@hark/errors';
import type { IdentityLink, ResolvedMention, ScoredMention } from '@hark/events';
import type { BatchHandler, Encoder, OutputRecord, StageRecord } from '@hark/kafka';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import type { AuthorInput } from '../domain/author.ts';
import type { CustomerIndex } from '../domain/customer-index.ts';
import {
  identityLinkOf,
  type IdentityWrite,
  type StoredIdentity,
} from '../domain/decide-author.ts';
import type { Matcher } from '../domain/match-author.ts';
import {
  authorInputOf,
  identityKey,
  planBatch,
  resolvedMentionOf,
  type AuthorOutcome,
} from '../domain/resolve-batch.ts';
import type { IdentityRepository } from './identity-repository.ts';
import {
  createPrivacyMetrics,
  encryptIdentityLinkPii,
  openMentionBatch,
  type Keyring,
} from '@hark/privacy';

export interface ResolutionHandlerDeps {
  index: CustomerIndex;
  matcher: Matcher;
  identities: IdentityRepository;
  resolved: Encoder<ResolvedMention> & { topic: string };
  links: Encoder<IdentityLink> & { topic: string };
  logger: Logger;
  registry: Registry;
  /** Opens encrypted mentions and encrypts identity links; null only in tests without encryption. */
  keyring: Pick<Keyring, 'keysForRead' | 'keysForWrite'> | null;
  now?: () => number;
  /** Sees every author resolved, for re-estimating the model from traffic. */
  observe?: (author: AuthorInput) => void;
}

/**
 * One batch of scored mentions: one read of stored decisions, matching in
 * memory, one write transaction for new or changed decisions, then a
 * resolved mention per record and an identity.links record per decision
 * actually written. The stage produces them and commits offsets after.
 */
export function createResolutionHandler(deps: ResolutionHandlerDeps): BatchHandler<ScoredMention> {
  const log = deps.logger.child({ component: 'resolution' });
  const now = deps.now ?? Date.now;
  const resolutions = new Counter({
    name: 'hark_identity_resolutions_total',
    help: 'Mentions resolved, by outcome and method.',
    labelNames: ['status', 'method'],
    registers: [deps.registry],
  });
  const decisions = new Counter({
    name: 'hark_identity_decisions_written_total',
    help: 'Identity decisions stored and emitted to identity.links, by status.',
    labelNames: ['status'],
    registers: [deps.registry],
  });
  const lostRaces = new Counter({
    name: 'hark_identity_write_conflicts_total',
    help: 'Decisions not stored because another instance or a reviewer decided first.',
    registers: [deps.registry],
  });

  const privacyMetrics = createPrivacyMetrics(deps.registry);

  return async (consumed) => {
    const failures: { record: StageRecord<ScoredMention>; error: HarkError }[] = [];
    // Decrypt the author fields in memory for matching; outputs keep the encrypted mention.
    // A shredded author is dropped (erased), a bad envelope is dead-lettered.
    const original = new Map<StageRecord<ScoredMention>, StageRecord<ScoredMention>>();
    let records: StageRecord<ScoredMention>[] = consumed;
    if (deps.keyring) {
      const opened = await withDbErrors(IDENTITY_STORE, () =>
        openMentionBatch(consumed, (r) => r.value.mention, deps.keyring!, AUTHOR_FIELDS),
      );
      if (opened.erased.length > 0)
        privacyMetrics.erased.inc({ stage: 'identity-resolution' }, opened.erased.length);
      failures.push(...opened.failures);
      records = opened.clear.map(({ record, mention }) => {
        const clear = { ...record, value: { ...record.value, mention } };
        original.set(clear, record);
        return clear;
      });
    }
    const asConsumed = (r: StageRecord<ScoredMention>) => original.get(r) ?? r;
    const good: StageRecord<ScoredMention>[] = [];
    for (const r of records) {
      const m = r.value.mention;
      const problem =
        !m.platform || !m.author.id
          ? 'has no platform or author id'
          : hasNul(
                m.platform,
                m.author.id,
                m.author.handle,
                m.author.name,
                m.author.email,
                m.author.location,
              )
            ? 'has a NUL character in its platform or author fields, which PostgreSQL cannot store'
            : undefined;
      if (problem) {
        failures.push({
          record: asConsumed(r),
          error: new HarkError(
            'HARK_IDENTITY_INVALID_AUTHOR',
            `mention ${m.mentionId} ${problem}`,
            {
              context: { mentionId: m.mentionId },
            },
          ),
        });
      } else {
        good.push(r);
      }
    }

    const authors = new Map<string, { platform: string; authorId: string }>();
    for (const r of good) {
      const m = r.value.mention;
      authors.set(identityKey(m.platform, m.author.id), {
        platform: m.platform,
        authorId: m.author.id,
      });
    }
    // Every author counts for the model, linked ones too: the prior is the share who are customers.
    if (deps.observe) for (const r of good) deps.observe(authorInputOf(r.value));
    const stored = await withDbErrors(IDENTITY_STORE, () =>
      deps.identities.loadMany([...authors.values()]),
    );
    const plan = planBatch(
      good.map((r) => r.value),
      stored,
      deps.matcher,
      deps.index,
    );

    const writes: IdentityWrite[] = [];
    for (const d of plan.values()) if (d.kind === 'write') writes.push(d.write);
    const written =
      writes.length > 0
        ? await withDbErrors(IDENTITY_STORE, () => deps.identities.writeMany(writes))
        : new Map();

    const outcomes = new Map<string, AuthorOutcome>();
    const outputs: OutputRecord[] = [];
    const linkKeys =
      deps.keyring && writes.length > 0
        ? await withDbErrors(IDENTITY_STORE, () =>
            deps.keyring!.keysForWrite(
              [...plan.entries()].filter(([, d]) => d.kind === 'write').map(([k]) => k),
            ),
          )
        : null;
    const encodeLink = (key: string, link: IdentityLink) =>
      deps.links.encode(linkKeys ? encryptIdentityLinkPii(link, linkKeys.get(key)!) : link);
    for (const [key, d] of plan) {
      if (d.kind === 'keep') {
        outcomes.set(key, { identity: d.identity, fresh: false, prospectConfidence: 0 });
      } else if (d.kind === 'prospect') {
        outcomes.set(key, { identity: null, fresh: false, prospectConfidence: d.confidence });
      } else {
        const w = written.get(key) as { identity: StoredIdentity; written: boolean } | undefined;
        if (!w)
          throw new HarkError('HARK_DB_UNAVAILABLE', `identity ${key} missing after write`, {
            retriable: true,
          });
        outcomes.set(key, { identity: w.identity, fresh: w.written, prospectConfidence: 0 });
        if (w.written) {
          decisions.inc({ status: w.identity.status });
          outputs.push({
            topic: deps.links.topic,
            key,
            value: encodeLink(key, identityLinkOf(w.identity)),
          });
        } else {
          lostRaces.inc();
          log.info(
            { key, stored: w.identity.status },
            'kept the decision another writer stored first',
          );
        }
      }
    }

    const at = now();
    for (const r of good) {
      const m = r.value.mention;
      const outcome = outcomes.get(identityKey(m.platform, m.author.id))!;
      // Built from the mention as consumed: its personal fields stay encrypted downstream.
      const resolved = resolvedMentionOf(asConsumed(r).value, outcome, at);
      resolutions.inc({ status: resolved.customer.status, method: resolved.customer.method });
      outputs.push({
        topic: deps.resolved.topic,
        key: m.mentionId,
        value: deps.resolved.encode(resolved),
      });
    }
    return { outputs, failures };
  };
}

/** What matching reads of a mention; its text and url stay encrypted here. */
const AUTHOR_FIELDS = ['author.handle', 'author.name', 'author.email', 'author.location'] as const;

// Database trouble is mapped to HARK_DB_UNAVAILABLE: transient failures retry the batch with
// backoff, offsets staying put; a constraint or type error stops the consumer uncommitted.
const IDENTITY_STORE = 'identity store';

function hasNul(...values: (string | null)[]): boolean {
  return values.some((v) => v !== null && v.includes('\u0000'));
}
