import { randomBytes } from 'node:crypto';
import type { Action, Mention } from '@hark/events';
import { encryptMentionPii, encryptMentionPiiFields, type DataKey } from '@hark/privacy';
import { makeMention, makeResolvedMention } from '@hark/testing';
import { describe, expect, it } from 'vitest';
import { buildAction } from '../../src/domain/rules/route-mention.ts';
import { openAction } from '../../src/adapters/open-action.ts';

const key: DataKey = {
  keyId: randomBytes(16).toString('base64url'),
  authorRef: 'x:2244994945',
  key: randomBytes(32),
};
const keys = { keysForRead: async () => new Map([[key.keyId, key]]) };

const clear = makeMention({ text: 'my router died again', title: 'Router review' });

function actionFrom(sealed: Mention): Action {
  return buildAction(
    makeResolvedMention({ mention: clear }),
    { ruleId: 'r', queue: 'q', priority: 'normal', reasons: [] },
    'v1',
    0,
    sealed,
  );
}

describe('openAction', () => {
  it('when the action carries the mention envelope (hk2), the receiver gets the personal fields in clear', async () => {
    const a = actionFrom(encryptMentionPii(clear, key));
    expect(a.mention.sealed?.startsWith('hk2:')).toBe(true);
    expect([a.mention.text, a.mention.authorHandle]).toEqual(['', '']);
    const opened = await openAction(a, keys);
    expect(opened).toMatchObject({
      status: 'clear',
      action: {
        mention: {
          text: clear.text,
          title: clear.title,
          url: clear.url,
          authorHandle: clear.author.handle,
          authorName: clear.author.name,
          sealed: null,
        },
      },
    });
  });

  it('when an outbox row from before hk2 has no sealed key, its per-field envelopes still open', async () => {
    const a = actionFrom(encryptMentionPiiFields(clear, key));
    const { sealed, ...mention } = a.mention;
    expect(sealed).toBeNull();
    const old = JSON.parse(JSON.stringify({ ...a, mention })) as Action;
    const opened = await openAction(old, keys);
    expect(opened).toMatchObject({
      status: 'clear',
      action: { mention: { text: clear.text, authorHandle: clear.author.handle } },
    });
  });

  it('when the envelope belongs to another mention, opening fails instead of sending its text', async () => {
    const a = actionFrom(encryptMentionPii(clear, key));
    const moved = { ...a, mention: { ...a.mention, mentionId: 'x:42' } };
    await expect(openAction(moved, keys)).rejects.toMatchObject({
      code: 'HARK_PRIVACY_CIPHERTEXT_INVALID',
    });
  });

  it('when the author was erased, nothing is opened', async () => {
    const a = actionFrom(encryptMentionPii(clear, key));
    expect(await openAction(a, { keysForRead: async () => new Map([[key.keyId, null]]) })).toEqual({
      status: 'erased',
    });
  });
});
