import { randomBytes } from 'node:crypto';
import type { ResolvedMention } from '@hark/events';
import type { StageRecord } from '@hark/kafka';
import {
  createPrivacyMetrics,
  encryptMentionPii,
  encryptMentionPiiFields,
  isEnvelope,
  type DataKey,
} from '@hark/privacy';
import { makeResolvedMention } from '@hark/testing';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { withDecryptedMentions } from '../../src/adapters/decrypt-mentions.ts';

const key: DataKey = {
  keyId: randomBytes(16).toString('base64url'),
  authorRef: 'x:1',
  key: randomBytes(32),
};

function sealedRecord(seal = encryptMentionPii): StageRecord<ResolvedMention> {
  const r = makeResolvedMention();
  const m = {
    ...r.mention,
    text: 'my @acme router keeps dropping',
    title: 'Router review',
    url: 'https://x.com/jdoe/status/1',
    author: {
      ...r.mention.author,
      handle: 'jdoe',
      name: 'Jane Doe',
      location: 'Lyon',
      email: 'sha256:00',
      profileUrl: 'https://x.com/jdoe',
    },
  };
  return {
    topic: 'mentions.resolved',
    partition: 0,
    offset: '0',
    key: null,
    headers: {},
    timestamp: '0',
    value: { ...r, mention: seal(m, key) },
  };
}

describe('withDecryptedMentions', () => {
  it('opens the fields a fact keeps and leaves location, e-mail and profile URL unopened', async () => {
    const seen: ResolvedMention[] = [];
    const handler = withDecryptedMentions(
      async (records) => {
        seen.push(...records.map((r) => r.value));
        return { outputs: [] };
      },
      {
        keyring: { keysForRead: async () => new Map([[key.keyId, key]]) },
        metrics: createPrivacyMetrics(new Registry()),
        stage: 'test',
      },
    );
    const result = await handler([sealedRecord()]);
    expect(result.failures).toEqual([]);
    const m = seen[0]!.mention;
    expect([m.text, m.title, m.url, m.author.handle, m.author.name]).toEqual([
      'my @acme router keeps dropping',
      'Router review',
      'https://x.com/jdoe/status/1',
      'jdoe',
      'Jane Doe',
    ]);
    // Not asked for: they stay the envelope's placeholders, never turned into strings here.
    expect([m.author.location, m.author.email, m.author.profileUrl]).toEqual([null, null, null]);
  });

  it('when the mention was sealed field by field (hk1, before hk2), the fact fields open and the others stay envelopes', async () => {
    const seen: ResolvedMention[] = [];
    const handler = withDecryptedMentions(
      async (records) => {
        seen.push(...records.map((r) => r.value));
        return { outputs: [] };
      },
      {
        keyring: { keysForRead: async () => new Map([[key.keyId, key]]) },
        metrics: createPrivacyMetrics(new Registry()),
        stage: 'test',
      },
    );
    const result = await handler([sealedRecord(encryptMentionPiiFields)]);
    expect(result.failures).toEqual([]);
    const m = seen[0]!.mention;
    expect([m.text, m.author.handle]).toEqual(['my @acme router keeps dropping', 'jdoe']);
    for (const v of [m.author.location, m.author.email, m.author.profileUrl])
      expect(isEnvelope(v!)).toBe(true);
  });

  it('drops a record whose author key was shredded and counts it', async () => {
    const registry = new Registry();
    let called = false;
    const handler = withDecryptedMentions(
      async () => {
        called = true;
        return { outputs: [] };
      },
      {
        keyring: { keysForRead: async () => new Map([[key.keyId, null]]) },
        metrics: createPrivacyMetrics(registry),
        stage: 'test',
      },
    );
    const result = await handler([sealedRecord()]);
    expect(called).toBe(false);
    expect(result.failures).toEqual([]);
    const erased = await registry.getSingleMetric('hark_privacy_erased_records_total')!.get();
    expect(erased.values[0]!.value).toBe(1);
  });
});
