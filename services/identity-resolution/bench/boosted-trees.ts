/**
 * Small gradient-boosted trees for a binary label (logistic loss, Newton
 * steps, histogram splits), written plainly for bench:ceiling: a supervised
 * oracle that learns interactions between comparison features without a
 * new dependency. Not used by the service.
 */

export interface TreeOptions {
  trees: number;
  depth: number;
  learningRate: number;
  /** Fewest rows in a leaf. */
  minLeaf: number;
  /** L2 penalty on leaf values (XGBoost's lambda). */
  lambda: number;
  /** Most split points per feature (quantiles of its values). */
  bins: number;
}

export const DEFAULT_TREE_OPTIONS: TreeOptions = {
  trees: 150,
  depth: 4,
  learningRate: 0.1,
  minLeaf: 20,
  lambda: 1,
  bins: 64,
};

/** Rows of `cols` numbers, row after row. */
export interface FeatureMatrix {
  cols: number;
  data: Float64Array;
}

export function matrixOf(rows: readonly (readonly number[])[]): FeatureMatrix {
  const cols = rows[0]?.length ?? 0;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((r, i) => data.set(r, i * cols));
  return { cols, data };
}

/** A leaf when feature is -1; else rows with value <= threshold go left. */
interface TreeNode {
  feature: number;
  threshold: number;
  left: number;
  right: number;
  value: number;
}

export interface BoostedTrees {
  base: number;
  trees: TreeNode[][];
}

/** Split points of one column: distinct quantiles, ascending; the largest value is never one. */
export function splitPoints(values: Float64Array, bins: number): number[] {
  const sorted = Float64Array.from(values).sort();
  const distinct = [...new Set(sorted)];
  // Few distinct values: every one of them but the largest is a split point.
  if (distinct.length <= bins + 1) return distinct.slice(0, -1);
  const largest = sorted[sorted.length - 1]!;
  const points: number[] = [];
  for (let b = 1; b <= bins; b++) {
    const v = sorted[Math.floor((b * sorted.length) / (bins + 1))]!;
    if (v < largest && (points.length === 0 || v > points.at(-1)!)) points.push(v);
  }
  return points;
}

/** Index of the first split point >= v (points.length when v is above them all). */
function binOf(points: readonly number[], v: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export function trainBoostedTrees(
  x: FeatureMatrix,
  labels: ArrayLike<number>,
  options: TreeOptions = DEFAULT_TREE_OPTIONS,
): BoostedTrees {
  const n = labels.length;
  const { cols } = x;
  const points: number[][] = [];
  const binned: Uint8Array[] = [];
  const column = new Float64Array(n);
  for (let f = 0; f < cols; f++) {
    for (let i = 0; i < n; i++) column[i] = x.data[i * cols + f]!;
    const p = splitPoints(column, Math.min(options.bins, 255));
    points.push(p);
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = binOf(p, column[i]!);
    binned.push(b);
  }
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i]!;
  const mean = Math.min(1 - 1e-6, Math.max(1e-6, positives / Math.max(1, n)));
  const base = Math.log(mean / (1 - mean));
  const margin = new Float64Array(n).fill(base);
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const trees: TreeNode[][] = [];
  const all = Int32Array.from({ length: n }, (_, i) => i);
  for (let t = 0; t < options.trees; t++) {
    for (let i = 0; i < n; i++) {
      const p = sigmoid(margin[i]!);
      g[i] = p - labels[i]!;
      h[i] = Math.max(p * (1 - p), 1e-12);
    }
    const nodes: TreeNode[] = [];
    grow(nodes, all, 0, { binned, points, g, h, options });
    trees.push(nodes);
    for (let i = 0; i < n; i++) margin[i]! += treeValue(nodes, (f) => x.data[i * cols + f]!);
  }
  return { base, trees };
}

interface GrowContext {
  binned: Uint8Array[];
  points: number[][];
  g: Float64Array;
  h: Float64Array;
  options: TreeOptions;
}

/** Appends the subtree over `rows` to `nodes`; returns its root's index. */
function grow(nodes: TreeNode[], rows: Int32Array, depth: number, c: GrowContext): number {
  const { g, h, options } = c;
  let G = 0;
  let H = 0;
  for (const i of rows) {
    G += g[i]!;
    H += h[i]!;
  }
  const at = nodes.length;
  nodes.push({
    feature: -1,
    threshold: 0,
    left: -1,
    right: -1,
    value: (-G / (H + options.lambda)) * options.learningRate,
  });
  if (depth >= options.depth || rows.length < 2 * options.minLeaf) return at;
  const parent = (G * G) / (H + options.lambda);
  let best = { gain: 1e-9, feature: -1, bin: -1 };
  for (let f = 0; f < c.binned.length; f++) {
    const bins = c.points[f]!.length + 1;
    if (bins < 2) continue;
    const col = c.binned[f]!;
    const hg = new Float64Array(bins);
    const hh = new Float64Array(bins);
    const hn = new Int32Array(bins);
    for (const i of rows) {
      const b = col[i]!;
      hg[b]! += g[i]!;
      hh[b]! += h[i]!;
      hn[b]!++;
    }
    let gl = 0;
    let hl = 0;
    let nl = 0;
    for (let b = 0; b < bins - 1; b++) {
      gl += hg[b]!;
      hl += hh[b]!;
      nl += hn[b]!;
      const nr = rows.length - nl;
      if (nl < options.minLeaf) continue;
      if (nr < options.minLeaf) break;
      const gr = G - gl;
      const hr = H - hl;
      const gain = (gl * gl) / (hl + options.lambda) + (gr * gr) / (hr + options.lambda) - parent;
      if (gain > best.gain) best = { gain, feature: f, bin: b };
    }
  }
  if (best.feature < 0) return at;
  const col = c.binned[best.feature]!;
  const left = rows.filter((i) => col[i]! <= best.bin);
  const right = rows.filter((i) => col[i]! > best.bin);
  const node = nodes[at]!;
  node.feature = best.feature;
  node.threshold = c.points[best.feature]![best.bin]!;
  node.left = grow(nodes, left, depth + 1, c);
  node.right = grow(nodes, right, depth + 1, c);
  return at;
}

function treeValue(nodes: readonly TreeNode[], feature: (f: number) => number): number {
  let k = 0;
  for (;;) {
    const node = nodes[k]!;
    if (node.feature < 0) return node.value;
    k = feature(node.feature) <= node.threshold ? node.left : node.right;
  }
}

/** The model's probability that a row is a match. */
export function predictProbability(model: BoostedTrees, row: ArrayLike<number>): number {
  let margin = model.base;
  for (const nodes of model.trees) margin += treeValue(nodes, (f) => row[f]!);
  return sigmoid(margin);
}
