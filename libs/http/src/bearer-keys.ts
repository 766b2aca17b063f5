import { createHash, timingSafeEqual } from 'node:crypto';
import { HarkError, type ErrorCode } from '@hark/errors';
import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the bearer key names (`principal:key`, or the key's configured name); null for a bare key. */
    principal?: string | null;
  }
}

export interface BearerKey {
  /** Recorded as the caller; never the key itself. Null for a bare key. */
  principal: string | null;
  key: string;
}

/** Reads `principal:key` entries (the principal ends at the first colon) and bare keys. */
export function parseBearerKeys(entries: readonly string[]): BearerKey[] {
  return entries.map((entry) => {
    const i = entry.indexOf(':');
    return i > 0
      ? { principal: entry.slice(0, i), key: entry.slice(i + 1) }
      : { principal: null, key: entry };
  });
}

/** Bare keys: a colon in one is part of the key. */
export const bareBearerKeys = (keys: readonly string[]): BearerKey[] =>
  keys.map((key) => ({ principal: null, key }));

/**
 * The key an `Authorization` header presents, matched against every key in
 * time that does not depend on which key nearly matched, nor on the lengths
 * (both sides are hashed first). The scheme is case-insensitive (RFC 9110 §11.1).
 */
export function matchBearerKey(
  header: string | undefined,
  keys: readonly { principal: string | null; digest: Buffer }[],
): { principal: string | null } | undefined {
  const m = header === undefined ? null : /^bearer[ \t]+(\S.*)$/i.exec(header);
  if (!m) return undefined;
  const given = digest(m[1]!.trim());
  let matched: { principal: string | null } | undefined;
  for (const k of keys) if (timingSafeEqual(k.digest, given) && !matched) matched = k;
  return matched ? { principal: matched.principal } : undefined;
}

export interface BearerAuthOptions {
  keys: readonly BearerKey[];
  /** The 401 code of this API. */
  code: ErrorCode;
  /** The 401 message; `header` is what the client sent, if anything. */
  message: (header: string | undefined) => string;
  /** The `WWW-Authenticate` challenge of a 401. */
  challenge: string;
  /** Which routes need a key; every route of the scope by default. */
  protects?: (route: RouteOptions) => boolean;
}

/**
 * Requires `Authorization: Bearer <key>` on the routes of `app` (a server or
 * an encapsulated scope), sets `req.principal`, and marks those routes with
 * the `bearerKey` security scheme so the OpenAPI document says so.
 */
export function requireBearerKey(app: FastifyInstance, opts: BearerAuthOptions): void {
  const keys = opts.keys.map((k) => ({ principal: k.principal, digest: digest(k.key) }));
  const protects = opts.protects ?? (() => true);
  app.addHook('onRoute', (route) => {
    if (protects(route)) route.schema = { ...route.schema, security: [{ bearerKey: [] }] };
  });
  app.addHook('onRequest', async (req: FastifyRequest, reply) => {
    if (!routeIsProtected(req)) return;
    const found = matchBearerKey(req.headers.authorization, keys);
    if (!found) {
      reply.header('www-authenticate', opts.challenge);
      throw new HarkError(opts.code, opts.message(req.headers.authorization));
    }
    req.principal = found.principal;
  });
}

function routeIsProtected(req: FastifyRequest): boolean {
  const security = (req.routeOptions.schema as { security?: unknown } | undefined)?.security;
  return Array.isArray(security) && security.length > 0;
}

/**
 * Answers 503 with `Retry-After` until `isStarted()` (migrations ran, clients
 * connected): run after the key check, so a stranger learns nothing.
 */
export function gateUntilStarted(
  app: FastifyInstance,
  isStarted: () => boolean,
  message: string,
): void {
  app.addHook('onRequest', async (_req, reply) => {
    if (isStarted()) return;
    reply.header('retry-after', '5');
    throw new HarkError('HARK_DB_UNAVAILABLE', message);
  });
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}
