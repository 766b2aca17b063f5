/** What the benchmarks read of other processes from Linux's /proc. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** CPU seconds, user and system, from a /proc/<pid>/stat text (USER_HZ ticks of 10 ms). */
export function cpuOfStat(stat: string): { user: number; system: number } {
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(f[11]) / 100, system: Number(f[12]) / 100 };
}

/** CPU seconds a process has used so far, user and system. */
export function processCpu(pid: number): { user: number; system: number } {
  return cpuOfStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/** CPU seconds a process has used so far, user + system. */
export function processCpuSeconds(pid: number): number {
  const { user, system } = processCpu(pid);
  return user + system;
}

/** The pid in this checkout's `.stack/pids/<name>.pid` (the stack's broker, a service's supervisor). */
export function stackPid(name: string): number {
  return Number(readFileSync(`${ROOT}.stack/pids/${name}.pid`, 'utf8').trim());
}
