import { randomBytes } from 'node:crypto';
import { makeIdentityLink, makeMention } from '@hark/testing';
import { describe, expect, it } from 'vitest';
import {
  decryptField,
  decryptIdentityLinkPii,
  decryptMentionPii,
  decryptMentions,
  encryptField,
  encryptIdentityLinkPii,
  encryptMentionPii,
  encryptMentionPiiFields,
  envelopeKeyId,
  isEnvelope,
  mentionKeyIds,
  type DataKey,
} from '../../src/index.ts';

function dataKey(authorRef = 'x:2244994945'): DataKey {
  return { keyId: randomBytes(16).toString('base64url'), authorRef, key: randomBytes(32) };
}

const PERSONAL = {
  text: 'Call me about my @acme router, it keeps dropping',
  title: 'Router review by Jane',
  url: 'https://x.com/jdoe/status/1',
  handle: 'jdoe',
  name: 'Jane Doe',
  location: 'Lyon, France',
  email: 'jane.doe@example.org',
  profileUrl: 'https://x.com/jdoe',
};

function personalMention() {
  const m = makeMention();
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

describe('field envelopes', () => {
  it('when a field is encrypted, it round-trips and the envelope names the key', () => {
    const k = dataKey();
    const env = encryptField('héllo 😡 wörld', k, 'text');
    expect(env.startsWith(`hk1:${k.keyId}:`)).toBe(true);
    expect(isEnvelope(env)).toBe(true);
    expect(envelopeKeyId(env)).toBe(k.keyId);
    expect(decryptField(env, k, 'text')).toBe('héllo 😡 wörld');
  });

  it('when the same value is encrypted twice, the ciphertexts differ (random IV)', () => {
    const k = dataKey();
    expect(encryptField('same', k, 'text')).not.toBe(encryptField('same', k, 'text'));
  });

  it('when an empty string is encrypted, it round-trips', () => {
    const k = dataKey();
    expect(decryptField(encryptField('', k, 'title'), k, 'title')).toBe('');
  });

  it('when a string is plain, decrypt passes it through', () => {
    const k = dataKey();
    for (const plain of ['hello', 'hk1: not an envelope', 'hk1:short:abc', '']) {
      expect(decryptField(plain, k, 'text')).toBe(plain);
    }
  });

  it.each([
    ['a flipped ciphertext byte', (s: string) => flip(s, 30)],
    ['a flipped tag byte', (s: string) => flip(s, s.length - 2)],
  ])('when an envelope has %s, decrypt fails with HARK_PRIVACY_CIPHERTEXT_INVALID', (_, tamper) => {
    const k = dataKey();
    const env = tamper(encryptField('secret text', k, 'text'));
    expect(() => decryptField(env, k, 'text')).toThrow(
      expect.objectContaining({ code: 'HARK_PRIVACY_CIPHERTEXT_INVALID' }),
    );
  });

  it('when a ciphertext is moved to another field, its associated data no longer matches', () => {
    const k = dataKey();
    const env = encryptField('Jane Doe', k, 'author.name');
    expect(() => decryptField(env, k, 'author.handle')).toThrow(
      expect.objectContaining({ code: 'HARK_PRIVACY_CIPHERTEXT_INVALID' }),
    );
  });

  it('when an envelope is opened with another author key, it fails', () => {
    const a = dataKey();
    const b = { ...dataKey(), keyId: a.keyId };
    expect(() => decryptField(encryptField('x', a, 'text'), b, 'text')).toThrow(
      expect.objectContaining({ code: 'HARK_PRIVACY_CIPHERTEXT_INVALID' }),
    );
  });
});

describe('per-field mention envelopes (hk1: no longer written, still read)', () => {
  it('when a mention is encrypted field by field, no personal value is left readable and ids stay clear', () => {
    const k = dataKey();
    const m = personalMention();
    const enc = encryptMentionPiiFields(m, k);
    const json = JSON.stringify(enc);
    for (const v of Object.values(PERSONAL)) expect(json).not.toContain(v);
    expect(enc.mentionId).toBe(m.mentionId);
    expect(enc.author.id).toBe(m.author.id);
    expect(enc.brands).toEqual(m.brands);
    expect(enc.engagement).toEqual(m.engagement);
    expect(mentionKeyIds(enc)).toEqual([k.keyId]);
  });

  it('when an encrypted mention is decrypted with its key, it equals the original', async () => {
    const k = dataKey();
    const m = personalMention();
    const res = await decryptMentionPii(encryptMentionPiiFields(m, k), new Map([[k.keyId, k]]));
    expect(res).toEqual({ status: 'clear', value: m, keyId: k.keyId });
  });

  it('when null personal fields are encrypted, they stay null', () => {
    const k = dataKey();
    const m = makeMention({ title: null, url: null });
    const enc = encryptMentionPiiFields(m, k);
    expect(enc.title).toBeNull();
    expect(enc.url).toBeNull();
    expect(enc.author.email).toBeNull();
  });

  it('when the key was shredded, decrypt reports erased, not an error', async () => {
    const k = dataKey();
    const enc = encryptMentionPiiFields(personalMention(), k);
    expect(await decryptMentionPii(enc, new Map([[k.keyId, null]]))).toEqual({
      status: 'erased',
      keyId: k.keyId,
    });
  });

  it('when the key id is unknown, decrypt fails with HARK_PRIVACY_KEY_UNKNOWN', async () => {
    const enc = encryptMentionPiiFields(personalMention(), dataKey());
    await expect(decryptMentionPii(enc, new Map())).rejects.toMatchObject({
      code: 'HARK_PRIVACY_KEY_UNKNOWN',
    });
  });

  it('when a mention is plain (an old record), decrypt returns it unchanged without a lookup', async () => {
    const m = personalMention();
    const keyring = {
      keysForRead: () => Promise.reject(new Error('must not be called')),
    };
    expect(await decryptMentionPii(m, keyring)).toEqual({ status: 'clear', value: m, keyId: null });
  });

  it('when a batch mixes good, erased, tampered and plain mentions, each gets its own result', async () => {
    const a = dataKey('x:1');
    const b = dataKey('x:2');
    const good = encryptMentionPiiFields(personalMention(), a);
    const erased = encryptMentionPiiFields(personalMention(), b);
    const tampered = { ...good, text: flip(good.text, 40) };
    const plain = personalMention();
    const calls: string[][] = [];
    const keyring = {
      keysForRead: async (ids: readonly string[]) => {
        calls.push([...ids]);
        return new Map<string, DataKey | null>([
          [a.keyId, a],
          [b.keyId, null],
        ]);
      },
    };
    const out = await decryptMentions([good, erased, tampered, plain], keyring);
    expect(calls).toHaveLength(1);
    expect(out.map((r) => r.status)).toEqual(['clear', 'erased', 'invalid', 'clear']);
    expect(out[2]).toMatchObject({ error: { code: 'HARK_PRIVACY_CIPHERTEXT_INVALID' } });
  });

  it('when a stage asks for some fields, only those are opened and a shredded key is still noticed', async () => {
    const a = dataKey('x:1');
    const b = dataKey('x:2');
    const m = personalMention();
    const enc = encryptMentionPiiFields(m, a);
    const keys = new Map<string, DataKey | null>([
      [a.keyId, a],
      [b.keyId, null],
    ]);
    const [opened, erased] = await decryptMentions(
      [enc, encryptMentionPiiFields(personalMention(), b)],
      { keysForRead: async () => keys },
      ['text', 'title'],
    );
    expect(opened).toMatchObject({ status: 'clear' });
    const v = (opened as { value: typeof m }).value;
    expect(v.text).toBe(m.text);
    expect(v.title).toBe(m.title);
    expect(v.author.handle).toBe(enc.author.handle);
    expect(v.author.handle).not.toBe(m.author.handle);
    expect(v.url).toBe(enc.url);
    expect(erased).toMatchObject({ status: 'erased', keyId: b.keyId });
  });
  it('when a batch mixes hk1 and hk2 mentions of several authors, one key lookup opens them all', async () => {
    const a = dataKey('x:1');
    const b = dataKey('x:2');
    const m = personalMention();
    const old = encryptMentionPiiFields(m, a);
    const sealed = encryptMentionPii({ ...m, author: { ...m.author, id: '2' } }, b);
    expect(sealed.sealed).not.toBeNull();
    const calls: string[][] = [];
    const out = await decryptMentions([old, sealed], {
      keysForRead: async (ids: readonly string[]) => {
        calls.push([...ids].sort());
        return new Map<string, DataKey | null>([
          [a.keyId, a],
          [b.keyId, b],
        ]);
      },
    });
    expect(calls).toEqual([[a.keyId, b.keyId].sort()]);
    expect(out).toEqual([
      { status: 'clear', value: m, keyId: a.keyId },
      { status: 'clear', value: { ...m, author: { ...m.author, id: '2' } }, keyId: b.keyId },
    ]);
  });
});

describe('identity link codec', () => {
  it('when a link is encrypted, handle and evidence details round-trip and other fields stay clear', async () => {
    const k = dataKey();
    const l = {
      ...makeIdentityLink(),
      handle: 'jdoe',
      evidence: [{ kind: 'review', detail: 'rejected by a reviewer: not Jane Doe', weight: 0 }],
    };
    const enc = encryptIdentityLinkPii(l, k);
    expect(JSON.stringify(enc)).not.toContain('jdoe');
    expect(JSON.stringify(enc)).not.toContain('Jane Doe');
    expect(enc.customerId).toBe(l.customerId);
    expect(enc.evidence[0]!.kind).toBe('review');
    expect(await decryptIdentityLinkPii(enc, new Map([[k.keyId, k]]))).toEqual({
      status: 'clear',
      value: l,
      keyId: k.keyId,
    });
  });
});

function flip(s: string, at: number): string {
  const c = s[at] === 'A' ? 'B' : 'A';
  return s.slice(0, at) + c + s.slice(at + 1);
}
