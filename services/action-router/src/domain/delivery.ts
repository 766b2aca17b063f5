import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Action } from '@hark/events';

/** `sha256=<hex HMAC-SHA256 of the raw body>`: the X-Hark-Signature header. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** Receiver side (used by the tests and documented for receivers): constant-time check of the header. */
export function verifySignature(secret: string, body: string, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signBody(secret, body));
  const got = Buffer.from(header);
  return expected.length === got.length && timingSafeEqual(expected, got);
}

/**
 * The JSON body of one delivery attempt. `sentAt` equals the
 * X-Hark-Timestamp header and is inside the signed body, so a receiver can
 * refuse old replays; `action.actionId` is the dedupe key.
 */
export function deliveryBody(action: Action, attempt: number, sentAt: number): string {
  return JSON.stringify({ action, deliveryAttempt: attempt, sentAt });
}

/**
 * Delay before attempt `attempt + 1`: initial × 2^(attempt−1), capped, with
 * ±50% jitter so receivers coming back are not hit by every action at once.
 * A Retry-After the receiver sent is honoured when longer.
 */
export function backoffMs(
  attempt: number,
  opts: { initialMs: number; maxMs: number; retryAfterMs?: number },
  random: () => number = Math.random,
): number {
  const base = Math.min(opts.initialMs * 2 ** Math.max(0, attempt - 1), opts.maxMs);
  const jittered = Math.round(base * (0.5 + random()));
  return Math.max(Math.min(jittered, opts.maxMs), Math.min(opts.retryAfterMs ?? 0, opts.maxMs));
}

/** Retry-After in ms (seconds or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
