import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { stringify } from 'yaml';

/**
 * The path of `prometheus` or `promtool`, or an error that says how to get it.
 * Nothing is skipped when they are missing: `make test` installs them first.
 */
export function requireBinary(name: 'prometheus' | 'promtool'): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(
    `${name} is not on the PATH: run deploy/prometheus/install.sh (installs Debian's prometheus package); make test does it before the tests`,
  );
}

/** Runs promtool with `args` in `cwd`; returns its exit code and output. */
export function promtool(args: string[], cwd: string): { code: number; output: string } {
  const r = spawnSync(requireBinary('promtool'), args, { cwd, encoding: 'utf8', timeout: 30_000 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

/** A port nobody listens on right now (the caller retries if it is taken before use). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface PromResponse<T = unknown> {
  status: 'success' | 'error';
  data?: T;
  errorType?: string;
  error?: string;
}

export interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface RunningPrometheus {
  url: string;
  /**
   * Calls the HTTP API: GET without params, else POST as a form (what Grafana
   * does for queries) or GET with a query string (`method: 'GET'`, for
   * endpoints that only answer GET). Returns the HTTP status and the body.
   */
  api<T = unknown>(
    path: string,
    params?: Record<string, string | string[]>,
    method?: 'GET' | 'POST',
  ): Promise<{ httpStatus: number; body: PromResponse<T> }>;
  /** An instant query that must succeed; returns the samples. */
  query(expr: string): Promise<VectorSample[]>;
  stop(): Promise<void>;
}

/**
 * Starts the Debian `prometheus` binary with `config` on a free port and a
 * temporary storage folder, and resolves once /-/ready answers.
 */
export async function startPrometheus(config: Record<string, unknown>): Promise<RunningPrometheus> {
  const binary = requireBinary('prometheus');
  const dir = await mkdtemp(join(tmpdir(), 'hark-prometheus-'));
  const configFile = join(dir, 'prometheus.yml');
  await writeFile(configFile, stringify(config));
  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const child = spawn(
      binary,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--storage.tsdb.retention.time=1h`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8000);
    });
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitReady(child, url, () => stderr);
      return handle(child, url, dir);
    } catch (err) {
      lastError = err as Error;
      await kill(child);
      // Someone took the port between probing and binding: try another one.
      if (!/address already in use/i.test(stderr)) break;
    }
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError ?? new Error('prometheus did not start');
}

async function waitReady(child: ChildProcess, url: string, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`prometheus exited (${child.exitCode ?? child.signalCode}): ${stderr()}`);
    try {
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`prometheus at ${url} not ready within 30 s: ${stderr()}`);
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function handle(child: ChildProcess, url: string, dir: string): RunningPrometheus {
  // A test run that dies must not leave a Prometheus behind.
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  const api: RunningPrometheus['api'] = async (path, params, method = 'POST') => {
    const init: RequestInit = { signal: AbortSignal.timeout(15_000) };
    let target = `${url}${path}`;
    if (params) {
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(params))
        for (const item of Array.isArray(v) ? v : [v]) form.append(k, item);
      if (method === 'GET') target += `?${form}`;
      else {
        init.method = 'POST';
        init.body = form;
      }
    }
    const res = await fetch(target, init);
    const text = await res.text();
    let body: PromResponse<never>;
    try {
      body = JSON.parse(text) as PromResponse<never>;
    } catch {
      throw new Error(`${path}: HTTP ${res.status}, not JSON: ${text.slice(0, 300)}`);
    }
    return { httpStatus: res.status, body };
  };
  return {
    url,
    api,
    async query(expr) {
      const { httpStatus, body } = await api<{ result: VectorSample[] }>('/api/v1/query', {
        query: expr,
      });
      if (httpStatus !== 200 || body.status !== 'success')
        throw new Error(
          `query ${expr} failed: HTTP ${httpStatus} ${body.errorType}: ${body.error}`,
        );
      return body.data!.result;
    },
    async stop() {
      process.removeListener('exit', onExit);
      await kill(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
