import { createHmac } from 'node:crypto';
import { isHarkError } from '@hark/errors';
import { makeAction } from '@hark/testing';
import { describe, expect, it } from 'vitest';
import { parseActionRouterConfig } from '../../src/config.ts';
import {
  backoffMs,
  deliveryBody,
  parseRetryAfter,
  signBody,
  verifySignature,
} from '../../src/domain/delivery.ts';

describe('webhook signing', () => {
  it('the signature is the hex HMAC-SHA256 of the exact body bytes', () => {
    const body = deliveryBody(makeAction(), 2, 1_764_000_000_000);
    const expected = createHmac('sha256', 'k'.repeat(20)).update(body).digest('hex');
    expect(signBody('k'.repeat(20), body)).toBe(`sha256=${expected}`);
    expect(verifySignature('k'.repeat(20), body, `sha256=${expected}`)).toBe(true);
    expect(verifySignature('k'.repeat(20), `${body} `, `sha256=${expected}`)).toBe(false);
    expect(verifySignature('k'.repeat(20), body, undefined)).toBe(false);
  });

  it('the body carries the action, the attempt and the timestamp that is signed with it', () => {
    expect(JSON.parse(deliveryBody(makeAction(), 3, 42))).toEqual({
      action: makeAction(),
      deliveryAttempt: 3,
      sentAt: 42,
    });
  });
});

describe('backoff', () => {
  const opts = { initialMs: 1000, maxMs: 60_000 };
  it.each([
    [1, 0.5, 1000],
    [2, 0.5, 2000],
    [5, 0.5, 16_000],
    [20, 0.5, 60_000],
    [1, 0, 500],
    [1, 0.999, 1499],
  ])('attempt %i with jitter draw %f waits %i ms', (attempt, draw, expected) => {
    expect(backoffMs(attempt, opts, () => draw)).toBe(expected);
  });

  it('a longer Retry-After wins, but never beyond the maximum', () => {
    expect(backoffMs(1, { ...opts, retryAfterMs: 30_000 }, () => 0.5)).toBe(30_000);
    expect(backoffMs(1, { ...opts, retryAfterMs: 3_600_000 }, () => 0.5)).toBe(60_000);
  });

  it.each([
    ['120', 120_000],
    ['Tue, 24 Nov 2026 10:00:30 GMT', 30_000],
    ['soon', undefined],
    [null, undefined],
  ])('Retry-After %s is %s ms', (value, expected) => {
    expect(parseRetryAfter(value, Date.UTC(2026, 10, 24, 10, 0, 0))).toBe(expected);
  });
});

describe('config', () => {
  const key = 'dGVzdC1vbmx5LW1hc3Rlci1rZXktMzItYnl0ZXMtISE=';
  it('defaults start the service with the webhook off and alerts on', () => {
    const c = parseActionRouterConfig({ HARK_PRIVACY_MASTER_KEY: key });
    expect(c.opsPort).toBe(9105);
    expect(c.webhookUrl).toBe('');
    expect(c.alertsEnabled).toBe(true);
  });

  it('a webhook URL without a secret, and a window of seconds, are refused together', () => {
    try {
      parseActionRouterConfig({
        HARK_PRIVACY_MASTER_KEY: key,
        ACTION_WEBHOOK_URL: 'https://crm.example/hooks',
        ALERT_WINDOW: '90s',
      });
      expect.fail('accepted');
    } catch (err) {
      expect(isHarkError(err) && err.code).toBe('HARK_CONFIG_INVALID');
      expect((err as Error).message).toMatch(/ACTION_WEBHOOK_SECRET is required/);
      expect((err as Error).message).toMatch(/ALERT_WINDOW \(90s\) must be whole minutes/);
    }
  });
});
