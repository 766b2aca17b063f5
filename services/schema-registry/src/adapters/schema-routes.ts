import type { FastifyInstance } from 'fastify';
import {
  type Flags,
  type IdParams,
  type RegistryRoutesDeps,
  flag,
  schemaIdOf,
} from './registry-request.ts';
import { deletedQuery, idParams, notFound, schemaAnswer, strings } from './registry-schemas.ts';
import { referencesOf } from './schema-store.ts';

const subjectVersions = {
  description: 'Subject and version pairs.',
  type: 'array',
  items: {
    type: 'object',
    properties: { subject: { type: 'string' }, version: { type: 'integer' } },
  },
} as const;

/** Schemas by global id, the schema types, and the root (a liveness probe for clients). */
export function registerSchemaRoutes(api: FastifyInstance, { store }: RegistryRoutesDeps): void {
  api.get(
    '/schemas/types',
    { schema: { summary: 'Schema types this registry takes', response: { 200: strings } } },
    async () => ['AVRO'],
  );

  api.get<IdParams>(
    '/schemas/ids/:id',
    {
      schema: {
        summary: 'A schema by id',
        params: idParams,
        response: { 200: schemaAnswer, 404: notFound },
      },
    },
    async (req) => {
      const schema = await store.getSchema(schemaIdOf(req.params.id));
      return { schema: schema.text, ...referencesOf(schema) };
    },
  );

  // The raw-schema endpoints answer the schema JSON itself, sent as stored.
  api.get<IdParams>(
    '/schemas/ids/:id/schema',
    {
      schema: {
        summary: 'The schema text of an id, as stored',
        params: idParams,
        response: { 200: { description: 'The Avro schema JSON.' }, 404: notFound },
      },
    },
    async (req) => (await store.getSchema(schemaIdOf(req.params.id))).text,
  );

  api.get<IdParams & Flags>(
    '/schemas/ids/:id/versions',
    {
      schema: {
        summary: 'The subject versions that hold a schema',
        params: idParams,
        querystring: deletedQuery,
        response: { 200: subjectVersions, 404: notFound },
      },
    },
    async (req) => store.getSchemaVersions(schemaIdOf(req.params.id), flag(req.query.deleted)),
  );

  api.get<IdParams & Flags>(
    '/schemas/ids/:id/subjects',
    {
      schema: {
        summary: 'The subjects that hold a schema',
        params: idParams,
        querystring: deletedQuery,
        response: { 200: strings, 404: notFound },
      },
    },
    async (req) => {
      const versions = await store.getSchemaVersions(
        schemaIdOf(req.params.id),
        flag(req.query.deleted),
      );
      return [...new Set(versions.map((v) => v.subject))];
    },
  );

  // Confluent answers {} on its root: clients and load balancers use it as liveness.
  api.get(
    '/',
    {
      schema: {
        summary: 'Liveness, as Confluent answers it',
        response: { 200: { description: 'An empty object.', type: 'object' } },
      },
    },
    async () => ({}),
  );
}
