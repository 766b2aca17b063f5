import avro from 'avsc';
import { HarkError, isHarkError } from '@hark/errors';
import type { RegistryClient } from './registry-client.ts';
import { encodeAt, encoded, HEADER, MAGIC, writeHeader } from './wire-format.ts';

const UNKNOWN_ID_TTL_MS = 30_000;

export interface Encoder<T> {
  readonly schemaId: number;
  readonly subject: string;
  encode(value: T): Buffer;
}

export interface Decoder<T> {
  /** Decodes a framed value into the reader schema, resolving from the writer's schema. */
  decode(buf: Buffer): Promise<T>;
  /**
   * The same without a promise, when that needs no I/O (the writer's schema was resolved
   * before); `undefined` otherwise, and the caller awaits `decode`. Throws what `decode`
   * would. Optional, so other decoders need not have it; the stage loop calls it per record.
   */
  decodeSync?(buf: Buffer): T | undefined;
  /**
   * Whether a framed value that decoded was written with the reader schema itself (the same
   * Parsing Canonical Form), so its body is exactly the reader's encoding of what it decodes
   * to: what appending to consumed bytes needs. False for a writer schema that needed
   * resolution (an older version) and for one not seen yet. Optional, as `decodeSync` is.
   */
  isReaderSchema?(buf: Buffer): boolean;
}

export interface AvroSerde {
  /** Registers `schema` under `subject` and returns an encoder bound to its id. */
  encoder<T>(subject: string, schema: avro.Schema): Promise<Encoder<T>>;
  /** A decoder that reads any registered writer schema into `readerSchema`. */
  decoder<T>(readerSchema: avro.Schema): Decoder<T>;
}

export function createAvroSerde(deps: { registry: RegistryClient; now?: () => number }): AvroSerde {
  const now = deps.now ?? Date.now;
  const writerTypes = new Map<number, Promise<avro.Type>>();
  const unknownIds = new Map<number, number>();

  function writerType(id: number): Promise<avro.Type> {
    const seenMissing = unknownIds.get(id);
    if (seenMissing !== undefined && now() - seenMissing < UNKNOWN_ID_TTL_MS) {
      return Promise.reject(
        new HarkError('HARK_SERDE_UNKNOWN_SCHEMA', `schema id ${id} is unknown to the registry`, {
          context: { schemaId: id },
        }),
      );
    }
    let pending = writerTypes.get(id);
    if (!pending) {
      const fetched = deps.registry.getSchemaWithReferences
        ? deps.registry.getSchemaWithReferences(id)
        : deps.registry.getSchemaById(id).then((schema) => ({ schema, referenced: [] }));
      pending = fetched.then(
        ({ schema, referenced }) => {
          // Named types of referenced schemas first, so the writer schema's names resolve.
          const registry: Record<string, avro.Type> = {};
          for (const text of referenced)
            avro.Type.forSchema(JSON.parse(text) as avro.Schema, { registry });
          return avro.Type.forSchema(JSON.parse(schema) as avro.Schema, { registry });
        },
        (err: unknown) => {
          writerTypes.delete(id);
          if (isHarkError(err) && err.code === 'HARK_SERDE_UNKNOWN_SCHEMA') {
            unknownIds.set(id, now());
            throw new HarkError(
              'HARK_SERDE_UNKNOWN_SCHEMA',
              `schema id ${id} is unknown to the registry`,
              {
                cause: err,
                context: { schemaId: id },
              },
            );
          }
          throw err;
        },
      );
      writerTypes.set(id, pending);
    }
    return pending;
  }

  return {
    async encoder<T>(subject: string, schema: avro.Schema): Promise<Encoder<T>> {
      const type = avro.Type.forSchema(schema);
      const schemaId = await deps.registry.register(subject, schema);
      return {
        schemaId,
        subject,
        encode(value: T): Buffer {
          let end: number;
          try {
            end = encodeAt(type, value, HEADER);
          } catch (err) {
            const paths: string[] = [];
            type.isValid(value, { errorHook: (p) => paths.push(p.join('.') || '(root)') });
            throw new HarkError(
              'HARK_SERDE_ENCODE_FAILED',
              `value does not match ${subject}: invalid at ${paths.join(', ') || 'unknown path'}`,
              {
                cause: err,
                context: { subject, paths },
              },
            );
          }
          const out = Buffer.allocUnsafe(end);
          writeHeader(out, schemaId);
          encoded().copy(out, HEADER, HEADER, end);
          return out;
        },
      };
    },

    decoder<T>(readerSchema: avro.Schema): Decoder<T> {
      const reader = avro.Type.forSchema(readerSchema);
      const resolvers = new Map<number, avro.Type | avro.Resolver>();

      function resolverFor(id: number, writer: avro.Type): avro.Type | avro.Resolver {
        let resolver: avro.Type | avro.Resolver;
        try {
          resolver = writer.equals(reader) ? reader : reader.createResolver(writer);
        } catch (err) {
          throw new HarkError(
            'HARK_SERDE_INCOMPATIBLE_SCHEMA',
            `writer schema ${id} cannot be read as ${reader.name ?? 'reader schema'}: ${(err as Error).message}`,
            {
              cause: err,
              context: { schemaId: id },
            },
          );
        }
        resolvers.set(id, resolver);
        return resolver;
      }

      function decodeWith(resolver: avro.Type | avro.Resolver, buf: Buffer, id: number): T {
        let decoded: { value: unknown; offset: number };
        try {
          decoded =
            resolver === reader
              ? reader.decode(buf, HEADER)
              : reader.decode(buf, HEADER, resolver as avro.Resolver);
        } catch (err) {
          throw new HarkError(
            'HARK_SERDE_DECODE_FAILED',
            `value does not decode with schema ${id}: ${(err as Error).message}`,
            {
              cause: err,
              context: { schemaId: id },
            },
          );
        }
        if (decoded.offset !== buf.length) {
          const why =
            decoded.offset < 0
              ? 'is truncated'
              : `has ${buf.length - decoded.offset} trailing bytes`;
          throw new HarkError('HARK_SERDE_DECODE_FAILED', `value ${why} for schema ${id}`, {
            context: { schemaId: id, length: buf.length },
          });
        }
        return decoded.value as T;
      }

      return {
        async decode(buf: Buffer): Promise<T> {
          const id = schemaIdOf(buf);
          const resolver = resolvers.get(id) ?? resolverFor(id, await writerType(id));
          return decodeWith(resolver, buf, id);
        },
        decodeSync(buf: Buffer): T | undefined {
          const id = schemaIdOf(buf);
          const resolver = resolvers.get(id);
          return resolver === undefined ? undefined : decodeWith(resolver, buf, id);
        },
        isReaderSchema(buf: Buffer): boolean {
          return (
            buf.length >= HEADER && buf[0] === MAGIC && resolvers.get(buf.readInt32BE(1)) === reader
          );
        },
      };
    },
  };
}

function schemaIdOf(buf: Buffer): number {
  if (!Buffer.isBuffer(buf) || buf.length < HEADER || buf[0] !== MAGIC) {
    throw new HarkError(
      'HARK_SERDE_NOT_FRAMED',
      'value is not in Confluent wire format (magic byte 0 + schema id)',
      {
        context: { length: buf?.length ?? 0, firstByte: buf?.[0] },
      },
    );
  }
  return buf.readInt32BE(1);
}
