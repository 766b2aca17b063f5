import type { ResolvedMention } from '@hark/events';
import type { StageRecord } from '@hark/kafka';
import { createMetricsRegistry } from '@hark/observability';
import { createStageHandler } from '@hark/stage-runtime';
import { makeMention, makeResolvedMention } from '@hark/testing';
import { describe, expect, it } from 'vitest';
import { loadRuleset } from '../../src/adapters/load-rules.ts';
import { createRouterMetrics } from '../../src/adapters/router-metrics.ts';
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

describe('the routing handler', () => {
  const registry = createMetricsRegistry({ service: 'routing-handler-test' });
  const metrics = createRouterMetrics(registry);
  // Behind the runtime's boundary, as main.ts declares it: text and title opened.
  const handle = createStageHandler({
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
