import { describe, expect, it } from 'vitest';
import { mapMastodon } from '../../../src/domain/platforms/index.ts';
import { drafts, json } from './fixtures.ts';

describe('Mastodon adapter', () => {
  const entries = mapMastodon(json('mastodon/tag-timeline.json'));

  it('maps a status with its ActivityPub uri as postId and HTML content as text', () => {
    const [post] = drafts(entries.slice(0, 1));
    expect(post).toEqual({
      mentionId: 'mastodon:https://piaille.fr/users/camille/statuses/113520000000000003',
      platform: 'mastodon',
      postId: 'https://piaille.fr/users/camille/statuses/113520000000000003',
      kind: 'post',
      url: 'https://piaille.fr/@camille/113520000000000003',
      parentId: null,
      author: {
        id: 'camille@piaille.fr',
        handle: 'camille@piaille.fr',
        name: 'Camille',
        followers: 412,
        verified: false,
        location: null,
        email: null,
        profileUrl: 'https://piaille.fr/@camille',
      },
      title: null,
      text: "Encore une panne chez #ÀCME ce matin ! L'assistance ne répond pas.\n\nQui d'autre ?",
      lang: 'fr',
      rating: null,
      revision: 0,
      createdAt: Date.parse('2026-11-22T11:02:10.000Z'),
      engagement: { likes: 5, shares: 2, replies: 1, views: 0 },
    });
  });

  it('qualifies a local account with its server and rebuilds links hidden in invisible spans', () => {
    const [, reply] = drafts(entries.slice(0, 2));
    expect(reply!.author.handle).toBe('netops@mastodon.social');
    expect(reply!.kind).toBe('reply');
    expect(reply!.text).toBe(
      '@ops the #acme status page says all green & yet… https://status.acme.example/incidents/42',
    );
  });

  it('maps a boost as a repost of the original, with the original text', () => {
    const [boost] = drafts(entries.slice(2, 3));
    expect(boost).toMatchObject({
      kind: 'repost',
      parentId: 'mastodon:https://fosstodon.org/users/lee/statuses/113519000000000000',
      text: 'Dear #Acme, please fix IPv6.',
      lang: 'en',
    });
  });

  it('refuses followers-only statuses', () => {
    expect(entries[3]).toMatchObject({ error: { path: 'visibility', reason: 'not_public' } });
  });

  it('unwraps a server webhook status.created event', () => {
    const [post] = drafts(mapMastodon(json('mastodon/webhook-status-created.json')));
    expect(post).toMatchObject({
      mentionId: 'mastodon:https://mastodon.example/users/ana/statuses/113520100000000000',
      text: 'Loving my new Globex One plan #globex',
    });
  });

  it('reports events without a status and objects that are not statuses', () => {
    expect(mapMastodon({ event: 'account.created', object: {} })[0]).toMatchObject({
      error: { path: 'event' },
    });
    expect(mapMastodon({ id: '1' })[0]).toMatchObject({ error: { reason: 'unsupported_payload' } });
  });
});
