import { randomBytes } from 'node:crypto';
import type { Mention } from '@hark/events';
import { makeMention } from '@hark/testing';
import { describe, expect, it } from 'vitest';
import {
  decryptMentionPii,
  decryptMentions,
  encryptMentionPii,
  MENTION_PII_FIELDS,
  mentionKeyIds,
  SEALED_FIELDS,
  SEALED_VERSION,
  sealedFromText,
  sealedKeyId,
  sealedToText,
  type DataKey,
} from '../../src/index.ts';
import { decodePersonal, encodePersonal } from '../../src/mention-envelope.ts';

function dataKey(authorRef = 'x:2244994945'): DataKey {
  return { keyId: randomBytes(16).toString('base64url'), authorRef, key: randomBytes(32) };
}

const PERSONAL = {
  text: 'Call me about my @acme router, it keeps dropping 😡 — ça suffit',
  title: 'Router review by Jane',
  url: 'https://x.com/jdoe/status/1',
  handle: 'jdoe',
  name: 'Jane Doe',
  location: 'Lyon, France',
  email: 'sha256:' + 'ab'.repeat(32),
  profileUrl: 'https://x.com/jdoe',
};

function personalMention(over: Partial<Mention> = {}): Mention {
  const m = makeMention(over);
  return {
    ...m,
    text: PERSONAL.text,
    title: PERSONAL.title,
    url: PERSONAL.url,
    author: {
      ...m.author,
      handle: PERSONAL.handle,
      name: PERSONAL.name,
      location: PERSONAL.location,
      email: PERSONAL.email,
      profileUrl: PERSONAL.profileUrl,
    },
  };
}

const invalid = { code: 'HARK_PRIVACY_CIPHERTEXT_INVALID' };

function flipByte(buf: Buffer, at: number): Buffer {
  const b = Buffer.from(buf);
  const i = at < 0 ? b.length + at : at;
  b[i] = b[i]! ^ 0x01;
  return b;
}

describe('one sealed envelope per mention (hk2)', () => {
  it('when a mention is sealed, the envelope is version 2 with the key id, and every personal field is a placeholder', () => {
    const k = dataKey();
    const m = personalMention();
    const s = encryptMentionPii(m, k);
    expect(s.sealed![0]).toBe(SEALED_VERSION);
    expect(s.sealed!.subarray(1, 17).toString('base64url')).toBe(k.keyId);
    expect(sealedKeyId(s.sealed!)).toBe(k.keyId);
    expect(mentionKeyIds(s)).toEqual([k.keyId]);
    expect([s.text, s.author.handle]).toEqual(['', '']);
    expect([s.url, s.title, s.author.name, s.author.location, s.author.email]).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
    expect(s.author.profileUrl).toBeNull();
    for (const v of Object.values(PERSONAL)) expect(s.sealed!.includes(Buffer.from(v))).toBe(false);
    // Ids, counters, brands and times stay in clear for keys, partitioning and rollups.
    expect(s.mentionId).toBe(m.mentionId);
    expect(s.author.id).toBe(m.author.id);
    expect(s.author.followers).toBe(m.author.followers);
    expect(s.brands).toEqual(m.brands);
    expect(s.engagement).toEqual(m.engagement);
    expect(s.revision).toBe(m.revision);
  });

  it('when the envelope is opened with its key, the mention equals the original, with sealed null', async () => {
    const k = dataKey();
    const m = personalMention();
    expect(await decryptMentionPii(encryptMentionPii(m, k), new Map([[k.keyId, k]]))).toEqual({
      status: 'clear',
      value: m,
      keyId: k.keyId,
    });
  });

  it.each<[string, Partial<Mention>, Partial<Mention['author']>]>([
    [
      'nulls',
      { url: null, title: null },
      { name: null, location: null, email: null, profileUrl: null },
    ],
    ['empty strings (distinct from null)', { title: '', text: '' }, { name: '', handle: '' }],
    ['a text longer than a one-byte length', { text: 'ü'.repeat(70_000) }, {}],
  ])('when the personal fields hold %s, they round-trip exactly', async (_, over, author) => {
    const k = dataKey();
    const base = personalMention();
    const m = { ...base, ...over, author: { ...base.author, ...author } };
    const opened = await decryptMentionPii(encryptMentionPii(m, k), new Map([[k.keyId, k]]));
    expect(opened).toEqual({ status: 'clear', value: m, keyId: k.keyId });
  });

  it('when the same mention is sealed twice, the envelopes differ (random IV)', () => {
    const k = dataKey();
    const m = personalMention();
    expect(encryptMentionPii(m, k).sealed!.equals(encryptMentionPii(m, k).sealed!)).toBe(false);
  });

  it.each<[string, (s: Mention) => Mention]>([
    ['another mentionId', (s) => ({ ...s, mentionId: 'x:999', postId: '999' })],
    ['another author id', (s) => ({ ...s, author: { ...s.author, id: '1' } })],
    ['another platform', (s) => ({ ...s, platform: 'mastodon' })],
    ['another revision', (s) => ({ ...s, revision: s.revision + 1 })],
  ])(
    'when the envelope is moved onto %s, its associated data no longer matches',
    async (_, move) => {
      const k = dataKey();
      const s = encryptMentionPii(personalMention(), k);
      await expect(decryptMentionPii(move(s), new Map([[k.keyId, k]]))).rejects.toMatchObject(
        invalid,
      );
    },
  );

  it('when one mention carries the envelope of another mention by the same author, it fails', async () => {
    const k = dataKey();
    const a = encryptMentionPii(personalMention({ postId: '1' }), k);
    const b = encryptMentionPii(personalMention({ postId: '2' }), k);
    await expect(
      decryptMentionPii({ ...a, sealed: b.sealed }, new Map([[k.keyId, k]])),
    ).rejects.toMatchObject(invalid);
  });

  it.each<[string, (b: Buffer) => Buffer]>([
    ['a flipped IV byte', (b) => flipByte(b, 20)],
    ['a flipped ciphertext byte', (b) => flipByte(b, 35)],
    ['a flipped tag byte', (b) => flipByte(b, -1)],
    ['a truncated tag', (b) => b.subarray(0, b.length - 1)],
    ['only a header', (b) => b.subarray(0, 30)],
  ])(
    'when the envelope has %s, opening fails with HARK_PRIVACY_CIPHERTEXT_INVALID',
    async (_, t) => {
      const k = dataKey();
      const s = encryptMentionPii(personalMention(), k);
      await expect(
        decryptMentionPii({ ...s, sealed: t(s.sealed!) }, new Map([[k.keyId, k]])),
      ).rejects.toMatchObject(invalid);
    },
  );

  it('when the key id in the header is rewritten to another key of this database, opening fails', async () => {
    const a = dataKey();
    const b = dataKey();
    const s = encryptMentionPii(personalMention(), a);
    const sealed = Buffer.from(s.sealed!);
    Buffer.from(b.keyId, 'base64url').copy(sealed, 1);
    await expect(
      decryptMentionPii({ ...s, sealed }, new Map([[b.keyId, b]])),
    ).rejects.toMatchObject(invalid);
  });

  it('when a sealed mention also carries a personal field in clear, it is refused rather than trusted', async () => {
    const k = dataKey();
    const s = encryptMentionPii(personalMention(), k);
    await expect(
      decryptMentionPii(
        { ...s, author: { ...s.author, name: 'Injected' } },
        new Map([[k.keyId, k]]),
      ),
    ).rejects.toMatchObject(invalid);
  });

  it('when the envelope has an unknown version, it fails with HARK_PRIVACY_ENVELOPE_VERSION_UNSUPPORTED', async () => {
    const k = dataKey();
    const s = encryptMentionPii(personalMention(), k);
    const v3 = Buffer.from(s.sealed!);
    v3[0] = 3;
    expect(() => mentionKeyIds({ ...s, sealed: v3 })).toThrow(
      expect.objectContaining({ code: 'HARK_PRIVACY_ENVELOPE_VERSION_UNSUPPORTED' }),
    );
    expect(() => mentionKeyIds({ ...s, sealed: Buffer.alloc(0) })).toThrow(
      expect.objectContaining({ code: 'HARK_PRIVACY_ENVELOPE_VERSION_UNSUPPORTED' }),
    );
  });

  it('when the author key was shredded, the mention reads as erased', async () => {
    const k = dataKey();
    const s = encryptMentionPii(personalMention(), k);
    expect(await decryptMentionPii(s, new Map([[k.keyId, null]]))).toEqual({
      status: 'erased',
      keyId: k.keyId,
    });
  });

  it('when the key id is unknown to this database, it fails with HARK_PRIVACY_KEY_UNKNOWN', async () => {
    const s = encryptMentionPii(personalMention(), dataKey());
    await expect(decryptMentionPii(s, new Map())).rejects.toMatchObject({
      code: 'HARK_PRIVACY_KEY_UNKNOWN',
    });
  });

  it('when a stage asks for some fields, only those become strings; the others keep their placeholders', async () => {
    const k = dataKey();
    const m = personalMention();
    const [r] = await decryptMentions(
      [encryptMentionPii(m, k)],
      { keysForRead: async () => new Map([[k.keyId, k]]) },
      ['text', 'title'],
    );
    const v = (r as { status: 'clear'; value: Mention }).value;
    expect(r!.status).toBe('clear');
    expect([v.text, v.title]).toEqual([m.text, m.title]);
    expect([v.url, v.author.handle, v.author.name, v.author.location]).toEqual([
      null,
      '',
      null,
      null,
    ]);
    expect(v.sealed).toBeNull();
  });

  it('when a batch holds a good, an erased, a tampered and an unknown-version mention, each gets its own result', async () => {
    const a = dataKey('x:1');
    const b = dataKey('x:2');
    const good = encryptMentionPii(personalMention({ postId: '1' }), a);
    const erased = encryptMentionPii(personalMention({ postId: '2' }), b);
    const tampered = { ...good, sealed: flipByte(good.sealed!, 40) };
    const v9 = Buffer.from(good.sealed!);
    v9[0] = 9;
    const calls: string[][] = [];
    const out = await decryptMentions([good, erased, tampered, { ...good, sealed: v9 }], {
      keysForRead: async (ids: readonly string[]) => {
        calls.push([...ids]);
        return new Map<string, DataKey | null>([
          [a.keyId, a],
          [b.keyId, null],
        ]);
      },
    });
    expect(calls).toHaveLength(1);
    expect(out.map((r) => r.status)).toEqual(['clear', 'erased', 'invalid', 'invalid']);
    expect(out[2]).toMatchObject({ error: invalid });
    expect(out[3]).toMatchObject({ error: { code: 'HARK_PRIVACY_ENVELOPE_VERSION_UNSUPPORTED' } });
  });

  it('when a data key id is not 16 bytes of base64url, sealing refuses it rather than write a header no reader finds', () => {
    const m = personalMention();
    for (const keyId of [
      'short',
      randomBytes(17).toString('base64url'),
      'A'.repeat(21) + 'B',
      '!'.repeat(22),
    ])
      expect(() => encryptMentionPii(m, { ...dataKey(), keyId }), keyId).toThrow(
        expect.objectContaining({ ...invalid, message: 'data key id is not 16 bytes' }),
      );
  });

  it('when an envelope travels as text (hk2:<base64url>), it comes back byte for byte; other text is refused', () => {
    const s = encryptMentionPii(personalMention(), dataKey()).sealed!;
    const text = sealedToText(s);
    expect(text.startsWith('hk2:')).toBe(true);
    expect(sealedFromText(text).equals(s)).toBe(true);
    for (const bad of ['hk1:abc', 'hk2:', 'hk2:not base64!', 'plain'])
      expect(() => sealedFromText(bad)).toThrow(expect.objectContaining(invalid));
  });
});

describe('the plaintext layout inside the envelope', () => {
  it('the field order is the hk2 wire format: changing MENTION_PII_FIELDS needs a new envelope version', () => {
    expect(MENTION_PII_FIELDS).toBe(SEALED_FIELDS);
    expect([...SEALED_FIELDS]).toEqual([
      'url',
      'title',
      'text',
      'author.handle',
      'author.name',
      'author.location',
      'author.email',
      'author.profileUrl',
    ]);
  });

  it('when fields are encoded, each is a varint of length + 1 (0 = null) and its UTF-8 bytes', () => {
    expect([...encodePersonal([null, '', 'é'])]).toEqual([0, 1, 3, 0xc3, 0xa9]);
    const long = 'a'.repeat(200);
    const buf = encodePersonal([long]);
    expect([...buf.subarray(0, 2)]).toEqual([0xc9, 0x01]); // 201 as a varint
    expect(decodePersonal(buf, 1)).toEqual([long]);
  });

  it.each<[string, Buffer, number]>([
    ['a length past the end', Buffer.from([5, 0x61]), 1],
    ['trailing bytes', Buffer.from([2, 0x61, 0]), 1],
    ['a missing field', Buffer.from([2, 0x61]), 2],
  ])('when the layout has %s, decoding throws', (_, buf, count) => {
    expect(() => decodePersonal(buf, count)).toThrow();
  });
});
