import type { BrandSignal, SignalAggregation } from '@hark/events';
import { FieldReader, typeOf } from './fields.ts';
import type { FieldError } from './item-errors.ts';

export type SignalDraft = Omit<BrandSignal, 'collectedAt'>;

export type SignalValidation =
  { ok: true; draft: SignalDraft } | { ok: false; signalId: string | null; errors: FieldError[] };

const METRIC = /^[a-z][a-z0-9_.-]{0,63}$/;
const PLATFORM = /^[a-z0-9][a-z0-9._-]{0,31}$/;
/** Levels: the latest value in a window wins. Everything else is a flow and sums. */
const LEVEL_METRICS = new Set(['followers', 'subscribers', 'fans', 'page_likes', 'rating_average']);
/** Counts that cannot go below zero; any other metric may (a net change, a delta). */
const COUNT_METRICS = new Set([
  'followers',
  'subscribers',
  'fans',
  'page_likes',
  'web_visits',
  'search_volume',
  'repeat_visits',
  'conversions',
]);

/**
 * Validates one brand signal: `{ brand, metric, value, observedAt, platform?,
 * aggregation?, source? }`. The brand must be tracked in the brands config.
 */
export function validateSignal(
  input: unknown,
  opts: {
    now: number;
    maxFutureSkewMs: number;
    brandIds: ReadonlySet<string>;
    defaultSource: string;
  },
): SignalValidation {
  const r = new FieldReader();
  const o = r.item(input);
  if (!o) return { ok: false, signalId: null, errors: r.errors };

  let brand = r.string(o.brand, 'brand', { required: true, maxLength: 64 });
  if (brand !== undefined && !opts.brandIds.has(brand)) {
    r.fail('brand', 'unknown_brand', `brand "${brand}" is not in the brands config`);
    brand = undefined;
  }
  let platform = r.string(o.platform, 'platform', { maxLength: 32 })?.toLowerCase() ?? 'all';
  if (!PLATFORM.test(platform)) {
    r.fail(
      'platform',
      'invalid_value',
      `platform must match ${PLATFORM.source}, got "${platform}"`,
    );
    platform = 'all';
  }
  let metric = r.string(o.metric, 'metric', { required: true, maxLength: 64 });
  if (metric !== undefined && !METRIC.test(metric)) {
    r.fail(
      'metric',
      'invalid_value',
      `metric must match ${METRIC.source} (snake_case), got "${metric}"`,
    );
    metric = undefined;
  }

  let value: number | undefined;
  if (o.value === undefined || o.value === null) {
    r.fail('value', 'missing_field', 'value is required');
  } else if (typeof o.value !== 'number' || !Number.isFinite(o.value)) {
    r.fail('value', 'wrong_type', `value must be a finite number, got ${typeOf(o.value)}`);
  } else if (o.value < 0 && metric !== undefined && COUNT_METRICS.has(metric)) {
    r.fail('value', 'negative_count', `${metric} cannot be negative, got ${o.value}`);
  } else {
    value = o.value;
  }

  let aggregation: SignalAggregation =
    metric !== undefined && LEVEL_METRICS.has(metric) ? 'last' : 'sum';
  if (o.aggregation !== undefined && o.aggregation !== null) {
    if (o.aggregation !== 'last' && o.aggregation !== 'sum') {
      r.fail(
        'aggregation',
        'invalid_value',
        `aggregation must be "last" or "sum", got ${typeOf(o.aggregation)}`,
      );
    } else {
      aggregation = o.aggregation;
    }
  }

  const observedAt = r.timestamp(o.observedAt, 'observedAt', opts);
  const source = r.string(o.source, 'source', { maxLength: 64 }) ?? opts.defaultSource;

  const signalId =
    brand !== undefined && metric !== undefined && observedAt !== undefined
      ? `${brand}:${platform}:${metric}:${observedAt}`
      : null;
  if (r.errors.length > 0 || signalId === null || value === undefined || observedAt === undefined) {
    return { ok: false, signalId, errors: r.errors };
  }
  return {
    ok: true,
    draft: {
      signalId,
      brand: brand!,
      platform,
      metric: metric!,
      value,
      aggregation,
      observedAt,
      source,
    },
  };
}
