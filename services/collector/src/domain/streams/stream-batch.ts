import type { ComplianceEntry } from '../compliance/platform-compliance.ts';
import type { NativeEntry } from '../platforms/types.ts';

/** What a run of stream messages holds, and the checkpoint that covers it. */
export interface StreamBatch<C> {
  /** Posts to ingest (mapped or refused with a reason), in stream order. */
  posts: NativeEntry[];
  /** Deletions, edits and account changes, for the compliance topic. */
  compliance: ComplianceEntry[];
  /** Events understood and skipped (likes, follows, identity events, deletes by local id…). */
  ignored: number;
  /** Events already ingested before a reconnect or restart, dropped so none is produced twice. */
  replayed: number;
  /** Posts that named no tracked brand, found before mapping them (the firehose's common case). */
  unmatched: number;
  /** The checkpoint once this batch is durable. */
  cursor: C;
}

/** A batch holding nothing yet, at `cursor`. */
export function emptyBatch<C>(cursor: C): StreamBatch<C> {
  return { posts: [], compliance: [], ignored: 0, replayed: 0, unmatched: 0, cursor };
}

/** A message that is not JSON: refused with its bytes, so it is dead-lettered with the reason. */
export function malformedMessage(raw: string, err: unknown): NativeEntry {
  return {
    native: raw,
    error: {
      path: '',
      reason: 'malformed_json',
      message: `stream message is not JSON: ${(err as Error).message}`,
    },
  };
}

/** The batch's events per outcome label of the stream events counter, leaving out zeros. */
export function countBatchEvents<C>(batch: StreamBatch<C>): [outcome: string, n: number][] {
  const counts: [string, number][] = [
    ['post', batch.posts.length],
    ['compliance', batch.compliance.length],
    ['ignored', batch.ignored],
    ['replayed', batch.replayed],
    ['unmatched', batch.unmatched],
  ];
  return counts.filter(([, n]) => n > 0);
}
