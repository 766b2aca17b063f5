/** A stage's report of one erasure event, as the audit steps hold it. */
export interface StageReport {
  stage: string;
  eventId: string;
  factsRemoved: number;
  windowsRestated: number;
}

/**
 * How far an erasure is: the events `completingStage` has not reported yet,
 * and the totals of what it removed and restated.
 */
export function erasureProgress(
  eventIds: readonly string[],
  steps: readonly StageReport[],
  completingStage: string,
): { waitingFor: number; factsRemoved: number; windowsRestated: number } {
  const reports = steps.filter((s) => s.stage === completingStage);
  const reported = new Set(reports.map((s) => s.eventId));
  return {
    waitingFor: eventIds.filter((id) => !reported.has(id)).length,
    factsRemoved: reports.reduce((n, s) => n + s.factsRemoved, 0),
    windowsRestated: reports.reduce((n, s) => n + s.windowsRestated, 0),
  };
}
