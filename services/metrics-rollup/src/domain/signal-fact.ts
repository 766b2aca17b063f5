import { HarkError } from '@hark/errors';
import type { BrandSignal, SignalAggregation } from '@hark/events';
import { compareText } from './aggregate-mentions.ts';
import { windowsOf, type Grain } from './windows.ts';

/** One row of the `signals` fact table, with the window of each grain it counts in. */
export interface SignalFact {
  signalId: string;
  observedAt: number;
  brand: string;
  platform: string;
  metric: string;
  value: number;
  aggregation: SignalAggregation;
  collectedAt: number;
  source: string;
  windows: Record<Grain, number>;
}

/** Validates a BrandSignal; a non-finite value would poison a sum, so it goes to the DLQ instead. */
export function toSignalFact(s: BrandSignal): SignalFact {
  const problems: string[] = [];
  if (s.signalId.trim() === '') problems.push('signalId: must not be empty');
  if (s.brand.trim() === '') problems.push('brand: must not be empty');
  if (s.metric.trim() === '') problems.push('metric: must not be empty');
  if (!Number.isFinite(s.value)) problems.push(`value: must be a finite number, got ${s.value}`);
  if (!Number.isSafeInteger(s.observedAt)) problems.push('observedAt: must be epoch milliseconds');
  if (problems.length > 0) {
    throw new HarkError(
      'HARK_STAGE_PROCESSING_FAILED',
      `invalid brand signal: ${problems.join('; ')}`,
      {
        context: { signalId: s.signalId, problems },
      },
    );
  }
  return {
    signalId: s.signalId,
    observedAt: s.observedAt,
    brand: s.brand,
    platform: s.platform,
    metric: s.metric,
    value: s.value,
    aggregation: s.aggregation,
    collectedAt: s.collectedAt,
    source: s.source,
    windows: windowsOf(s.observedAt),
  };
}

/**
 * The order that decides a window's `last` value: later observedAt wins, and
 * on a tie the greater signalId, so the winner never depends on arrival
 * order or re-delivery. The store applies the same rule in SQL.
 */
export function compareObservations(
  a: Pick<SignalFact, 'observedAt' | 'signalId'>,
  b: Pick<SignalFact, 'observedAt' | 'signalId'>,
): number {
  return a.observedAt - b.observedAt || compareText(a.signalId, b.signalId);
}
