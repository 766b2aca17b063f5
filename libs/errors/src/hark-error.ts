import { ERROR_CODES, type ErrorCode } from './codes.ts';

export interface HarkErrorOptions {
  cause?: unknown;
  retriable?: boolean;
  /** The HTTP status an API answers with; the code's `httpStatus` when omitted. */
  statusCode?: number;
  /** Enumerable context fields, so structured logs show them. */
  context?: Record<string, unknown>;
}

/** The one error type hark throws: a documented code, a cause and a retriable flag. */
export class HarkError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;
  readonly statusCode: number;
  readonly context: Record<string, unknown>;

  constructor(code: ErrorCode, message?: string, options: HarkErrorOptions = {}) {
    super(message ?? ERROR_CODES[code].message, { cause: options.cause });
    this.name = 'HarkError';
    this.code = code;
    this.retriable = options.retriable ?? ERROR_CODES[code].retriable;
    this.statusCode = options.statusCode ?? ERROR_CODES[code].httpStatus;
    this.context = options.context ?? {};
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retriable: this.retriable,
      ...this.context,
      cause: this.cause instanceof Error ? this.cause.message : this.cause,
    };
  }
}

export function isHarkError(err: unknown): err is HarkError {
  return err instanceof HarkError;
}

/** True when retrying the same operation may succeed (a HarkError flagged so, or a transient network error). */
export function isRetriable(err: unknown): boolean {
  if (err instanceof HarkError) return err.retriable;
  const e = err as { retriable?: unknown; code?: unknown } | null;
  if (e && e.retriable === true) return true;
  return typeof e?.code === 'string' && TRANSIENT_SYSTEM_CODES.has(e.code);
}

const TRANSIENT_SYSTEM_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
  '57P01', // postgres admin_shutdown
  '57P03', // postgres cannot_connect_now
  '08006', // postgres connection_failure
  '08001',
  '08003',
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);
