import { HarkError, isHarkError } from '@hark/errors';

export interface RegistryClient {
  /** Registers (or finds) a schema under a subject and returns its global id. */
  register(subject: string, schema: unknown): Promise<number>;
  /** The schema text for a global id. */
  getSchemaById(id: number): Promise<string>;
  /**
   * The schema of an id with the texts of every schema its references name
   * (Confluent schema references), referenced ones first, each once: what a
   * decoder needs to know every named type the writer used.
   */
  getSchemaWithReferences?(id: number): Promise<{ schema: string; referenced: string[] }>;
  readonly url: string;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/**
 * Splits `http://user:password@host:port` into the URL without its
 * credentials and the `Authorization: Basic` value (Confluent's
 * `basic.auth.credentials.source=URL`); fetch refuses URLs with credentials,
 * and logs must never show them.
 */
export function splitRegistryUrl(url: string): { base: string; authorization?: string } {
  const u = new URL(url);
  let authorization: string | undefined;
  if (u.username !== '' || u.password !== '') {
    const userInfo = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
    authorization = `Basic ${Buffer.from(userInfo, 'utf8').toString('base64')}`;
    u.username = '';
    u.password = '';
  }
  return { base: u.toString().replace(/\/+$/, ''), authorization };
}

/**
 * A minimal Confluent Schema Registry REST client: just what serde needs,
 * with a timeout on every call and errors mapped to hark codes (5xx and
 * network failures are retriable, 4xx are not). Credentials for a registry
 * with basic auth come in the URL (`http://user:password@host:8081`).
 */
export function createRegistryClient(deps: { url: string; timeoutMs?: number }): RegistryClient {
  const { base, authorization } = splitRegistryUrl(deps.url);
  const timeoutMs = deps.timeoutMs ?? 5000;

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(base + path, {
        method,
        headers: {
          'content-type': CONTENT_TYPE,
          accept: CONTENT_TYPE,
          ...(authorization ? { authorization } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new HarkError(
        'HARK_REGISTRY_UNAVAILABLE',
        `schema registry at ${base} did not answer ${method} ${path}`,
        {
          cause: err,
          context: { url: base + path },
        },
      );
    }
    const text = await res.text();
    if (res.ok) return JSON.parse(text) as T;
    let errorCode: number | undefined;
    let message = text;
    try {
      const parsed = JSON.parse(text) as { error_code?: number; message?: string };
      errorCode = parsed.error_code;
      message = parsed.message ?? text;
    } catch {
      // not JSON: keep the raw body as the message
    }
    const context = { url: base + path, status: res.status, registryErrorCode: errorCode };
    if (res.status >= 500) {
      throw new HarkError(
        'HARK_REGISTRY_UNAVAILABLE',
        `schema registry answered ${res.status}: ${message}`,
        { context },
      );
    }
    if (errorCode === 40403) {
      throw new HarkError('HARK_SERDE_UNKNOWN_SCHEMA', `schema not found: ${message}`, { context });
    }
    throw new HarkError(
      'HARK_REGISTRY_REJECTED',
      `schema registry answered ${res.status} (${errorCode ?? 'no code'}): ${message}`,
      {
        context,
      },
    );
  }

  return {
    url: base,
    async register(subject, schema) {
      const body = {
        schemaType: 'AVRO',
        schema: typeof schema === 'string' ? schema : JSON.stringify(schema),
      };
      // Look the schema up first: a read-only identity (what services run with) may find the
      // id of a schema deployment registered, but not register one.
      try {
        const { id } = await call<{ id: number }>(
          'POST',
          `/subjects/${encodeURIComponent(subject)}`,
          body,
        );
        return id;
      } catch (err) {
        const status = isHarkError(err) ? err.context.status : undefined;
        if (status !== 404) throw err;
      }
      const { id } = await call<{ id: number }>(
        'POST',
        `/subjects/${encodeURIComponent(subject)}/versions`,
        body,
      );
      return id;
    },
    async getSchemaById(id) {
      const { schema } = await call<{ schema: string }>('GET', `/schemas/ids/${id}`);
      return schema;
    },
    async getSchemaWithReferences(id) {
      const top = await call<{ schema: string; references?: Reference[] }>(
        'GET',
        `/schemas/ids/${id}`,
      );
      const referenced: string[] = [];
      const seen = new Set<string>();
      const visit = async (refs: readonly Reference[] | undefined, depth: number) => {
        if (depth > 16)
          throw new HarkError('HARK_REGISTRY_REJECTED', 'references chain deeper than 16');
        for (const r of refs ?? []) {
          const key = `${r.subject}\u0000${r.version}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const v = await call<{ schema: string; references?: Reference[] }>(
            'GET',
            `/subjects/${encodeURIComponent(r.subject)}/versions/${r.version}`,
          );
          await visit(v.references, depth + 1);
          referenced.push(v.schema);
        }
      };
      await visit(top.references, 1);
      return { schema: top.schema, referenced };
    },
  };
}

interface Reference {
  name: string;
  subject: string;
  version: number;
}
