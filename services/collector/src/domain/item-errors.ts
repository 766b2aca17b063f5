/**
 * Why one input item was refused. Low-cardinality on purpose: these are the
 * `reason` label of `hark_collector_rejected_total` and the `reason` field
 * clients branch on; the human detail goes in `message`.
 */
export const REJECT_REASONS = [
  'malformed_json',
  'not_an_object',
  'missing_field',
  'wrong_type',
  'invalid_value',
  'invalid_timestamp',
  'negative_count',
  'text_too_long',
  'unknown_brand',
  'not_public',
  'unsupported_payload',
] as const;

export type RejectReason = (typeof REJECT_REASONS)[number];

/** One problem with one field; `path` is dotted from the item root (`author.followers`), '' for the item itself. */
export interface FieldError {
  path: string;
  reason: RejectReason;
  message: string;
}

/** A FieldError placed in its request: `index` is the item's 0-based position. */
export interface ItemError extends FieldError {
  index: number;
  /** The item's mentionId (or signalId) when it got far enough to have one. */
  id: string | null;
  /** 1-based line of an NDJSON body or a replay file. */
  line?: number;
}

export function fieldError(path: string, reason: RejectReason, message: string): FieldError {
  return { path, reason, message };
}

/** An input item that was refused, with what is needed to answer and dead-letter it. */
export interface RejectedItem {
  index: number;
  /** Its mentionId, signalId or eventId when it got far enough to have one. */
  id: string | null;
  line?: number;
  errors: FieldError[];
  /** The item as received, for the dead letter. */
  native?: unknown;
}

/** Every problem of every refused item, placed in its request, in item order. */
export function placeErrors(rejected: readonly RejectedItem[]): ItemError[] {
  return rejected.flatMap((r) =>
    r.errors.map((e) =>
      r.line === undefined
        ? { index: r.index, id: r.id, ...e }
        : { index: r.index, id: r.id, line: r.line, ...e },
    ),
  );
}

/**
 * The one reason an item is counted under: its first problem's, so the
 * rejection counts add up to items rather than to fields.
 */
export function rejectionReason(item: RejectedItem): RejectReason {
  return item.errors[0]?.reason ?? 'invalid_value';
}

/** All of an item's problems in one line, for a dead letter's message. */
export function describeErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => `${e.path || '(item)'}: ${e.reason}: ${e.message}`).join('; ');
}
