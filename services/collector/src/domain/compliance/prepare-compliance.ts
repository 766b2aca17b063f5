import type { ComplianceEvent } from '@hark/events';
import type { RejectedItem } from '../item-errors.ts';
import type { SourcedComplianceEntry } from './expand-compliance.ts';
import { validateCompliance } from './validate-compliance.ts';

export interface PreparedCompliance {
  /** Valid events in item order, each answered as accepted. */
  events: { index: number; key: string; event: ComplianceEvent }[];
  /** The events to produce: the same eventId twice in one body is produced once. */
  unique: { key: string; event: ComplianceEvent }[];
  rejected: RejectedItem[];
}

/** Validates and stamps a batch of compliance entries. Pure: the caller produces the result. */
export function prepareCompliance(
  entries: readonly SourcedComplianceEntry[],
  ctx: { now: number; maxFutureSkewMs: number; source: string },
): PreparedCompliance {
  const out: PreparedCompliance = { events: [], unique: [], rejected: [] };
  const seen = new Set<string>();
  entries.forEach(({ entry, line }, index) => {
    const result =
      'error' in entry
        ? { ok: false as const, eventId: null, errors: [entry.error] }
        : validateCompliance(entry.item, ctx);
    if (!result.ok) {
      const { eventId: id, errors } = result;
      out.rejected.push({ index, id, line, errors, native: entry.native });
      return;
    }
    const event: ComplianceEvent = { ...result.draft, receivedAt: ctx.now, source: ctx.source };
    out.events.push({ index, key: result.key, event });
    // Across requests the eventId is what consumers dedupe on.
    if (seen.has(event.eventId)) return;
    seen.add(event.eventId);
    out.unique.push({ key: result.key, event });
  });
  return out;
}
