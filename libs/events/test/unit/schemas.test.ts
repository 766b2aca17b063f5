import { readFileSync } from 'node:fs';
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import {
  makeAction,
  makeAlert,
  makeBrandSignal,
  makeComplianceEvent,
  makeDeadLetter,
  makeIdentityLink,
  makeMention,
  makeResolvedMention,
  makeScoredMention,
} from '@hark/testing';
import { generateTypes } from '../../scripts/generate-types.ts';
import { SCHEMA_FILES, TOPICS, eventType, loadSchema, type EventName } from '../../src/index.ts';

const samples: Record<EventName, () => unknown> = {
  Mention: makeMention,
  ScoredMention: makeScoredMention,
  ResolvedMention: makeResolvedMention,
  IdentityLink: makeIdentityLink,
  BrandSignal: makeBrandSignal,
  DeadLetter: makeDeadLetter,
  ComplianceEvent: makeComplianceEvent,
  Action: makeAction,
  Alert: makeAlert,
};
const names = Object.keys(SCHEMA_FILES) as EventName[];

type Node = { type?: unknown; fields?: Field[]; items?: unknown; values?: unknown; name?: string };
type Field = { name: string; type: unknown; doc?: string; default?: unknown };

function walkFields(schema: unknown, visit: (field: Field, record: string) => void): void {
  if (Array.isArray(schema)) return schema.forEach((s) => walkFields(s, visit));
  if (!schema || typeof schema !== 'object') return;
  const node = schema as Node;
  if (node.fields) {
    for (const f of node.fields) {
      visit(f, String(node.name));
      walkFields(f.type, visit);
    }
  }
  walkFields(node.items, visit);
  walkFields(node.values, visit);
  if (typeof node.type === 'object') walkFields(node.type, visit);
}

describe('event contracts', () => {
  it.each(names)('%s: a complete sample round-trips through avsc unchanged', (name) => {
    const type = eventType(name);
    const sample = samples[name]();
    expect(
      type.isValid(sample, { errorHook: (path) => expect.fail(`invalid at ${path.join('.')}`) }),
    ).toBe(true);
    expect(type.fromBuffer(type.toBuffer(sample))).toEqual(sample);
  });

  it.each(names)(
    '%s: every field is documented and every nullable field defaults to null',
    (name) => {
      walkFields(loadSchema(name), (field, record) => {
        expect(field.doc, `${record}.${field.name} has no doc`).toBeTruthy();
        if (Array.isArray(field.type) && field.type[0] === 'null') {
          expect(
            field.default,
            `${record}.${field.name} is nullable without a null default`,
          ).toBeNull();
        }
      });
    },
  );

  it.each(names)('%s: timestamps use the timestamp-millis logical type', (name) => {
    walkFields(loadSchema(name), (field, record) => {
      if (/At$/.test(field.name)) {
        expect(field.type, `${record}.${field.name}`).toEqual({
          type: 'long',
          logicalType: 'timestamp-millis',
        });
      }
    });
  });

  it('the TypeScript types are generated from the current schemas (run npm run gen:types)', () => {
    const checkedIn = readFileSync(
      new URL('../../src/types.generated.ts', import.meta.url),
      'utf8',
    );
    expect(checkedIn).toBe(generateTypes());
  });

  it('a Mention written before the optional fields existed is read with their defaults (BACKWARD)', () => {
    const v1 = avro.Type.forSchema({
      type: 'record',
      name: 'Mention',
      namespace: 'io.hark.events',
      fields: [
        { name: 'mentionId', type: 'string' },
        { name: 'platform', type: 'string' },
        { name: 'postId', type: 'string' },
        {
          name: 'author',
          type: {
            type: 'record',
            name: 'Author',
            fields: [
              { name: 'id', type: 'string' },
              { name: 'handle', type: 'string' },
            ],
          },
        },
        { name: 'text', type: 'string' },
        { name: 'createdAt', type: 'long' },
        { name: 'collectedAt', type: 'long' },
      ],
    });
    const current = eventType('Mention');
    const old = {
      mentionId: 'x:1',
      platform: 'x',
      postId: '1',
      author: { id: 'a', handle: 'h' },
      text: 'hi',
      createdAt: 1,
      collectedAt: 2,
    };
    const read = current.fromBuffer(v1.toBuffer(old), current.createResolver(v1)) as ReturnType<
      typeof makeMention
    >;
    expect(read.engagement).toEqual({ likes: 0, shares: 0, replies: 0, views: 0 });
    expect(read.brands).toEqual([]);
    expect(read.author.followers).toBe(0);
    expect(read.kind).toBe('post');
  });

  it('a value with a wrong type is rejected with the field path', () => {
    const paths: string[] = [];
    const bad = {
      ...makeMention(),
      engagement: { likes: 'many', shares: 0, replies: 0, views: 0 },
    };
    eventType('Mention').isValid(bad, { errorHook: (p) => paths.push(p.join('.')) });
    expect(paths).toEqual(['engagement.likes']);
  });

  it('every topic carries a known event and the mention topics have at least 3 partitions', () => {
    for (const spec of Object.values(TOPICS)) expect(names).toContain(spec.event);
    for (const t of [TOPICS.mentionsRaw, TOPICS.mentionsScored, TOPICS.mentionsResolved]) {
      expect(t.partitions).toBeGreaterThanOrEqual(3);
    }
    expect(TOPICS.identityLinks.config['cleanup.policy']).toBe('compact');
  });
});
