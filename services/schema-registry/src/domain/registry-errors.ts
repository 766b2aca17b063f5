import { HarkError, type ErrorCode } from '@hark/errors';

/**
 * Confluent's numeric error codes as this registry answers them, each with
 * its HTTP status and the hark code the error is thrown with. Clients branch
 * on `error_code`, so these numbers are the contract.
 */
export const CONFLUENT_ERRORS = {
  400: { status: 400, code: 'HARK_REGISTRY_BAD_REQUEST' },
  40401: { status: 404, code: 'HARK_REGISTRY_NOT_FOUND' },
  40402: { status: 404, code: 'HARK_REGISTRY_NOT_FOUND' },
  40403: { status: 404, code: 'HARK_REGISTRY_NOT_FOUND' },
  40404: { status: 404, code: 'HARK_REGISTRY_NOT_FOUND' },
  40405: { status: 404, code: 'HARK_REGISTRY_NOT_FOUND' },
  40406: { status: 404, code: 'HARK_REGISTRY_NOT_FOUND' },
  40407: { status: 404, code: 'HARK_REGISTRY_NOT_FOUND' },
  40408: { status: 404, code: 'HARK_REGISTRY_NOT_FOUND' },
  409: { status: 409, code: 'HARK_REGISTRY_SCHEMA_INCOMPATIBLE' },
  42201: { status: 422, code: 'HARK_REGISTRY_SCHEMA_INVALID' },
  42202: { status: 422, code: 'HARK_REGISTRY_BAD_REQUEST' },
  42203: { status: 422, code: 'HARK_REGISTRY_BAD_REQUEST' },
  42206: { status: 422, code: 'HARK_REGISTRY_BAD_REQUEST' },
} as const satisfies Record<number, { status: number; code: ErrorCode }>;

export type ConfluentErrorCode = keyof typeof CONFLUENT_ERRORS;

/** The error a registry operation throws; the HTTP layer answers it as `{error_code, message}`. */
export function registryError(
  errorCode: ConfluentErrorCode,
  message: string,
  context: Record<string, unknown> = {},
): HarkError {
  const { status, code } = CONFLUENT_ERRORS[errorCode];
  return new HarkError(code, message, { context: { ...context, errorCode, status } });
}

export interface ConfluentErrorBody {
  error_code: number;
  message: string;
}

/** The HTTP answer for an error a registry operation threw, or undefined when it is not one. */
export function toConfluentError(
  err: unknown,
): { status: number; body: ConfluentErrorBody } | undefined {
  if (!(err instanceof HarkError)) return undefined;
  const { errorCode, status } = err.context;
  if (typeof errorCode !== 'number' || typeof status !== 'number') return undefined;
  return { status, body: { error_code: errorCode, message: err.message } };
}

export const subjectNotFound = (subject: string) =>
  registryError(40401, `Subject '${subject}' not found.`, { subject });

export const versionNotFound = (subject: string, version: number | string) =>
  registryError(40402, `Version ${version} not found.`, { subject, version });

export const schemaNotFound = (id?: number) =>
  registryError(40403, id === undefined ? 'Schema not found' : `Schema ${id} not found`, {
    schemaId: id,
  });
