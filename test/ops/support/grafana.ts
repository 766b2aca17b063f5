import { readJson } from './repo.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- dashboards are plain JSON */

export interface PanelQuery {
  panel: string;
  refId: string;
  datasourceUid: string;
  /** PromQL (`expr`) or SQL (`rawSql`). */
  text: string;
  format?: string;
}

export interface DashboardVariable {
  name: string;
  type: string;
  datasourceUid?: string;
  query: string;
  multi: boolean;
  includeAll: boolean;
}

export interface Dashboard {
  uid: string;
  title: string;
  panels: any[];
  templating: { list: any[] };
}

export function loadDashboard(file: string): Dashboard {
  return readJson<Dashboard>(`deploy/grafana/dashboards/${file}`);
}

/** Every panel, rows' nested panels included. */
export function allPanels(d: Dashboard): any[] {
  const out: any[] = [];
  const visit = (panels: any[]) => {
    for (const p of panels) {
      out.push(p);
      visit(p.panels ?? []);
    }
  };
  visit(d.panels);
  return out;
}

export function panelQueries(d: Dashboard): PanelQuery[] {
  return allPanels(d).flatMap((p) =>
    (p.targets ?? []).map((t: any) => ({
      panel: p.title,
      refId: t.refId,
      datasourceUid: t.datasource?.uid ?? p.datasource?.uid,
      text: t.expr ?? t.rawSql,
      format: t.format,
    })),
  );
}

export function variables(d: Dashboard): DashboardVariable[] {
  return d.templating.list.map((v) => ({
    name: v.name,
    type: v.type,
    datasourceUid: v.datasource?.uid,
    query: typeof v.query === 'string' ? v.query : v.query?.query,
    multi: !!v.multi,
    includeAll: !!v.includeAll,
  }));
}

/** `$name`, `${name}`, `${name:opt}` and `[[name]]`, as Grafana writes variable references. */
function replaceVariables(text: string, values: Record<string, string>): string {
  return text.replace(
    /\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)/g,
    (whole, a: string, b: string, c: string) => {
      const name = a ?? b ?? c;
      if (name.startsWith('__')) return whole;
      if (!(name in values))
        throw new Error(`no value for dashboard variable $${name} in: ${text}`);
      return values[name]!;
    },
  );
}

function assertNoneLeft(text: string): void {
  const left = /\$\{?\w+|\[\[\w+\]\]/.exec(text);
  if (left) throw new Error(`unreplaced Grafana variable or macro ${left[0]} in: ${text}`);
}

/**
 * PromQL as Grafana sends it: the interval variables become durations and
 * dashboard variables their values (regexes for multi-value ones).
 */
export function interpolatePromQL(
  expr: string,
  values: Record<string, string>,
  intervals = { rateInterval: '1m', interval: '15s', range: '5m' },
): string {
  const out = replaceVariables(
    expr
      .replace(/\$__rate_interval/g, intervals.rateInterval)
      .replace(/\$__interval/g, intervals.interval)
      .replace(/\$__range/g, intervals.range),
    values,
  );
  assertNoneLeft(out);
  return out;
}

/**
 * SQL as Grafana's PostgreSQL data source sends it: the time macros expanded
 * for `range` and variables replaced by `values` (already quoted by the
 * caller as Grafana quotes them). Unknown macros fail, so a panel cannot use
 * one this check does not expand.
 */
export function interpolateSql(
  sql: string,
  values: Record<string, string>,
  range: { from: Date; to: Date },
): string {
  const from = `'${range.from.toISOString()}'`;
  const to = `'${range.to.toISOString()}'`;
  const expanded = sql
    .replace(
      /\$__timeFilter\(([^)]+)\)/g,
      (_m, col: string) => `${col.trim()} BETWEEN ${from} AND ${to}`,
    )
    .replace(/\$__timeFrom\(\)/g, from)
    .replace(/\$__timeTo\(\)/g, to)
    .replace(
      /\$__unixEpochFilter\(([^)]+)\)/g,
      (_m, col: string) =>
        `${col.trim()} >= ${Math.floor(range.from.getTime() / 1000)} AND ${col.trim()} <= ${Math.floor(range.to.getTime() / 1000)}`,
    );
  const out = replaceVariables(expanded, values);
  assertNoneLeft(out);
  return out;
}
