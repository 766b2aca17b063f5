import type { FastifyInstance } from 'fastify';
import { parseCompatibilityRequest } from '../domain/compatibility-level.ts';
import { registryError } from '../domain/registry-errors.ts';
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
  compatibilityAnswer,
  invalid,
  levelAnswer,
  levelBody,
  levelSet,
  notFound,
  schemaBody,
  subjectParams,
  verboseQuery,
  versionParams,
} from './registry-schemas.ts';

/** Compatibility checks, and the compatibility level: global and per subject. */
export function registerConfigRoutes(api: FastifyInstance, { store }: RegistryRoutesDeps): void {
  const check = { body: schemaBody, querystring: verboseQuery } as const;
  const checked = { 200: compatibilityAnswer, 404: notFound, 422: invalid } as const;

  api.post<VersionParams & Flags>(
    '/compatibility/subjects/:subject/versions/:version',
    {
      schema: {
        summary: 'Is a schema compatible with one version of a subject?',
        params: versionParams,
        ...check,
        response: checked,
      },
    },
    async (req) => {
      const target = parseVersionId(req.params.version);
      const candidate = await resolveCandidate(store, req.body);
      const result = await store.checkCompatibility(req.params.subject, candidate, target);
      return answer(result, flag(req.query.verbose));
    },
  );

  api.post<SubjectParams & Flags>(
    '/compatibility/subjects/:subject/versions',
    {
      schema: {
        summary: 'Is a schema compatible with the versions its level compares?',
        params: subjectParams,
        ...check,
        response: checked,
      },
    },
    async (req) => {
      const candidate = await resolveCandidate(store, req.body);
      const result = await store.checkCompatibility(req.params.subject, candidate, 'all');
      return answer(result, flag(req.query.verbose));
    },
  );

  api.get(
    '/config',
    { schema: { summary: 'The global compatibility level', response: { 200: levelAnswer } } },
    async () => ({ compatibilityLevel: await store.getGlobalLevel() }),
  );

  api.put(
    '/config',
    {
      schema: {
        summary: 'Set the global compatibility level',
        body: levelBody,
        response: { 200: levelSet, 422: invalid },
      },
    },
    async (req) => {
      const level = parseCompatibilityRequest(req.body);
      await store.setGlobalLevel(level);
      return { compatibility: level };
    },
  );

  registerSubjectConfigRoutes(api, store);
}

function registerSubjectConfigRoutes(api: FastifyInstance, store: RegistryRoutesDeps['store']) {
  api.get<SubjectParams & Flags>(
    '/config/:subject',
    {
      schema: {
        summary: 'The compatibility level of a subject',
        params: subjectParams,
        querystring: {
          type: 'object',
          properties: { defaultToGlobal: { type: 'string', enum: ['true', 'false'] } },
        },
        response: { 200: levelAnswer, 404: notFound },
      },
    },
    async (req) => {
      const level = await store.getSubjectLevel(req.params.subject);
      if (level) return { compatibilityLevel: level };
      if (flag(req.query.defaultToGlobal)) {
        return { compatibilityLevel: await store.getGlobalLevel() };
      }
      throw registryError(
        40408,
        `Subject '${req.params.subject}' does not have subject-level compatibility configured`,
        { subject: req.params.subject },
      );
    },
  );

  api.put<SubjectParams>(
    '/config/:subject',
    {
      schema: {
        summary: 'Set the compatibility level of a subject',
        params: subjectParams,
        body: levelBody,
        response: { 200: levelSet, 422: invalid },
      },
    },
    async (req) => {
      const level = parseCompatibilityRequest(req.body);
      await store.setSubjectLevel(req.params.subject, level);
      return { compatibility: level };
    },
  );

  api.delete<SubjectParams>(
    '/config/:subject',
    {
      schema: {
        summary: 'Drop the level of a subject (it follows the global one again)',
        params: subjectParams,
        response: { 200: levelAnswer, 404: notFound },
      },
    },
    async (req) => {
      const previous = await store.deleteSubjectLevel(req.params.subject);
      if (!previous) {
        throw registryError(40401, `Subject '${req.params.subject}' not found.`, {
          subject: req.params.subject,
        });
      }
      return { compatibilityLevel: previous };
    },
  );
}

function answer(
  result: { compatible: boolean; messages: string[] },
  verbose: boolean,
): { is_compatible: boolean; messages?: string[] } {
  return verbose
    ? { is_compatible: result.compatible, messages: result.messages }
    : { is_compatible: result.compatible };
}
