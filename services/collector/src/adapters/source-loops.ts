import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { CollectorMetrics } from './collector-metrics.ts';
import type { CursorStore } from './cursor-store.ts';
import type { IngestService } from './ingest.ts';

/** What the poller and the stream runner both need: leases, ingest, and how to reach sources. */
export interface SourceRunnerDeps {
  store: CursorStore;
  ingest: IngestService;
  metrics: CollectorMetrics;
  logger: Logger;
  /** This instance's lease owner name (host and pid by default). */
  owner: string;
  userAgent: string;
  maxTextLength: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  fetch?: typeof fetch;
  random?: () => number;
}

/** Waits `ms`; rejects when the signal aborts (that is how a loop learns it must stop). */
export type Wait = (ms: number, signal: AbortSignal) => Promise<void>;

export const abortableSleep: Wait = (ms, signal) => sleep(ms, undefined, { signal });

export interface SourceLoops {
  /** Aborted by stop(): pending waits and requests end at once. */
  readonly signal: AbortSignal;
  readonly stopped: boolean;
  spawn(loop: Promise<void>): void;
  /** Aborts every loop and waits until each has finished its current round. */
  stop(): Promise<void>;
}

/** The running loops of a runner (one per poller or stream) and their shared stop signal. */
export function createSourceLoops(): SourceLoops {
  const abort = new AbortController();
  const loops: Promise<void>[] = [];
  return {
    signal: abort.signal,
    get stopped() {
      return abort.signal.aborted;
    },
    spawn: (loop) => void loops.push(loop),
    async stop() {
      abort.abort();
      await Promise.allSettled(loops);
    },
  };
}

export interface RepeatOptions {
  signal: AbortSignal;
  /** One round; resolves with how long to wait before the next one. */
  round: () => Promise<number>;
  /** Reports a failed round; returns how long to wait given the consecutive failures so far. */
  onFailure: (err: unknown, failures: number) => number;
  wait?: Wait;
}

/**
 * Runs rounds until the signal aborts: a success resets the failure count,
 * a failure waits what `onFailure` says. A failure seen after the abort is
 * the abort itself, not a fault, so it is not reported.
 */
export async function repeatUntilStopped(opts: RepeatOptions): Promise<void> {
  const wait = opts.wait ?? abortableSleep;
  let failures = 0;
  while (!opts.signal.aborted) {
    let delay: number;
    try {
      delay = await opts.round();
      failures = 0;
    } catch (err) {
      if (opts.signal.aborted) break;
      failures++;
      delay = opts.onFailure(err, failures);
    }
    try {
      await wait(delay, opts.signal);
    } catch {
      break;
    }
  }
}
