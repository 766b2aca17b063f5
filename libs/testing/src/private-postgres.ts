import { execFile, execFileSync } from 'node:child_process';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { waitFor } from './env.ts';
import { freePort } from './ports.ts';

const run = promisify(execFile);

export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust auth). */
  url: string;
  port: number;
  /** `pg_ctl stop`: `fast` disconnects clients and shuts down cleanly, `immediate` is a crash. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port and data (after stop). */
  start(): Promise<void>;
  /** The server's own log, for a failure report. */
  logTail(lines?: number): Promise<string>;
  /** Stops it and removes its data directory. */
  dispose(): Promise<void>;
}

/** The newest PostgreSQL server binaries on the machine (Debian layout), or PG_BIN. */
function findBinDir(): string {
  if (process.env.PG_BIN) return process.env.PG_BIN;
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? execFileSync('ls', [base]).toString().split('\n').filter(Boolean)
    : [];
  const found = versions
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(base, v, 'bin'))
    .find((dir) => existsSync(join(dir, 'initdb')));
  if (!found) throw new Error(`no PostgreSQL server binaries under ${base}; set PG_BIN`);
  return found;
}

/**
 * A PostgreSQL cluster of our own: initdb in a temporary directory, trust
 * auth, 127.0.0.1 on a free port, so a test can stop and restart it without
 * touching the server everyone else uses. PostgreSQL refuses to run as root,
 * so under root it runs as the `postgres` OS user. Durability settings are
 * off (fsync, synchronous_commit): an immediate stop is still crash-safe
 * because the OS itself does not crash, and the tests run faster.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = findBinDir();
  const dir = await mkdtemp(join(tmpdir(), 'hark-private-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'postgres.log');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    await chown(dir, uid, gid);
  }
  const cmd = (tool: string, args: string[]): [string, string[]] =>
    asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]]
      : [join(bin, tool), args];
  const exec = async (tool: string, args: string[]) => {
    const [file, argv] = cmd(tool, args);
    try {
      await run(file, argv, { cwd: dir, timeout: 120_000 });
    } catch (err) {
      const e = err as { stderr?: string; stdout?: string; message: string };
      throw new Error(`${tool} failed: ${e.stderr || e.stdout || e.message}`);
    }
  };

  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c shared_buffers=64MB',
    '-c max_connections=100',
  ].join(' ');

  async function start(): Promise<void> {
    await exec('pg_ctl', ['-D', data, '-l', log, '-o', options, '-w', '-t', '120', 'start']);
    await waitFor(
      async () => {
        const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
        try {
          await c.connect();
          await c.query('select 1');
          return true;
        } finally {
          await c.end().catch(() => {});
        }
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'the private PostgreSQL' },
    );
  }

  async function stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (!existsSync(join(data, 'postmaster.pid'))) return;
    await exec('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '120', 'stop']);
  }

  // A worker that dies without its afterAll must not leave a server behind.
  const onExit = () => {
    try {
      const [file, argv] = cmd('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
      execFileSync(file, argv, { stdio: 'ignore', timeout: 10_000 });
    } catch {
      // already stopped
    }
  };

  try {
    await exec('initdb', [
      '-D',
      data,
      '-A',
      'trust',
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--locale=C.UTF-8',
      '--no-sync',
    ]);
    await start();
  } catch (err) {
    await stop('immediate').catch(() => {});
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  process.once('exit', onExit);

  return {
    url,
    port,
    stop,
    start,
    async logTail(lines = 40) {
      const text = await readFile(log, 'utf8').catch(() => '');
      return text.split('\n').slice(-lines).join('\n');
    },
    async dispose() {
      process.removeListener('exit', onExit);
      await stop('immediate').catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}
