import { describe, expect, it } from 'vitest';
import { partitionDay, partitionName, planPartitions } from '../../src/domain/partitions.ts';

const DAY = 86_400_000;
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const names = (days: number[]) => days.map((d) => partitionName('mentions', d));
const policy = {
  latenessMs: 7 * DAY,
  futureToleranceMs: 15 * 60_000,
  retentionMs: 30 * DAY,
  aheadDays: 2,
};

describe('daily partitions', () => {
  it('on an empty table, creates every day from now − lateness through now + tolerance + 2 days ahead', () => {
    const plan = planPartitions(Date.parse('2026-11-24T12:00:00Z'), new Set(), policy);
    expect(names(plan.create)).toEqual([
      'mentions_p20261117',
      'mentions_p20261118',
      'mentions_p20261119',
      'mentions_p20261120',
      'mentions_p20261121',
      'mentions_p20261122',
      'mentions_p20261123',
      'mentions_p20261124',
      'mentions_p20261125',
      'mentions_p20261126',
    ]);
    expect(plan.drop).toEqual([]);
  });

  it('a future tolerance crossing midnight adds the next day', () => {
    const plan = planPartitions(Date.parse('2026-11-24T23:50:00Z'), new Set(), {
      ...policy,
      aheadDays: 0,
    });
    expect(names(plan.create).at(-1)).toBe('mentions_p20261125');
  });

  it('existing days are not created again', () => {
    const now = Date.parse('2026-11-24T12:00:00Z');
    const all = planPartitions(now, new Set(), policy).create;
    expect(planPartitions(now, new Set(all), policy).create).toEqual([]);
  });

  it('drops a day once all of it is older than the retention, and keeps the day that straddles the cutoff', () => {
    const now = Date.parse('2026-11-24T12:00:00Z'); // cutoff: 2026-10-25T12:00Z
    const existing = new Set([
      day('2026-10-23'),
      day('2026-10-24'),
      day('2026-10-25'),
      day('2026-11-20'),
    ]);
    expect(names(planPartitions(now, existing, policy).drop)).toEqual([
      'mentions_p20261023',
      'mentions_p20261024',
    ]);
  });

  it('never drops a day an accepted event can still land in, when retention exceeds lateness', () => {
    for (let i = 0; i < 500; i++) {
      const now = Date.parse('2026-01-01T00:00:00Z') + Math.floor(Math.random() * 365 * DAY);
      const p = { ...policy, latenessMs: Math.floor(Math.random() * 30 * DAY), retentionMs: 0 };
      p.retentionMs = p.latenessMs + DAY;
      const existing = new Set(
        Array.from({ length: 60 }, (_, k) => Math.floor(now / DAY) * DAY - k * DAY),
      );
      const dropped = planPartitions(now, existing, p).drop;
      const oldestAccepted = now - p.latenessMs;
      for (const d of dropped) expect(d + DAY).toBeLessThanOrEqual(oldestAccepted);
    }
  });

  it('names round-trip; foreign and malformed names are ignored', () => {
    expect(partitionName('author_days', day('2026-02-03'))).toBe('author_days_p20260203');
    expect(partitionDay('mentions', 'mentions_p20261120')).toBe(day('2026-11-20'));
    expect(partitionDay('mentions', 'signals_p20261120')).toBeUndefined();
    expect(partitionDay('mentions', 'mentions_p20261340')).toBeUndefined();
    expect(partitionDay('mentions', 'mentions_default')).toBeUndefined();
  });
});
