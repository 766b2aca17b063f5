/**
 * Issue 15, defect 5: `stack.sh up` right after a broker crash said "already
 * running" for the dying pid and started nothing, and a failing after-up
 * hook was always reported as "exit 0". The helpers stack.sh now uses, driven
 * through bash on a private state folder.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@hark/testing';
import { afterEach, describe, expect, it } from 'vitest';

const LIB = fileURLToPath(new URL('../../deploy/local/lib.sh', import.meta.url));
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function bash(script: string) {
  return spawnSync('bash', ['-c', `set -euo pipefail; . "${LIB}"; ${script}`], {
    env: { ...process.env, STACK_DIR: dir },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('run_hook', () => {
  it('regression: a failing hook is reported with its own exit code, not 0', () => {
    dir = mkdtempSync(join(tmpdir(), 'hark-stack-lib-'));
    const hook = join(dir, 'after-up.sh');
    writeFileSync(hook, '#!/usr/bin/env bash\nexit 3\n');
    chmodSync(hook, 0o755);
    const r = bash(`run_hook "${hook}"`);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/after-up\.sh failed \(exit 3\)/);
    writeFileSync(hook, '#!/usr/bin/env bash\nexit 0\n');
    expect(bash(`run_hook "${hook}"`).status).toBe(0);
  });
});

describe('await_serving', () => {
  it('regression: a live pid that does not listen (a dying broker) is stopped, so a fresh one starts', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hark-stack-lib-'));
    const port = await freePort();
    // Started by the script itself, so its shell reaps it once it is killed (no zombie).
    const r = bash(
      `sleep 60 & pid=$!; adopt_process kafka $pid; is_running kafka; ` +
        `await_serving kafka ${port} 1 || echo "stopped: $?"; is_running kafka || echo gone; ` +
        `sleep 0.2; kill -0 $pid 2>/dev/null || echo dead`,
    );
    expect(r.stdout).toMatch(/has not answered on port \d+ for 1s; stopping it/);
    expect(r.stdout).toMatch(/stopped: 1/);
    expect(r.stdout).toMatch(/gone/);
    expect(r.stdout).toMatch(/dead/);
  });

  it('keeps a process that listens', async () => {
    dir = mkdtempSync(join(tmpdir(), 'hark-stack-lib-'));
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const live = spawn('sleep', ['60'], { stdio: 'ignore', detached: true });
    try {
      const r = bash(
        `adopt_process kafka ${live.pid}; await_serving kafka ${port} 5 && echo serving`,
      );
      expect(r.stdout).toMatch(/serving/);
      expect(isAlive(live.pid!)).toBe(true);
    } finally {
      live.kill('SIGKILL');
      server.close();
    }
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
