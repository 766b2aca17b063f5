import type { HarkError } from '@hark/errors';
import type { QueueTicket } from '../domain/publish-queue.ts';
import type { CollectorMetrics } from './collector-metrics.ts';

/** What one publish's caller waits on: resolved after its last record's acknowledgement. */
export interface Ticket extends QueueTicket {
  remaining: number;
  startedAt: number;
  resolve: () => void;
  reject: (err: HarkError) => void;
  timer: NodeJS.Timeout;
}

export interface Tickets {
  /** A ticket for `count` records whose caller gives up after `timeoutMs` (onTimeout says why). */
  open(
    count: number,
    startedAt: number,
    timeoutMs: number,
    onTimeout: (ticket: Ticket) => void,
  ): { ticket: Ticket; done: Promise<void> };
  /** Answers the caller once: resolved without `err`, rejected with it; later calls do nothing. */
  settle(ticket: Ticket, err?: HarkError): void;
  /** Counts `n` acknowledged records; the ticket resolves when none remain. */
  acknowledge(ticket: Ticket, n: number): void;
}

export function createTickets(deps: { metrics: CollectorMetrics; now: () => number }): Tickets {
  function settle(ticket: Ticket, err?: HarkError): void {
    if (ticket.settled) return;
    ticket.settled = true;
    clearTimeout(ticket.timer);
    const outcome = err ? 'failed' : 'ok';
    deps.metrics.produceSeconds.observe({ outcome }, (deps.now() - ticket.startedAt) / 1000);
    if (err) ticket.reject(err);
    else ticket.resolve();
  }
  return {
    settle,
    open(count, startedAt, timeoutMs, onTimeout) {
      let resolve!: () => void;
      let reject!: (err: HarkError) => void;
      const done = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      const timer = setTimeout(() => onTimeout(ticket), timeoutMs);
      const ticket: Ticket = {
        remaining: count,
        settled: false,
        startedAt,
        resolve,
        reject,
        timer,
      };
      return { ticket, done };
    },
    acknowledge(ticket, n) {
      ticket.remaining -= n;
      if (ticket.remaining === 0) settle(ticket);
    },
  };
}
