import type { ResolvedMention } from '@hark/events';
import type { BatchHandler, StageRecord } from '@hark/kafka';
import { openMentionBatch, type Keyring, type PrivacyMetrics } from '@hark/privacy';

/** The personal fields a fact keeps; location, e-mail and profile URL stay sealed (never stored here). */
const FACT_FIELDS = ['url', 'title', 'text', 'author.handle', 'author.name'] as const;

/**
 * The decode boundary of the mentions stage: opens each mention's encrypted
 * personal fields before the handler builds facts (the facts table holds
 * plaintext, which the erase flow deletes there). A shredded author is
 * dropped as erased and its offset committed; a bad envelope goes to the DLQ
 * with the original bytes; a keyring outage throws retriable for the batch.
 */
export function withDecryptedMentions(
  inner: BatchHandler<ResolvedMention>,
  deps: { keyring: Pick<Keyring, 'keysForRead'>; metrics: PrivacyMetrics; stage: string },
): BatchHandler<ResolvedMention> {
  return async (records) => {
    const opened = await openMentionBatch(
      records,
      (r) => r.value.mention,
      deps.keyring,
      FACT_FIELDS,
    );
    if (opened.erased.length > 0)
      deps.metrics.erased.inc({ stage: deps.stage }, opened.erased.length);
    const original = new Map<StageRecord<ResolvedMention>, StageRecord<ResolvedMention>>();
    const clear = opened.clear.map(({ record, mention }) => {
      const c = { ...record, value: { ...record.value, mention } };
      original.set(c, record);
      return c;
    });
    const result = clear.length > 0 ? await inner(clear) : { outputs: [], failures: [] };
    return {
      ...result,
      failures: [
        ...opened.failures,
        ...(result.failures ?? []).map((f) => ({
          ...f,
          record: original.get(f.record) ?? f.record,
        })),
      ],
    };
  };
}
