export interface ReplaySummary {
  file: string;
  /** Records read from the file (non-blank lines, CSV rows). */
  read: number;
  /** Durable in Kafka. */
  accepted: number;
  /** Valid, named no tracked brand, not forwarded. */
  unmatched: number;
  rejected: number;
  rejectedByReason: Record<string, number>;
  /** Records whose batch never got an answer (collector down, retries exhausted). */
  failed: number;
  failedByReason: Record<string, number>;
  elapsedMs: number;
  /** The first rejections, with the file line. */
  samples: { line: number; path: string; reason: string; message: string }[];
}

/** The collector's answer to one batch, as much of it as the replay reads. */
export interface ReplayAnswer {
  accepted?: number;
  unmatched?: number;
  rejected?: number;
  errors?: { index: number; path: string; reason: string; message: string }[];
  message?: string;
}

const MAX_SAMPLES = 10;

export function emptySummary(file: string): ReplaySummary {
  return {
    file,
    read: 0,
    accepted: 0,
    unmatched: 0,
    rejected: 0,
    rejectedByReason: {},
    failed: 0,
    failedByReason: {},
    elapsedMs: 0,
    samples: [],
  };
}

/** Adds one batch's answer; `fileLines[i]` is the file line of the batch's item i. */
export function countAnswer(
  summary: ReplaySummary,
  answer: ReplayAnswer,
  fileLines: readonly number[],
): void {
  summary.accepted += answer.accepted ?? 0;
  summary.unmatched += answer.unmatched ?? 0;
  summary.rejected += answer.rejected ?? 0;
  const counted = new Set<number>();
  for (const e of answer.errors ?? []) {
    // Items with several bad fields count once, under their first reason (as the collector's metric does).
    if (!counted.has(e.index)) {
      counted.add(e.index);
      add(summary.rejectedByReason, e.reason);
    }
    if (summary.samples.length < MAX_SAMPLES) {
      const line = fileLines[e.index] ?? -1;
      summary.samples.push({ line, path: e.path, reason: e.reason, message: e.message });
    }
  }
}

/** Counts `records` records that were never answered, under `reason`. */
export function countFailure(summary: ReplaySummary, records: number, reason: string): void {
  summary.failed += records;
  add(summary.failedByReason, reason, records);
}

function add(counts: Record<string, number>, key: string, n = 1): void {
  counts[key] = (counts[key] ?? 0) + n;
}

export function formatSummary(s: ReplaySummary): string {
  const reasons = (counts: Record<string, number>) =>
    Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .map(([r, n]) => `    ${r.padEnd(22)} ${n}`)
      .join('\n');
  const seconds = s.elapsedMs / 1000;
  const lines = [
    `replayed ${s.file} in ${seconds.toFixed(1)} s (${Math.round(s.read / Math.max(seconds, 0.001))} records/s)`,
    `  read       ${s.read}`,
    `  accepted   ${s.accepted}`,
    `  unmatched  ${s.unmatched}   (valid, no tracked brand: not forwarded)`,
    `  rejected   ${s.rejected}`,
  ];
  if (s.rejected > 0) lines.push(reasons(s.rejectedByReason));
  if (s.failed > 0)
    lines.push(`  failed     ${s.failed}   (not delivered)`, reasons(s.failedByReason));
  if (s.samples.length > 0) {
    lines.push('  first rejections:');
    for (const x of s.samples)
      lines.push(`    line ${x.line}: ${x.path || '(item)'}: ${x.reason}: ${x.message}`);
  }
  return lines.join('\n');
}
