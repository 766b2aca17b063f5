import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';

/** One thing wrong with a YAML file, where it is. */
export interface Problem {
  line: number;
  column: number;
  /** Dotted path of the offending value, e.g. `rules[2].when.intent`. */
  path: string;
  reason: string;
}

/**
 * Reads a YAML document node by node and collects every problem with its
 * line and column, so one run of the validator reports all of them. Readers
 * return `undefined` for a value they rejected.
 */
export class YamlReader {
  readonly problems: Problem[] = [];
  readonly doc: Document.Parsed;
  private readonly lines = new LineCounter();

  constructor(text: string) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false });
    for (const e of [...this.doc.errors, ...this.doc.warnings]) {
      const pos = e.linePos?.[0] ?? this.lines.linePos(e.pos[0]);
      this.problems.push({
        line: pos.line,
        column: pos.col,
        path: '',
        reason: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''),
      });
    }
  }

  get root(): Node | null {
    return (this.doc.contents as Node | null) ?? null;
  }

  /** 1-based line where a node starts (1 when it has no position). */
  line(node: Node | Pair | null | undefined): number {
    const range =
      (node as Node | undefined)?.range ??
      ((node as Pair | undefined)?.key as Node | undefined)?.range;
    return range ? this.lines.linePos(range[0]).line : 1;
  }

  report(node: Node | Pair | null | undefined, path: string, reason: string): undefined {
    const range =
      (node as Node | undefined)?.range ??
      ((node as Pair | undefined)?.key as Node | undefined)?.range;
    const pos = range ? this.lines.linePos(range[0]) : { line: 1, col: 1 };
    this.problems.push({ line: pos.line, column: pos.col, path, reason });
    return undefined;
  }

  /** A mapping's entries by key; unknown keys and missing required ones are problems. */
  map(
    node: Node | null | undefined,
    path: string,
    keys: { required?: readonly string[]; optional?: readonly string[] },
  ): Map<string, Node | null> | undefined {
    if (!isMap(node)) return this.report(node, path, `${label(path)} must be a mapping`);
    const allowed = new Set([...(keys.required ?? []), ...(keys.optional ?? [])]);
    const out = new Map<string, Node | null>();
    for (const pair of (node as YAMLMap<Node, Node | null>).items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined) {
        this.report(pair.key, path, 'keys must be plain strings');
        continue;
      }
      if (!allowed.has(key)) {
        const hint = closest(key, [...allowed]);
        this.report(
          pair.key,
          join(path, key),
          `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}; allowed: ${[...allowed].join(', ')}`,
        );
        continue;
      }
      if (out.has(key)) {
        this.report(pair.key, join(path, key), `duplicate key "${key}"`);
        continue;
      }
      out.set(key, pair.value ?? null);
    }
    for (const k of keys.required ?? [])
      if (!out.has(k)) this.report(node, join(path, k), `missing required key "${k}"`);
    return out;
  }

  seq(node: Node | null | undefined, path: string): (Node | null)[] | undefined {
    if (!isSeq(node)) return this.report(node, path, `${label(path)} must be a list`);
    return node.items as (Node | null)[];
  }

  string(node: Node | null | undefined, path: string, pattern?: RegExp): string | undefined {
    if (!isScalar(node) || (typeof node.value !== 'string' && typeof node.value !== 'number'))
      return this.report(node, path, `${label(path)} must be a string`);
    const value = String(node.value).trim();
    if (value === '') return this.report(node, path, `${label(path)} must not be empty`);
    if (pattern && !pattern.test(value))
      return this.report(node, path, `${label(path)} "${value}" must match ${pattern}`);
    return value;
  }

  number(
    node: Node | null | undefined,
    path: string,
    min: number,
    max: number,
  ): number | undefined {
    if (!isScalar(node) || typeof node.value !== 'number' || !Number.isFinite(node.value))
      return this.report(node, path, `${label(path)} must be a number`);
    if (node.value < min || node.value > max)
      return this.report(
        node,
        path,
        `${label(path)} must be between ${min} and ${max}, got ${node.value}`,
      );
    return node.value;
  }

  bool(node: Node | null | undefined, path: string): boolean | undefined {
    if (!isScalar(node) || typeof node.value !== 'boolean')
      return this.report(node, path, `${label(path)} must be true or false`);
    return node.value;
  }

  /** One string or a list of them; with `values`, each must be one of those. */
  stringList(
    node: Node | null | undefined,
    path: string,
    values?: readonly string[],
  ): string[] | undefined {
    const items = isSeq(node) ? (node.items as (Node | null)[]) : [node];
    if (isSeq(node) && items.length === 0)
      return this.report(node, path, `${label(path)} must not be an empty list`);
    const out: string[] = [];
    let ok = true;
    items.forEach((item, i) => {
      const p = isSeq(node) ? `${path}[${i}]` : path;
      const s = this.string(item, p);
      if (s === undefined) return void (ok = false);
      if (values && !values.includes(s)) {
        ok = false;
        const hint = closest(s, values);
        this.report(
          item,
          p,
          `unknown value "${s}"${hint ? ` (did you mean "${hint}"?)` : ''}; one of: ${values.join(', ')}`,
        );
        return;
      }
      out.push(s);
    });
    return ok ? out : undefined;
  }

  /** `{ min, max }` (either may be left out) within [lo, hi]. */
  range(
    node: Node | null | undefined,
    path: string,
    lo: number,
    hi: number,
  ): { min?: number; max?: number } | undefined {
    const entries = this.map(node, path, { optional: ['min', 'max'] });
    if (!entries) return undefined;
    if (entries.size === 0) return this.report(node, path, `${label(path)} needs min, max or both`);
    const min = entries.has('min')
      ? this.number(entries.get('min'), `${path}.min`, lo, hi)
      : undefined;
    const max = entries.has('max')
      ? this.number(entries.get('max'), `${path}.max`, lo, hi)
      : undefined;
    if ((entries.has('min') && min === undefined) || (entries.has('max') && max === undefined))
      return undefined;
    if (min !== undefined && max !== undefined && min > max)
      return this.report(node, path, `${label(path)} has min ${min} above max ${max}`);
    return { min, max };
  }
}

export function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function label(path: string): string {
  return path ? `"${path}"` : 'the document';
}

/** The allowed word nearest a typo, when it is close enough to be a likely slip. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(
        prev[j]! + 1,
        row[j - 1]! + 1,
        prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    prev = row;
  }
  return prev[b.length]!;
}
