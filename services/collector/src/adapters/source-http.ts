import { HarkError } from '@hark/errors';
import { parseRetryAfter } from '../domain/retry-after.ts';

export interface SourceHttp {
  /** GET with the collector's User-Agent; null on 304; throws HARK_POLLER_FETCH_FAILED otherwise. */
  get(url: string, headers?: Record<string, string>): Promise<Response | null>;
  /** GET of a JSON document; null on 304. */
  getJson(url: string, headers?: Record<string, string>): Promise<unknown>;
}

export interface SourceHttpDeps {
  userAgent: string;
  timeoutMs: number;
  /** Aborts every request in flight when the runner stops. */
  signal: AbortSignal;
  fetch?: typeof fetch;
  now?: () => number;
}

/**
 * HTTP for pollers and stream backfills. A refused answer carries its status
 * and the server's wait (Retry-After, or X-RateLimit-Reset on a 429) in the
 * error's context, which is where the backoff reads them.
 */
export function createSourceHttp(deps: SourceHttpDeps): SourceHttp {
  const doFetch = deps.fetch ?? fetch;
  const now = deps.now ?? Date.now;

  async function get(url: string, headers: Record<string, string> = {}): Promise<Response | null> {
    let res: Response;
    try {
      res = await doFetch(url, {
        headers: { 'user-agent': deps.userAgent, ...headers },
        signal: AbortSignal.any([AbortSignal.timeout(deps.timeoutMs), deps.signal]),
        redirect: 'follow',
      });
    } catch (err) {
      throw new HarkError(
        'HARK_POLLER_FETCH_FAILED',
        `GET ${url} failed: ${(err as Error).message}`,
        {
          cause: err,
          context: { url },
        },
      );
    }
    if (res.status === 304) return null;
    if (!res.ok) {
      await res.body?.cancel().catch(() => {});
      const retryAfterMs =
        parseRetryAfter(res.headers.get('retry-after'), now()) ??
        (res.status === 429 ? parseRetryAfter(res.headers.get('x-ratelimit-reset'), now()) : null);
      throw new HarkError('HARK_POLLER_FETCH_FAILED', `GET ${url} answered ${res.status}`, {
        context: { url, status: res.status, retryAfterMs },
      });
    }
    return res;
  }

  async function getJson(url: string, headers: Record<string, string> = {}): Promise<unknown> {
    const res = await get(url, { accept: 'application/json', ...headers });
    if (!res) return null;
    try {
      return await res.json();
    } catch (err) {
      throw new HarkError('HARK_POLLER_FETCH_FAILED', `GET ${url} returned invalid JSON`, {
        cause: err,
        context: { url },
      });
    }
  }

  return { get, getJson };
}
