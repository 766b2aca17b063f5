import { HarkError } from '@hark/errors';
import type { CursorStore } from './cursor-store.ts';
import { abortableSleep } from './source-loops.ts';

/** Pollers and streams share one checkpoint table; the noun only names them in errors. */
export type SourceNoun = 'poller' | 'stream';

export interface SourceLeases {
  acquire(id: string, kind: string, leaseMs: number): ReturnType<CursorStore['acquire']>;
  /**
   * Waits until this instance holds the lease, trying again every quarter
   * lease; resolves with the checkpoint, rejects when `signal` aborts.
   */
  waitFor(id: string, kind: string, leaseMs: number, signal: AbortSignal): Promise<unknown>;
  /**
   * Stores the checkpoint and renews the lease. Throws HARK_POLLER_LEASE_LOST
   * when another instance took the source over, so the caller stops before
   * producing anything more under a lease it no longer holds.
   */
  save(id: string, cursor: unknown, leaseMs: number): Promise<void>;
  /** Gives every lease up (shutdown), so another instance can take over at once. */
  releaseAll(ids: readonly string[]): Promise<void>;
}

export function createSourceLeases(deps: {
  store: CursorStore;
  owner: string;
  noun: SourceNoun;
}): SourceLeases {
  const { store, owner, noun } = deps;
  return {
    acquire: (id, kind, leaseMs) => store.acquire(id, kind, owner, leaseMs),
    async waitFor(id, kind, leaseMs, signal) {
      for (;;) {
        const lease = await store.acquire(id, kind, owner, leaseMs);
        if (!lease.held) return lease.cursor;
        await abortableSleep(leaseMs / 4, signal);
      }
    },
    async save(id, cursor, leaseMs) {
      if (await store.save(id, owner, cursor, leaseMs)) return;
      throw new HarkError('HARK_POLLER_LEASE_LOST', `another instance took over ${noun} ${id}`, {
        context: { [noun]: id },
      });
    },
    async releaseAll(ids) {
      await Promise.allSettled(ids.map((id) => store.release(id, owner)));
    },
  };
}
