import { isHarkError, type ErrorCode } from '@hark/errors';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

/** What an API answers for an error, before it is rendered on the wire. */
export interface HttpProblem {
  statusCode: number;
  /** Absent only on an internal error a service answers without a code. */
  code?: ErrorCode;
  message: string;
  /** Extra fields of the answer: the field path, per-item problems, retry advice. */
  details?: Record<string, unknown>;
}

export interface ErrorHandlerOptions {
  logger: Logger;
  /** The code of request errors Fastify raises itself: schema validation, body limits, parsing. */
  badRequestCode: ErrorCode;
  /** The answer to an error nobody planned for; it is logged, its message is not sent. */
  internal: { code?: ErrorCode; message: string };
  /** A service's own reading of an error (a transient database error, a foreign error shape). */
  translate?: (err: unknown, req: FastifyRequest) => HttpProblem | undefined;
  /** Sees every answer before it is sent: metrics, `www-authenticate`, `retry-after`. */
  onAnswer?: (problem: HttpProblem, req: FastifyRequest, reply: FastifyReply) => void;
  /** The body on the wire; `{ code, message, statusCode, ...details }` unless a protocol says otherwise. */
  render?: (problem: HttpProblem) => unknown;
}

/**
 * Context fields of a HarkError that its answer carries: enough for a client
 * to find the bad field or item, never internals such as SQL or hosts.
 */
const ANSWERED_CONTEXT = ['field', 'errors', 'problems', 'retryAfterSeconds'] as const;

/**
 * Reads any error into an answer: a HarkError with its code's HTTP status (or
 * the one its throw site named; 503 rather than 500 when it is retriable), Fastify's own 4xx (validation: the message
 * names the field path) under `badRequestCode`, anything else a logged 500.
 */
export function problemOf(
  err: unknown,
  opts: ErrorHandlerOptions,
  req: FastifyRequest,
): HttpProblem {
  const translated = opts.translate?.(err, req);
  if (translated) return translated;
  if (isHarkError(err)) {
    const details: Record<string, unknown> = {};
    for (const key of ANSWERED_CONTEXT)
      if (err.context[key] !== undefined) details[key] = err.context[key];
    // A failure with no HTTP meaning of its own that may pass on retry (a database write
    // failing over) tells the client to come back, not that the server is broken.
    const statusCode = err.statusCode === 500 && err.retriable ? 503 : err.statusCode;
    return { statusCode, code: err.code, message: err.message, details };
  }
  const e = err as { validation?: unknown; statusCode?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  if (e.validation) return { statusCode: 400, code: opts.badRequestCode, message };
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500)
    return { statusCode: e.statusCode, code: opts.badRequestCode, message };
  return { statusCode: 500, ...opts.internal };
}

export function renderProblem(problem: HttpProblem): Record<string, unknown> {
  return {
    ...(problem.code ? { code: problem.code } : {}),
    message: problem.message,
    statusCode: problem.statusCode,
    ...problem.details,
  };
}

/**
 * The one error handler of hark's HTTP APIs, set on `app` (a server or an
 * encapsulated scope): every route of the scope answers errors the same way.
 */
export function setErrorHandler(app: FastifyInstance, opts: ErrorHandlerOptions): void {
  const render = opts.render ?? renderProblem;
  app.setErrorHandler((err, req, reply) => {
    const problem = problemOf(err, opts, req);
    // A 503 is an outage the component that met it reports; one line per refused request
    // would flood the log while it lasts.
    if (problem.statusCode >= 500 && problem.statusCode !== 503)
      opts.logger.error({ err, method: req.method, url: req.url }, 'request failed');
    opts.onAnswer?.(problem, req, reply);
    return reply.code(problem.statusCode).send(render(problem));
  });
}
