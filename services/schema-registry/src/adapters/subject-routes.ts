import type { FastifyInstance } from 'fastify';
import { filterSubjects, parseSubjectFilter } from '../domain/list-subjects.ts';
import { parseVersionId } from '../domain/version-id.ts';
import {
  type Flags,
  type RegistryRoutesDeps,
  type SubjectParams,
  type VersionParams,
  flag,
  resolveCandidate,
} from './registry-request.ts';
import {
  deletedQuery,
  failure,
  ints,
  invalid,
  notFound,
  permanentQuery,
  schemaBody,
  strings,
  subjectParams,
  subjectVersion,
  versionParams,
} from './registry-schemas.ts';

/** Subjects and their versions: register, look up, list, read, delete. */
export function registerSubjectRoutes(api: FastifyInstance, { store }: RegistryRoutesDeps): void {
  api.get<Flags>(
    '/subjects',
    {
      schema: {
        summary: 'Subject names',
        querystring: {
          type: 'object',
          properties: {
            subjectPrefix: { type: 'string' },
            deleted: { type: 'string' },
            deletedOnly: { type: 'string' },
            offset: { type: 'string', pattern: '^[0-9]+$' },
            limit: { type: 'string', pattern: '^-?[0-9]+$' },
          },
        },
        response: { 200: strings, 400: failure('A malformed offset or limit.') },
      },
    },
    async (req) => filterSubjects(await store.subjectStates(), parseSubjectFilter(req.query)),
  );

  api.post<SubjectParams>(
    '/subjects/:subject/versions',
    {
      schema: {
        summary: 'Register a schema under a subject (idempotent)',
        params: subjectParams,
        body: schemaBody,
        response: {
          200: {
            description: 'The global id of the schema.',
            type: 'object',
            properties: { id: { type: 'integer' } },
          },
          409: failure('Incompatible with the subject’s compatibility level.'),
          422: invalid,
        },
      },
    },
    async (req) => {
      const { id } = await store.register(
        req.params.subject,
        await resolveCandidate(store, req.body),
      );
      return { id };
    },
  );

  api.post<SubjectParams & Flags>(
    '/subjects/:subject',
    {
      schema: {
        summary: 'Find the version of a subject that holds a schema',
        params: subjectParams,
        querystring: deletedQuery,
        body: schemaBody,
        response: { 200: subjectVersion, 404: notFound, 422: invalid },
      },
    },
    async (req) =>
      store.lookup(
        req.params.subject,
        await resolveCandidate(store, req.body),
        flag(req.query.deleted),
      ),
  );

  api.delete<SubjectParams & Flags>(
    '/subjects/:subject',
    {
      schema: {
        summary: 'Delete a subject (soft, then permanent)',
        params: subjectParams,
        querystring: permanentQuery,
        response: { 200: ints, 404: notFound },
      },
    },
    async (req) => store.deleteSubject(req.params.subject, flag(req.query.permanent)),
  );

  api.get<SubjectParams & Flags>(
    '/subjects/:subject/versions',
    {
      schema: {
        summary: 'The versions of a subject',
        params: subjectParams,
        querystring: deletedQuery,
        response: { 200: ints, 404: notFound },
      },
    },
    async (req) => store.listVersions(req.params.subject, flag(req.query.deleted)),
  );

  registerVersionRoutes(api, store);
}

function registerVersionRoutes(api: FastifyInstance, store: RegistryRoutesDeps['store']): void {
  const version = { params: versionParams, querystring: deletedQuery } as const;

  api.get<VersionParams & Flags>(
    '/subjects/:subject/versions/:version',
    {
      schema: {
        summary: 'A version of a subject',
        ...version,
        response: { 200: subjectVersion, 404: notFound, 422: invalid },
      },
    },
    async (req) =>
      store.getVersion(
        req.params.subject,
        parseVersionId(req.params.version),
        flag(req.query.deleted),
      ),
  );

  api.get<VersionParams & Flags>(
    '/subjects/:subject/versions/:version/schema',
    {
      schema: {
        summary: 'The schema text of a version',
        ...version,
        response: { 200: { description: 'The Avro schema JSON.' }, 404: notFound, 422: invalid },
      },
    },
    async (req) => {
      const found = await store.getVersion(
        req.params.subject,
        parseVersionId(req.params.version),
        flag(req.query.deleted),
      );
      return found.schema;
    },
  );

  // Confluent: the ids of the schemas that reference this subject's version.
  api.get<VersionParams & Flags>(
    '/subjects/:subject/versions/:version/referencedby',
    {
      schema: {
        summary: 'Ids of the schemas that reference a version',
        params: versionParams,
        response: { 200: ints, 404: notFound, 422: invalid },
      },
    },
    async (req) => {
      const found = await store.getVersion(
        req.params.subject,
        parseVersionId(req.params.version),
        true,
      );
      return store.referencedBy(req.params.subject, found.version);
    },
  );

  api.delete<VersionParams & Flags>(
    '/subjects/:subject/versions/:version',
    {
      schema: {
        summary: 'Delete a version (soft, then permanent)',
        params: versionParams,
        querystring: permanentQuery,
        response: {
          200: { description: 'The deleted version.', type: 'integer' },
          404: notFound,
          422: invalid,
        },
      },
    },
    async (req) =>
      store.deleteVersion(
        req.params.subject,
        parseVersionId(req.params.version),
        flag(req.query.permanent),
      ),
  );
}
