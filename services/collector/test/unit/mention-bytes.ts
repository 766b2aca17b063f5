import { createHash } from 'node:crypto';
import { parseBrandsConfig } from '@hark/brands';
import { eventType } from '@hark/events';
import { compileBrandMatcher } from '../../src/domain/brand-matcher.ts';
import { expandPayload } from '../../src/domain/expand-payload.ts';
import { minimiseMention } from '../../src/domain/minimise-mention.ts';
import { answerItems, prepareMentions } from '../../src/domain/prepare-mentions.ts';

/** The committed input of mention-bytes.test.ts (test/fixtures/mention-bytes/). */
export interface MentionBytesInput {
  /** The brands config as parsed YAML. */
  brands: unknown;
  now: number;
  /** One request body each, as the HTTP API gets it. */
  bodies: string[];
}

/**
 * What the collector makes of each body, one line per outcome: the answer
 * items, every refused item's errors, and the sha256 of each accepted
 * mention's Avro bytes after minimisation (sealing draws a random IV, so it
 * is left out; its envelope is tested in libs/privacy).
 */
export function mentionBytesLines(input: MentionBytesInput): string[] {
  const matcher = compileBrandMatcher(parseBrandsConfig(input.brands).brands);
  const type = eventType('Mention');
  const lines: string[] = [];
  input.bodies.forEach((body, b) => {
    const expanded = expandPayload(body, 'json', 'generic', { maxTextLength: 280 });
    if (!expanded.ok) {
      lines.push(`${b} body ${expanded.message}`);
      return;
    }
    const prepared = prepareMentions(expanded.entries, {
      matcher,
      limits: { maxTextLength: 280, maxFutureSkewMs: 900_000, maxAgeMs: 7 * 86_400_000 },
      now: input.now,
      source: { kind: 'http', name: 'golden' },
    });
    for (const item of answerItems(prepared)) lines.push(`${b} answer ${JSON.stringify(item)}`);
    for (const r of prepared.rejected)
      lines.push(`${b} rejected ${JSON.stringify({ index: r.index, id: r.id, errors: r.errors })}`);
    for (const { index, mention } of prepared.mentions) {
      const m = minimiseMention(mention, { hashEmails: true, redactTextContacts: true }).mention;
      const bytes = type.toBuffer(m);
      lines.push(`${b} avro ${index} ${createHash('sha256').update(bytes).digest('hex')}`);
    }
  });
  return lines;
}
