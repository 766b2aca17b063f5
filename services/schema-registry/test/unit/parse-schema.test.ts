import { HarkError } from '@hark/errors';
import { describe, expect, it } from 'vitest';
import { normalizeSchema } from '../../src/domain/normalize-schema.ts';
import {
  jsonNesting,
  MAX_SCHEMA_NESTING,
  parseAvroSchema,
  parseSchemaRequest,
} from '../../src/domain/parse-schema.ts';

function errorOf(fn: () => unknown): HarkError {
  try {
    fn();
  } catch (err) {
    if (err instanceof HarkError) return err;
    throw err;
  }
  throw new Error('expected a HarkError');
}

const mention = {
  type: 'record',
  name: 'Mention',
  namespace: 'hark.events',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'lang', type: ['null', 'string'], default: null },
    { name: 'kind', type: { type: 'enum', name: 'Kind', symbols: ['POST', 'REPLY'] } },
    { name: 'parent', type: ['null', 'Kind'], default: null },
  ],
};

describe('schema identity (normalization)', () => {
  const same = (a: string, b: string) =>
    expect(parseAvroSchema(a).fingerprint).toBe(parseAvroSchema(b).fingerprint);
  const different = (a: string, b: string) =>
    expect(parseAvroSchema(a).fingerprint).not.toBe(parseAvroSchema(b).fingerprint);

  it('when only whitespace differs, the schemas are the same', () => {
    same(JSON.stringify(mention), JSON.stringify(mention, null, 2));
  });

  it('when only key order differs, the schemas are the same', () => {
    const reordered = {
      fields: mention.fields.map((f) => Object.fromEntries(Object.entries(f).reverse())),
      namespace: 'hark.events',
      name: 'Mention',
      type: 'record',
    };
    same(JSON.stringify(mention), JSON.stringify(reordered));
  });

  it('when a primitive is spelled {"type": "int"} or "int", the schemas are the same', () => {
    same(
      '{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"int"}}]}',
      '{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}',
    );
    same('{"type":"string"}', '"string"');
  });

  it('when names are written short with a namespace or in full, the schemas are the same', () => {
    const full = {
      type: 'record',
      name: 'hark.events.Mention',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'lang', type: ['null', 'string'], default: null },
        {
          name: 'kind',
          type: { type: 'enum', name: 'hark.events.Kind', symbols: ['POST', 'REPLY'] },
        },
        { name: 'parent', type: ['null', 'hark.events.Kind'], default: null },
      ],
    };
    same(JSON.stringify(mention), JSON.stringify(full));
  });

  it.each([
    ['a default', { ...mention, fields: [{ name: 'id', type: 'string', default: 'x' }] }],
    [
      'the field order',
      { ...mention, fields: [mention.fields[1], mention.fields[0], ...mention.fields.slice(2)] },
    ],
    ['a doc string', { ...mention, doc: 'a post' }],
    ['a custom property', { ...mention, 'hark.owner': 'collector' }],
    ['the namespace', { ...mention, namespace: 'hark.other' }],
  ])('when %s differs, the schemas differ', (_what, changed) => {
    different(JSON.stringify(mention), JSON.stringify(changed));
  });

  it('when enum symbols are reordered, the schemas differ (symbol order is encoded)', () => {
    different(
      '{"type":"enum","name":"E","symbols":["A","B"]}',
      '{"type":"enum","name":"E","symbols":["B","A"]}',
    );
  });

  it('keeps the text exactly as sent', () => {
    const text = JSON.stringify(mention, null, 4);
    expect(parseAvroSchema(text).text).toBe(text);
  });

  it('normalizes to sorted keys with full names and no namespace attribute', () => {
    expect(
      normalizeSchema({
        name: 'R',
        namespace: 'n',
        type: 'record',
        fields: [{ type: { type: 'int' }, name: 'a' }],
      }),
    ).toBe('{"fields":[{"name":"a","type":"int"}],"name":"n.R","type":"record"}');
  });
});

describe('schema validation', () => {
  it.each([
    ['not JSON', '{"type":', /not JSON/],
    ['an unknown type name', '"foo"', /undefined type name: foo/],
    ['a record without a name', '{"type":"record","fields":[]}', /name/],
    [
      'a field without a type',
      '{"type":"record","name":"R","fields":[{"name":"a"}]}',
      /field "a" .* has no "type"/,
    ],
    [
      'a field whose name is not a string',
      '{"type":"record","name":"R","fields":[{"name":1,"type":"int"}]}',
      /needs a string "name"/,
    ],
    [
      'a default that does not match the field type',
      '{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"x"}]}',
      /default/,
    ],
    [
      'two fields with the same name',
      '{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"a","type":"int"}]}',
      /duplicate field name/,
    ],
    [
      'aliases that are not a list',
      '{"type":"record","name":"R","aliases":"Q","fields":[]}',
      /aliases/,
    ],
    ['an enum symbol that is not a name', '{"type":"enum","name":"E","symbols":["a-b"]}', /symbol/],
    ['a nested union', '["null",["int"]]', /nested/],
    ['a number', '42', /unknown type/],
  ])('when the schema is %s, it is refused with 42201', (_what, text, message) => {
    const err = errorOf(() => parseAvroSchema(text));
    expect(err.code).toBe('HARK_REGISTRY_SCHEMA_INVALID');
    expect(err.context).toMatchObject({ errorCode: 42201, status: 422 });
    expect(err.message).toMatch(message);
  });

  it.each(['"string"', '{"type":"array","items":"long"}', JSON.stringify(mention)])(
    'accepts %s',
    (text) => {
      expect(parseAvroSchema(text).type).toBeDefined();
    },
  );
});

describe('register request bodies', () => {
  const schema = '"string"';

  it('when schemaType is missing, AVRO, or avro, the schema is parsed', () => {
    expect(parseSchemaRequest({ schema }).text).toBe(schema);
    expect(parseSchemaRequest({ schema, schemaType: 'AVRO' }).text).toBe(schema);
    expect(parseSchemaRequest({ schema, schemaType: 'avro', references: [] }).text).toBe(schema);
  });

  it.each([
    ['schemaType is JSON', { schema, schemaType: 'JSON' }, /supports AVRO only/],
    ['schemaType is PROTOBUF', { schema, schemaType: 'PROTOBUF' }, /supports AVRO only/],
    [
      'references are given unresolved',
      { schema, references: [{ name: 'x', subject: 's', version: 1 }] },
      /references must be resolved first/,
    ],
    [
      'a reference has no version',
      { schema, references: [{ name: 'x', subject: 's' }] },
      /references\[0\] needs a "name", a "subject" and a "version"/,
    ],
    ['references is not a list', { schema, references: 'x' }, /must be an array/],
    ['the schema is missing', {}, /Empty schema/],
    ['the schema is not a string', { schema: { type: 'string' } }, /Empty schema/],
    ['the body is not an object', ['"string"'], /JSON object/],
    ['the body is empty', undefined, /JSON object/],
  ])('when %s, it is refused with 42201', (_what, body, message) => {
    const err = errorOf(() => parseSchemaRequest(body));
    expect(err.context.errorCode).toBe(42201);
    expect(err.message).toMatch(message);
  });
});

describe('jsonNesting', () => {
  it.each([
    ['"int"', 0],
    ['{"type":"array","items":{"type":"array","items":"int"}}', 2],
    ['{"doc":"[[[{{{ not nesting \\" ]]]"}', 1],
    ['[[[]]]', 3],
  ])('%s nests %i deep', (text, depth) => {
    expect(jsonNesting(text)).toBe(depth);
  });

  it('refuses a schema nested deeper than the limit with 42201', () => {
    const d = MAX_SCHEMA_NESTING + 1;
    const text = '{"type":"array","items":'.repeat(d) + '"int"' + '}'.repeat(d);
    expect(() => parseAvroSchema(text)).toThrow(/nests 201 levels deep/);
  });
});

describe('schema references', () => {
  const address = JSON.stringify({
    type: 'record',
    name: 'Address',
    namespace: 'hark.test',
    fields: [{ name: 'city', type: 'string' }],
  });
  const customer = JSON.stringify({
    type: 'record',
    name: 'Customer',
    namespace: 'hark.test',
    fields: [{ name: 'home', type: 'hark.test.Address' }],
  });
  const resolved = (version: number) => [
    {
      name: 'hark.test.Address',
      subject: 'address-value',
      version,
      schema: parseAvroSchema(address),
    },
  ];

  it('resolves a named type from a reference, and the references are part of the identity', () => {
    const a = parseAvroSchema(customer, resolved(1));
    expect(a.type.toBuffer({ home: { city: 'Porto' } })).toBeInstanceOf(Buffer);
    expect(a.references.map((r) => r.subject)).toEqual(['address-value']);
    expect(parseAvroSchema(customer, resolved(2)).fingerprint).not.toBe(a.fingerprint);
    expect(parseAvroSchema(address).fingerprint).toBe(parseAvroSchema(address, []).fingerprint);
  });

  it('refuses a type that is neither defined nor referenced with 42201', () => {
    const err = errorOf(() => parseAvroSchema(customer));
    expect(err.context.errorCode).toBe(42201);
  });
});
