import { randomBytes } from 'node:crypto';
import { HarkError } from '@hark/errors';
import type { Mention, ResolvedMention } from '@hark/events';
import type { StageRecord } from '@hark/kafka';
import {
  encryptMentionPii,
  encryptMentionPiiFields,
  isEnvelope,
  type DataKey,
} from '@hark/privacy';
import { makeResolvedMention } from '@hark/testing';
import { describe, expect, it } from 'vitest';
import type { OpenedRecord } from '../../src/declaration.ts';
import { createStageHandler } from '../../src/stage-handler.ts';

const key: DataKey = {
  keyId: randomBytes(16).toString('base64url'),
  authorRef: 'x:1',
  key: randomBytes(32),
};
const FIELDS = ['url', 'title', 'text', 'author.handle', 'author.name'] as const;

function sealedRecord(offset = '0', seal = encryptMentionPii): StageRecord<ResolvedMention> {
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
    offset,
    key: null,
    headers: {},
    timestamp: '0',
    value: { ...r, mention: seal(m, key) },
  };
}

/** A personal input whose handler records what it saw and emits the mention as consumed. */
function personalStage(keys: Map<string, DataKey | null>, erased: number[] = []) {
  const seen: OpenedRecord<ResolvedMention>[] = [];
  const handle = createStageHandler({
    input: {
      name: 'mentions',
      topic: 'mentions.resolved',
      event: 'ResolvedMention',
      personal: { fields: FIELDS, mentionOf: (v: ResolvedMention) => v.mention },
      handle: async (opened: OpenedRecord<ResolvedMention>[]) => {
        seen.push(...opened);
        return {
          outputs: opened.map((o) => ({
            output: 'copy' as const,
            key: o.mention.mentionId,
            value: o.record.value,
            from: o.record,
          })),
          failures: [],
        };
      },
    },
    outputs: { copy: { topic: 'out', encode: () => Buffer.from('x') } },
    keyring: { keysForRead: async () => keys },
    onErased: (n) => erased.push(n),
  });
  return { handle, seen };
}

describe('the stage handler of a personal input', () => {
  it('opens the declared fields and leaves the others unopened; the record keeps the sealed value', async () => {
    const { handle, seen } = personalStage(new Map([[key.keyId, key]]));
    const record = sealedRecord();
    const result = await handle([record]);
    expect(result.failures).toEqual([]);
    expect(result.outputs).toEqual([
      { topic: 'out', key: record.value.mention.mentionId, value: Buffer.from('x') },
    ]);
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
    expect(seen[0]!.record).toBe(record);
  });

  it('when the mention was sealed field by field (hk1, before hk2), the declared fields open and the others stay envelopes', async () => {
    const { handle, seen } = personalStage(new Map([[key.keyId, key]]));
    const result = await handle([sealedRecord('0', encryptMentionPiiFields)]);
    expect(result.failures).toEqual([]);
    const m = seen[0]!.mention;
    expect([m.text, m.author.handle]).toEqual(['my @acme router keeps dropping', 'jdoe']);
    for (const v of [m.author.location, m.author.email, m.author.profileUrl])
      expect(isEnvelope(v!)).toBe(true);
  });

  it('drops a record whose author key was shredded and counts it, without calling the handler', async () => {
    const erased: number[] = [];
    const { handle, seen } = personalStage(new Map([[key.keyId, null]]), erased);
    const result = await handle([sealedRecord()]);
    expect(seen).toEqual([]);
    expect(result).toEqual({ outputs: [], failures: [] });
    expect(erased).toEqual([1]);
  });

  it('dead-letters a bad envelope before the handler’s own failures; the other records go on', async () => {
    const bad = sealedRecord('0');
    const sealed = Buffer.from(bad.value.mention.sealed!);
    sealed[sealed.length - 20]! ^= 1;
    bad.value = { ...bad.value, mention: { ...bad.value.mention, sealed } };
    const { handle, seen } = personalStage(new Map([[key.keyId, key]]));
    const result = await handle([bad, sealedRecord('1')]);
    expect(seen.map((o) => o.record.offset)).toEqual(['1']);
    expect(result.failures!.map((f) => [f.record.offset, f.error.code])).toEqual([
      ['0', 'HARK_PRIVACY_CIPHERTEXT_INVALID'],
    ]);
  });
});

describe('the stage handler of a plain input', () => {
  it('hands the records over as decoded and merges the handler’s failures with encoding failures', async () => {
    const record = (offset: string, text: string): StageRecord<Mention> => ({
      ...sealedRecord(offset),
      value: { ...makeResolvedMention().mention, text },
    });
    const handle = createStageHandler({
      input: {
        name: 'mentions',
        topic: 'mentions.raw',
        event: 'Mention',
        handle: async (records: StageRecord<Mention>[]) => ({
          outputs: records.map((r) => ({
            output: 'echo' as const,
            key: r.offset,
            value: r.value,
            from: r,
          })),
          failures: [{ record: records[0]!, error: new HarkError('HARK_STAGE_PROCESSING_FAILED') }],
        }),
      },
      outputs: {
        echo: {
          topic: 'echo',
          encode: ((m: Mention) => {
            if (m.text === 'unencodable') throw new HarkError('HARK_SERDE_ENCODE_FAILED', 'no');
            return Buffer.from(m.text);
          }) as (v: never) => Buffer,
        },
      },
      keyring: undefined,
      onErased: () => {},
    });
    const result = await handle([record('0', 'a'), record('1', 'unencodable'), record('2', 'c')]);
    expect(result.outputs.map((o) => o.value!.toString())).toEqual(['a', 'c']);
    expect(result.failures!.map((f) => [f.record.offset, f.error.code])).toEqual([
      ['0', 'HARK_STAGE_PROCESSING_FAILED'],
      ['1', 'HARK_SERDE_ENCODE_FAILED'],
    ]);
  });
});
