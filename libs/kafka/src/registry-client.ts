import { HarkError } from '@hark/errors';

export interface RegistryClient {
  /** Registers (or finds) a schema under a subject and returns its global id. */
  register(subject: string, schema: unknown): Promise<number>;
  /** The schema text for a global id. */
  getSchemaById(id: number): Promise<string>;
  readonly url: string;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

/**
 * A minimal Confluent Schema Registry REST client: just what serde needs,
 * with a timeout on every call and errors mapped to hark codes (5xx and
 * network failures are retriable, 4xx are not).
 */
export function createRegistryClient(deps: { url: string; timeoutMs?: number }): RegistryClient {
  const base = deps.url.replace(/\/+$/, '');
  const timeoutMs = deps.timeoutMs ?? 5000;

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(base + path, {
        method,
        headers: { 'content-type': CONTENT_TYPE, accept: CONTENT_TYPE },
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
      const { id } = await call<{ id: number }>(
        'POST',
        `/subjects/${encodeURIComponent(subject)}/versions`,
        {
          schemaType: 'AVRO',
          schema: typeof schema === 'string' ? schema : JSON.stringify(schema),
        },
      );
      return id;
    },
    async getSchemaById(id) {
      const { schema } = await call<{ schema: string }>('GET', `/schemas/ids/${id}`);
      return schema;
    },
  };
}
