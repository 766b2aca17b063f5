import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hubSignature } from '../../src/domain/webhook-signature.ts';
import { startCollector, type Harness } from './harness.ts';

const fixture = (p: string) => readFileSync(new URL(`../fixtures/${p}`, import.meta.url), 'utf8');
let h: Harness;

beforeAll(async () => {
  h = await startCollector({
    sources: {
      webhooks: [
        {
          source: 'mastodon',
          format: 'mastodon',
          secret: 'whsec-integration',
          verifyToken: 'verify-integration',
        },
      ],
      pollers: [],
    },
  });
});
afterAll(async () => {
  await h?.close();
});

const send = (body: string, signature?: string) =>
  fetch(`${h.url}/v1/webhooks/mastodon`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(signature ? { 'x-hub-signature-256': signature } : {}),
    },
    body,
  });

describe('webhooks against the real broker', () => {
  it('with a bad or missing signature: 401, and nothing reaches any topic', async () => {
    const body = fixture('mastodon/tag-timeline.json');
    expect((await send(body)).status).toBe(401);
    expect((await send(body, hubSignature('not-the-secret', body))).status).toBe(401);
    expect((await send(body, hubSignature('whsec-integration', `${body} `))).status).toBe(401);
    expect(await h.count(h.topics.mentions)).toBe(0);
    expect(await h.count(h.topics.dlq)).toBe(0);
  });

  it('with a good signature: the statuses become Mentions, and the private one a dead letter', async () => {
    const body = fixture('mastodon/tag-timeline.json');
    const res = await send(body, hubSignature('whsec-integration', body));
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ received: 4, accepted: 3, rejected: 1 });

    const mentions = await h.mentions(3);
    expect(mentions.map((m) => m.value.source)).toEqual(
      Array(3).fill({ kind: 'webhook', name: 'mastodon' }),
    );
    expect(mentions.every((m) => m.value.brands.includes('acme'))).toBe(true);

    const [dead] = await h.deadLetters(1);
    expect(dead!.value).toMatchObject({
      stage: 'collector',
      sourceTopic: 'http',
      sourcePartition: -1,
      errorCode: 'HARK_INGEST_INVALID',
      headers: {
        'hark-source-kind': Buffer.from('webhook'),
        'hark-source-name': Buffer.from('mastodon'),
      },
    });
    expect(JSON.parse(dead!.value.value!.toString()).visibility).toBe('private');
  });

  it('the same delivery twice is the same mentionIds (a platform retry is one mention downstream)', async () => {
    const body = fixture('mastodon/webhook-status-created.json');
    const first = (await (await send(body, hubSignature('whsec-integration', body))).json()) as {
      items: { mentionId: string }[];
    };
    const again = (await (await send(body, hubSignature('whsec-integration', body))).json()) as {
      items: { mentionId: string }[];
    };
    expect(again.items.map((i) => i.mentionId)).toEqual(first.items.map((i) => i.mentionId));
  });

  it('answers the subscribe handshake', async () => {
    const res = await fetch(
      `${h.url}/v1/webhooks/mastodon?hub.mode=subscribe&hub.challenge=abc123&hub.verify_token=verify-integration`,
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('abc123');
  });
});
