import type { ResolvedMention } from '@hark/events';
import type { StageRecord } from '@hark/kafka';
import { createMetricsRegistry } from '@hark/observability';
import { createStageHandler } from '@hark/stage-runtime';
import { makeMention, makeResolvedMention } from '@hark/testing';
import { describe, expect, it } from 'vitest';
import { loadRuleset } from '../../src/adapters/load-rules.ts';
import { createRouterMetrics, type RouterMetrics } from '../../src/adapters/router-metrics.ts';
import { createRoutingHandler } from '../../src/adapters/routing-handler.ts';

const NOW = Date.UTC(2026, 10, 24, 12, 0);
const record = (value: ResolvedMention, offset = '0'): StageRecord<ResolvedMention> => ({
  topic: 't',
  partition: 0,
  offset,
  key: null,
  value,
  headers: {},
  timestamp: String(NOW),
});

/** The handler behind the runtime's boundary, as main.ts declares it: text and title opened. */
function routingStage(metrics: RouterMetrics) {
  return createStageHandler({
    input: {
      name: 'rules',
      topic: 't',
      event: 'ResolvedMention',
      personal: { fields: ['text', 'title'], mentionOf: (r: ResolvedMention) => r.mention },
      handle: createRoutingHandler({
        ruleset: loadRuleset('rules/routing.yaml'),
        metrics,
        maxAgeMs: 2 * 86_400_000,
        now: () => NOW,
      }),
    },
    outputs: { actions: { topic: 'actions', encode: (a) => Buffer.from(JSON.stringify(a)) } },
    // Plain (unsealed) mentions never ask the keyring for keys.
    keyring: { keysForRead: async () => new Map() },
    onErased: () => {},
  });
}

describe('the routing handler', () => {
  const registry = createMetricsRegistry({ service: 'routing-handler-test' });
  const handle = routingStage(createRouterMetrics(registry));

  it('routes a fresh complaint, skips a mention older than ACTION_MAX_AGE, counts both', async () => {
    const fresh = makeResolvedMention({
      mention: makeMention({ postId: '1', createdAt: NOW - 3_600_000 }),
    });
    const old = makeResolvedMention({
      mention: makeMention({ postId: '2', createdAt: NOW - 3 * 86_400_000 }),
    });
    const result = await handle([record(fresh, '0'), record(old, '1')]);
    expect(result.outputs.map((o) => o.key)).toEqual(['vip-complaint:x:1']);
    expect(JSON.parse(result.outputs[0]!.value!.toString())).toMatchObject({
      queue: 'customer-service',
      routedAt: NOW,
    });
    expect(result.failures).toEqual([]);
    const text = await registry.metrics();
    expect(text).toMatch(
      /hark_actions_unrouted_mentions_total\{reason="too_old",service="routing-handler-test"\} 1/,
    );
    expect(text).toMatch(
      /hark_actions_routed_total\{queue="customer-service",rule="vip-complaint",priority="urgent"/,
    );
  });

  it('a mention routed by several rules gives one action per rule; each route and miss is counted once per mention', async () => {
    const local = createMetricsRegistry({ service: 'routing-batch-test' });
    const counted = routingStage(createRouterMetrics(local));
    const base = makeResolvedMention();
    // Safety words in a negative post from a gold customer: PR (continue), then customer service.
    const fire = (postId: string) =>
      makeResolvedMention({
        mention: makeMention({ postId, createdAt: NOW, text: 'my @acme charger caught fire' }),
      });
    const praise = makeResolvedMention({
      mention: makeMention({ postId: '9', createdAt: NOW, text: 'love it' }),
      sentiment: { ...base.sentiment, label: 'positive', score: 0.8 },
      intent: { ...base.intent, label: 'praise' },
      customer: { ...base.customer, customerTier: 'bronze', customerValue: 10 },
    });
    const result = await counted([
      record(fire('7'), '0'),
      record(fire('8'), '1'),
      record(praise, '2'),
    ]);
    expect(result.outputs.map((o) => o.key)).toEqual([
      'pr-safety-legal:x:7',
      'vip-complaint:x:7',
      'pr-safety-legal:x:8',
      'vip-complaint:x:8',
    ]);
    const [a, b] = result.outputs.map((o) => JSON.parse(o.value!.toString()));
    expect(a.mention).toEqual(b.mention);
    expect(a.mention).toMatchObject({ mentionId: 'x:7', text: 'my @acme charger caught fire' });
    const text = await local.metrics();
    expect(text).toMatch(/hark_actions_routed_total\{[^}]*rule="pr-safety-legal"[^}]*\} 2\n/);
    expect(text).toMatch(/hark_actions_routed_total\{[^}]*rule="vip-complaint"[^}]*\} 2\n/);
    expect(text).toMatch(/hark_actions_unrouted_mentions_total\{reason="no_rule"[^}]*\} 1\n/);
  });

  it('a mention with a malformed envelope goes to the dlq with its reason, the others still route', async () => {
    const bad = makeResolvedMention({
      mention: makeMention({
        postId: '3',
        createdAt: NOW,
        text: 'hk1:AAAAAAAAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      }),
    });
    const good = makeResolvedMention({ mention: makeMention({ postId: '4', createdAt: NOW }) });
    const result = await handle([record(bad, '0'), record(good, '1')]);
    expect(result.outputs.map((o) => o.key)).toEqual(['vip-complaint:x:4']);
    expect(result.failures?.map((f) => [f.record.offset, f.error.code])).toEqual([
      ['0', 'HARK_PRIVACY_KEY_UNKNOWN'],
    ]);
  });
});
