/**
 * deploy/local/supervise.sh: services.sh runs every service under it, so a
 * service that exits non-zero (issue 15: a consumer that gave up) is started
 * again with backoff, as a cluster would, and a stop reaches the service once.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@hark/testing';
import { afterEach, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../deploy/local/supervise.sh', import.meta.url));
let dir: string | undefined;

afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A command that fails its first two runs, then runs until SIGTERM and counts the SIGTERMs it got. */
const FLAKY = `
trap 'echo term >> "$D/terms"; exit 0' TERM
n=$(( $(cat "$D/runs" 2>/dev/null || echo 0) + 1 )); echo $n > "$D/runs"
if [ $n -le 2 ]; then exit 3; fi
while :; do sleep 0.05; done
`;

describe('supervise.sh', () => {
  it('restarts a failing command with backoff, and a group SIGTERM stops it once, for good', async () => {
    dir = await mkdtemp(join(tmpdir(), 'hark-supervise-'));
    let out = '';
    const sup = spawn('bash', [SCRIPT, 'flaky', 'bash', '-c', FLAKY], {
      detached: true,
      env: {
        ...process.env,
        D: dir,
        HARK_SUPERVISE_BACKOFF_S: '0.1',
        HARK_SUPERVISE_BACKOFF_MAX_S: '0.2',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    sup.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => sup.on('exit', (code) => resolve(code)));
    const runs = async () =>
      Number((await readFile(join(dir!, 'runs'), 'utf8').catch(() => '0')).trim());
    await waitFor(async () => (await runs()) === 3, { timeoutMs: 10_000, what: 'the third run' });
    expect(out).toMatch(/flaky exited with code 3; restart 1 in 0\.1s/);
    expect(out).toMatch(/flaky exited with code 3; restart 2 in 0\.2s/);
    process.kill(-sup.pid!, 'SIGTERM');
    expect(await exited).toBe(0);
    expect((await readFile(join(dir, 'terms'), 'utf8')).trim()).toBe('term');
    expect(await runs()).toBe(3);
  });

  it('ends with the command when it exits 0 on its own', async () => {
    const sup = spawn('bash', [SCRIPT, 'done', 'true'], { stdio: 'ignore' });
    expect(await new Promise((resolve) => sup.on('exit', resolve))).toBe(0);
  });
});
