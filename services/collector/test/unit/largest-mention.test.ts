import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseBrandsConfig } from '@hark/brands';
import { eventType } from '@hark/events';
import { MAX_REQUEST_BYTES } from '@hark/kafka';
import { encryptMentionPii } from '@hark/privacy';
import { describe, expect, it } from 'vitest';
import { MAX_TEXT_LENGTH_LIMIT } from '../../src/config.ts';
import { compileBrandMatcher } from '../../src/domain/brand-matcher.ts';
import { expandPayload } from '../../src/domain/expand-payload.ts';
import { minimiseMention } from '../../src/domain/minimise-mention.ts';
import { prepareMentions } from '../../src/domain/prepare-mentions.ts';

// Kafka refuses a record over 1 MiB, and the stages send a flush in requests of at most
// MAX_REQUEST_BYTES: a mention bigger than that could never be produced, on any retry.
// The largest one the collector accepts, every field at its limit in 4-byte (or 3-byte)
// characters, must leave room for what the stages add (scores, the identity decision).
const ROOM_FOR_STAGES = 32 * 1024;

describe('the largest mention the collector accepts', () => {
  it(`with COLLECTOR_MAX_TEXT_LENGTH at its maximum (${MAX_TEXT_LENGTH_LIMIT.toLocaleString('en')}), sealed and Avro-encoded, stays below the produce limit`, () => {
    const input = JSON.parse(
      readFileSync(new URL('../fixtures/mention-bytes/input.json', import.meta.url), 'utf8'),
    ) as { brands: unknown; now: number };
    const wide = (n: number) => '€'.repeat(n); // 3 UTF-8 bytes, one UTF-16 unit
    const url = `https://example.com/${'a'.repeat(2048 - 20)}`;
    const post = {
      platform: 'reviews',
      id: 'p'.repeat(512),
      kind: 'post',
      url,
      title: wide(1000),
      text: `Acme ${'😡'.repeat(MAX_TEXT_LENGTH_LIMIT - 5)}`, // 4 bytes per character
      createdAt: new Date(input.now - 60_000).toISOString(),
      author: {
        id: 'a'.repeat(512),
        handle: wide(256),
        name: wide(256),
        location: wide(256),
        email: `${'e'.repeat(240)}@example.com`,
        profileUrl: url,
        followers: 1,
        verified: false,
      },
    };
    const limits = { maxTextLength: MAX_TEXT_LENGTH_LIMIT };
    const expanded = expandPayload(JSON.stringify([post]), 'json', 'generic', limits);
    if (!expanded.ok) throw new Error(expanded.message);
    const prepared = prepareMentions(expanded.entries, {
      matcher: compileBrandMatcher(parseBrandsConfig(input.brands).brands),
      limits: { ...limits, maxFutureSkewMs: 900_000, maxAgeMs: 7 * 86_400_000 },
      now: input.now,
      source: { kind: 'http', name: 'largest' },
    });
    expect(prepared.rejected).toEqual([]);
    const [{ mention }] = prepared.mentions;
    expect([...mention.text].length).toBe(MAX_TEXT_LENGTH_LIMIT);
    const minimised = minimiseMention(mention, {
      hashEmails: true,
      redactTextContacts: true,
    }).mention;
    const key = {
      keyId: randomBytes(16).toString('base64url'),
      authorRef: 'reviews:a',
      key: randomBytes(32),
    };
    const bytes = eventType('Mention').toBuffer(encryptMentionPii(minimised, key)).length;
    expect(bytes).toBeGreaterThan(800_000); // the test builds what it means to
    expect(bytes).toBeLessThan(MAX_REQUEST_BYTES - ROOM_FOR_STAGES);
  });
});
