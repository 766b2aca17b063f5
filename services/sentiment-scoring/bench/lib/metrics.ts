/** Classification metrics for the quality benchmark and the trainer's held-out report. */
export interface ClassReport {
  accuracy: number;
  macroF1: number;
  perClass: Record<string, { precision: number; recall: number; f1: number; support: number }>;
  confusion: Record<string, Record<string, number>>;
  n: number;
}

export function evaluate(
  gold: readonly string[],
  predicted: readonly string[],
  labels: readonly string[],
): ClassReport {
  const confusion: Record<string, Record<string, number>> = {};
  for (const g of labels) confusion[g] = Object.fromEntries(labels.map((p) => [p, 0]));
  let correct = 0;
  for (let i = 0; i < gold.length; i++) {
    const g = gold[i]!;
    const p = predicted[i]!;
    if (g === p) correct++;
    const row = (confusion[g] ??= {});
    row[p] = (row[p] ?? 0) + 1;
  }
  const perClass: ClassReport['perClass'] = {};
  let f1Sum = 0;
  for (const c of labels) {
    const tp = confusion[c]?.[c] ?? 0;
    const support = Object.values(confusion[c] ?? {}).reduce((a, b) => a + b, 0);
    let predictedC = 0;
    for (const g of Object.keys(confusion)) predictedC += confusion[g]![c] ?? 0;
    const precision = predictedC === 0 ? 0 : tp / predictedC;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perClass[c] = { precision, recall, f1, support };
    f1Sum += f1;
  }
  return {
    accuracy: gold.length ? correct / gold.length : 0,
    macroF1: f1Sum / labels.length,
    perClass,
    confusion,
    n: gold.length,
  };
}

export const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
