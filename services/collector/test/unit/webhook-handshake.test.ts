import { describe, expect, it } from 'vitest';
import {
  decideHubVerification,
  handshakeKind,
  isCrcToken,
  looksLikeCrcToken,
} from '../../src/domain/webhook-handshake.ts';
import { parseBody } from '../../src/domain/parse-body.ts';

const eq = (a: string, b: string) => a === b;

describe('handshakeKind', () => {
  it('gives X the CRC check and every other format the hub.* verification', () => {
    expect(handshakeKind('x')).toBe('crc');
    for (const f of ['generic', 'mastodon', 'feed', 'reddit', 'bluesky'] as const)
      expect(handshakeKind(f)).toBe('hub');
  });
});

describe('isCrcToken', () => {
  it.each([
    // a real token X sent (base64 of a UUID), and base64url / padded variants
    'M2RkODJkZmMtYjlkYi00NmQ4LTk0MGUtM2JjYzkwM2Q4MjQ0',
    'challenge-abc',
    'abc_def-ghi+jk/l==',
  ])('takes %j', (t) => expect(isCrcToken(t)).toBe(true));

  it.each([
    ['a JSON delivery', '{"tweet_delete_events":[]}'],
    ['a JSON array', '[{"id":"1"}]'],
    ['digits (a JSON number)', '1234567890'],
    ['an exponent that JSON reads as a number', '1e1000000'],
    ['too short', 'abc'],
    ['too long', 'a'.repeat(129)],
    ['whitespace', 'abc defgh'],
    ['markup', '<rss>abc</rss>'],
    ['a NUL', 'abcdefgh\u0000'],
  ])('refuses %s', (_what, t) => expect(isCrcToken(t)).toBe(false));

  it('no accepted token parses as a JSON or NDJSON body (generated tokens)', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+/-=.eE';
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const len = 8 + (next() % 24);
      let t = '';
      for (let j = 0; j < len; j++) t += alphabet[next() % alphabet.length];
      if (i % 3 === 0) t = t.replace(/[^0-9]/g, '7');
      if (!isCrcToken(t)) continue;
      accepted++;
      expect(parseBody(t, 'json').ok, t).toBe(false);
      const nd = parseBody(t, 'ndjson');
      expect(nd.ok && nd.records.some((r) => 'value' in r), t).toBe(false);
    }
    expect(accepted).toBeGreaterThan(1000);
  });

  it('looksLikeCrcToken spots a token sent as a body, even with a trailing newline', () => {
    expect(looksLikeCrcToken(Buffer.from('M2RkODJkZmMtYjlkYi00NmQ4\n'))).toBe(true);
    expect(looksLikeCrcToken(Buffer.from('{"for_user_id":"1"}'))).toBe(false);
  });
});

describe('decideHubVerification', () => {
  const topic = 'https://news.example.com/feed.xml';
  it('confirms a WebSub subscribe for the source topic, with its lease', () => {
    expect(
      decideHubVerification(
        { mode: 'subscribe', topic, challenge: 'xyz', leaseSeconds: '864000' },
        { topic },
        eq,
      ),
    ).toEqual({
      ok: true,
      kind: 'verify',
      mode: 'subscribe',
      challenge: 'xyz',
      leaseSeconds: 864000,
    });
  });

  it('confirms a Meta-style verify token without a topic', () => {
    expect(
      decideHubVerification(
        { mode: 'subscribe', challenge: '1158201444', verifyToken: 't' },
        { verifyToken: 't' },
        eq,
      ),
    ).toMatchObject({ ok: true, challenge: '1158201444' });
  });

  it.each([
    [
      'a wrong verify token',
      { mode: 'subscribe', challenge: 'c', verifyToken: 'u', topic },
      { verifyToken: 't', topic },
      403,
    ],
    [
      'no token where one is configured and no topic is',
      { mode: 'subscribe', challenge: 'c', topic },
      { verifyToken: 't' },
      403,
    ],
    [
      'another topic',
      { mode: 'subscribe', challenge: 'c', topic: 'https://x.example/' },
      { topic },
      403,
    ],
    ['a source with neither', { mode: 'subscribe', challenge: 'c', topic }, {}, 403],
    ['no challenge', { mode: 'subscribe', topic }, { topic }, 400],
    [
      'a 256-character challenge',
      { mode: 'subscribe', challenge: 'a'.repeat(256), topic },
      { topic },
      400,
    ],
    [
      'a fractional lease',
      { mode: 'subscribe', challenge: 'c', topic, leaseSeconds: '1.5' },
      { topic },
      400,
    ],
    ['mode publish', { mode: 'publish', challenge: 'c', topic }, { topic }, 400],
  ])('refuses %s', (_what, q, source, status) => {
    expect(decideHubVerification(q, source, eq)).toMatchObject({ ok: false, status });
  });

  it('takes a denial as information, with its reason', () => {
    expect(decideHubVerification({ mode: 'denied', reason: 'no' }, { topic }, eq)).toEqual({
      ok: true,
      kind: 'denied',
      reason: 'no',
    });
  });
});
