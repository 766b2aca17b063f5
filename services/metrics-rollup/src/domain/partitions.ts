import { DAY_MS, windowStart } from './windows.ts';

/** Tables partitioned by day on an event-time column; the service creates and drops their partitions. */
export const PARTITIONED_TABLES = ['mentions', 'author_days', 'signals'] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

export interface PartitionPolicy {
  latenessMs: number;
  futureToleranceMs: number;
  retentionMs: number;
  /** Extra days created ahead of the future tolerance, so a maintenance pause never blocks writes. */
  aheadDays: number;
}

export interface PartitionPlan {
  /** Day starts (epoch ms UTC) to create. */
  create: number[];
  /** Day starts whose partitions are past retention. */
  drop: number[];
}

/**
 * Which daily partitions to create and drop at `nowMs`. Every day an accepted
 * event can fall in (now − lateness … now + tolerance) exists ahead of time;
 * a day is dropped once all of it is older than the retention. Retention must
 * exceed lateness (config enforces it), so a partition is never dropped while
 * a re-delivered event could still land in it: the fact that makes the
 * re-delivery a no-op is always still there.
 */
export function planPartitions(
  nowMs: number,
  existing: ReadonlySet<number>,
  policy: PartitionPolicy,
): PartitionPlan {
  const first = windowStart(nowMs - policy.latenessMs, 'day');
  const last = windowStart(nowMs + policy.futureToleranceMs, 'day') + policy.aheadDays * DAY_MS;
  const create: number[] = [];
  for (let day = first; day <= last; day += DAY_MS) if (!existing.has(day)) create.push(day);
  const drop = [...existing]
    .filter((day) => day + DAY_MS <= nowMs - policy.retentionMs)
    .sort((a, b) => a - b);
  return { create, drop };
}

/** `mentions_p20261120` for the partition of 2026-11-20 (UTC). */
export function partitionName(table: PartitionedTable, dayStartMs: number): string {
  return `${table}_p${new Date(dayStartMs).toISOString().slice(0, 10).replace(/-/g, '')}`;
}

/** The day start a partition name stands for, or undefined when the name is not one of ours. */
export function partitionDay(table: PartitionedTable, name: string): number | undefined {
  const m = new RegExp(`^${table}_p(\\d{4})(\\d{2})(\\d{2})$`).exec(name);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return partitionName(table, ms) === name ? ms : undefined;
}
