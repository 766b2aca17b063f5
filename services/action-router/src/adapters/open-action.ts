import type { Action, Mention } from '@hark/events';
import { decryptMentionPii, sealedFromText, type Keyring } from '@hark/privacy';

/**
 * Decrypts the personal fields an Action carries (under the author's key)
 * right before delivery: the mention's one envelope (hk2, `mention.sealed`,
 * bound to mentionId, author and revision, which the Action keeps), or
 * per-field envelopes (hk1) at the same paths as in the Mention they came
 * from, so their associated data still matches.
 * `erased`: the author's key was shredded after routing; nothing personal may leave.
 */
export async function openAction(
  action: Action,
  keyring: Pick<Keyring, 'keysForRead'>,
): Promise<{ status: 'clear'; action: Action } | { status: 'erased' }> {
  const a = action.mention;
  const shape = {
    mentionId: a.mentionId,
    revision: a.revision,
    // Outbox rows stored before hk2 have no `sealed` key at all.
    sealed: a.sealed ? sealedFromText(a.sealed) : null,
    platform: a.platform,
    url: a.url,
    title: a.title,
    text: a.text,
    author: {
      id: a.authorId,
      handle: a.authorHandle,
      name: a.authorName,
      location: null,
      email: null,
      profileUrl: null,
    },
  } as unknown as Mention;
  const opened = await decryptMentionPii(shape, keyring);
  if (opened.status === 'erased') return { status: 'erased' };
  const m = opened.value;
  return {
    status: 'clear',
    action: {
      ...action,
      mention: {
        ...a,
        url: m.url,
        title: m.title,
        text: m.text,
        authorHandle: m.author.handle,
        authorName: m.author.name,
        sealed: null,
      },
    },
  };
}
