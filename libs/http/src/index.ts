export {
  problemOf,
  renderProblem,
  setErrorHandler,
  type ErrorHandlerOptions,
  type HttpProblem,
} from './error-handler.ts';
export {
  bareBearerKeys,
  gateUntilStarted,
  matchBearerKey,
  parseBearerKeys,
  requireBearerKey,
  type BearerAuthOptions,
  type BearerKey,
} from './bearer-keys.ts';
export {
  documentOnlySchemas,
  problem,
  problemSchema,
  registerOpenApi,
  routesMissingFromDocument,
  serializeAsIs,
  undocumentedOperations,
  type OpenApiOptions,
} from './openapi.ts';
export { registerBearerApi, type BearerApiOptions } from './api-scope.ts';
