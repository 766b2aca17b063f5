import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createMetricsRegistry } from '@hark/observability';
import { describe, expect, it } from 'vitest';
import { readJson, readYaml, repoPath } from './support/repo.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- dashboards are walked as plain JSON */

/** Every `name: 'hark_…'` a service or lib registers, with the series a histogram adds. */
function definedHarkSeries(): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.ts')) {
        const text = readFileSync(path, 'utf8');
        const re = /new (Counter|Gauge|Histogram|Summary)\(\{\s*name: '(hark_[a-z0-9_]+)'/g;
        for (const m of text.matchAll(re)) {
          const [, type, name] = m;
          found.set(name!, type!);
          if (type === 'Histogram' || type === 'Summary') {
            found.set(`${name}_count`, type);
            found.set(`${name}_sum`, type);
            if (type === 'Histogram') found.set(`${name}_bucket`, type);
          }
        }
      }
    }
  };
  for (const root of ['libs', 'services'])
    for (const pkg of readdirSync(repoPath(root))) {
      const src = repoPath(`${root}/${pkg}/src`);
      try {
        if (statSync(src).isDirectory()) walk(src);
      } catch {
        // a package without src/
      }
    }
  return found;
}

/** The Node.js defaults every service exports (collectDefaultMetrics), plus Prometheus's own series. */
async function defaultSeries(): Promise<Set<string>> {
  const registry = createMetricsRegistry({ service: 'metric-names-test' });
  const names = new Set<string>(['up', 'ALERTS', 'ALERTS_FOR_STATE']);
  for (const m of await registry.getMetricsAsJSON()) {
    names.add(m.name);
    if (String(m.type) === 'histogram')
      for (const s of ['_bucket', '_count', '_sum']) names.add(m.name + s);
  }
  return names;
}

/** Metric names in a PromQL expression: identifiers not followed by `(` and not label names or keywords. */
function metricNames(expr: string): string[] {
  const withoutStrings = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const withoutLabels = withoutStrings
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  const names = new Set<string>();
  for (const m of withoutLabels.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)) {
    const word = m[1]!;
    if (/^(and|or|unless|bool|offset|le|inf|nan)$/i.test(word)) continue;
    if (/^\d/.test(word) || /^[smhdwy]$/.test(word)) continue;
    // A duration like 10m leaves `m` after the digits; variables like $__rate_interval are not metrics.
    const before = withoutLabels.slice(Math.max(0, m.index! - 1), m.index!);
    if (/[\d$]/.test(before)) continue;
    names.add(word);
  }
  return [...names];
}

function alertExpressions(): { where: string; expr: string }[] {
  const alerts = readYaml<any>('deploy/prometheus/alerts.yml');
  return alerts.groups.flatMap((g: any) =>
    g.rules.map((r: any) => ({ where: `alerts.yml ${r.alert ?? r.record}`, expr: r.expr })),
  );
}

function dashboardExpressions(): { where: string; expr: string }[] {
  const d = readJson<any>('deploy/grafana/dashboards/hark-ops.json');
  const out: { where: string; expr: string }[] = [];
  const visit = (panels: any[]) => {
    for (const p of panels) {
      for (const t of p.targets ?? [])
        if (t.expr) out.push({ where: `hark-ops.json "${p.title}" ${t.refId}`, expr: t.expr });
      visit(p.panels ?? []);
    }
  };
  visit(d.panels);
  for (const v of d.templating.list)
    if (v.datasource?.type === 'prometheus') {
      const q = typeof v.query === 'string' ? v.query : v.query.query;
      const selector = /^label_values\((.*),\s*\w+\)$/.exec(q)?.[1] ?? q;
      out.push({ where: `hark-ops.json variable ${v.name}`, expr: selector });
    }
  return out;
}

describe('metric names', () => {
  it('the PromQL name extraction finds metrics and nothing else', () => {
    expect(
      metricNames(
        'sum by (stage, le) (rate(hark_x_bucket{stage=~"$stage", le="+Inf"}[$__rate_interval])) / on (stage) hark_y > 0.5 and up offset 5m',
      ).sort(),
    ).toEqual(['hark_x_bucket', 'hark_y', 'up']);
  });

  it('every metric an alert or ops panel uses is one a hark service defines (or a Node/Prometheus default)', async () => {
    const defined = definedHarkSeries();
    const defaults = await defaultSeries();
    const unknown: string[] = [];
    for (const { where, expr } of [...alertExpressions(), ...dashboardExpressions()])
      for (const name of metricNames(expr))
        if (!defined.has(name) && !defaults.has(name)) unknown.push(`${where}: ${name}`);
    expect(unknown).toEqual([]);
  });

  it('counters end in _total and are used through rate/increase, never raw', () => {
    const defined = definedHarkSeries();
    const problems: string[] = [];
    for (const [name, type] of defined) {
      if (type === 'Counter' && !name.endsWith('_total'))
        problems.push(`${name}: counter without _total`);
    }
    // Variable queries only list label values, so they name counters without a range.
    const queries = [...alertExpressions(), ...dashboardExpressions()].filter(
      (q) => !q.where.includes(' variable '),
    );
    for (const { where, expr } of queries) {
      for (const name of metricNames(expr)) {
        if (defined.get(name) !== 'Counter') continue;
        const rangeUse = new RegExp(`${name}(\\{[^}]*\\})?\\[`);
        if (!rangeUse.test(expr)) problems.push(`${where}: ${name} used without a range`);
      }
    }
    expect(problems).toEqual([]);
  });
});
