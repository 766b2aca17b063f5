import type { BrandSignal } from '@hark/events';
import type { RejectedItem } from './item-errors.ts';
import type { BodyRecord } from './parse-body.ts';
import { validateSignal } from './validate-signal.ts';

export interface PreparedSignals {
  /** Valid: to produce, stamped with the collection time. */
  signals: { index: number; signal: BrandSignal }[];
  rejected: RejectedItem[];
}

/** Validates and stamps a batch of signal records. Pure: the caller produces the result. */
export function prepareSignals(
  records: readonly BodyRecord[],
  ctx: {
    now: number;
    maxFutureSkewMs: number;
    brandIds: ReadonlySet<string>;
    defaultSource: string;
  },
): PreparedSignals {
  const out: PreparedSignals = { signals: [], rejected: [] };
  records.forEach((record, index) => {
    if ('error' in record) {
      out.rejected.push({ index, id: null, line: record.line, errors: [record.error] });
      return;
    }
    const result = validateSignal(record.value, ctx);
    if (result.ok) out.signals.push({ index, signal: { ...result.draft, collectedAt: ctx.now } });
    else
      out.rejected.push({ index, id: result.signalId, line: record.line, errors: result.errors });
  });
  return out;
}

/** The Kafka key of a signal: one partition per brand and metric keeps a series in order. */
export function signalKey(signal: BrandSignal): string {
  return `${signal.brand}:${signal.metric}`;
}
