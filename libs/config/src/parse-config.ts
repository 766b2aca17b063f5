import { HarkError } from '@hark/errors';
import type { Parser } from './parsers.ts';

export interface Setting<T> {
  /** The environment variable that sets it. */
  env: string;
  /** One line for humans: what it does and its unit. */
  doc: string;
  parse: Parser<T>;
  /** Used when the variable is unset or empty; without one the variable is required. */
  default?: T;
  /** Do not echo the value in errors or docs (secrets). */
  secret?: boolean;
}

export type ConfigSpec = Record<string, Setting<unknown>>;
export type ConfigOf<S extends ConfigSpec> = {
  readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never;
};

/** Declares one setting with its type inferred from the parser. */
export function setting<T>(s: Setting<T>): Setting<T> {
  return s;
}

/**
 * Rules that span settings (one bound against another): the problems found, one line
 * each, naming the variables. Run once every variable parsed on its own.
 */
export type CrossCheck<S extends ConfigSpec> = (config: ConfigOf<S>) => string[];

/**
 * Parses every setting of `spec` from `env` into a frozen object. On failure
 * it throws one HARK_CONFIG_INVALID error whose `problems` name every bad
 * variable, one line each, so a single restart fixes them all; then the same
 * for `check`, the rules between settings.
 */
export function parseConfig<S extends ConfigSpec>(
  spec: S,
  env: Record<string, string | undefined> = process.env,
  check?: CrossCheck<S>,
): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, s] of Object.entries(spec)) {
    const raw = env[s.env];
    if (raw === undefined || raw === '') {
      if (s.default !== undefined) out[key] = s.default;
      else problems.push(`${s.env} is required: ${s.doc}`);
      continue;
    }
    try {
      out[key] = s.parse(raw);
    } catch (err) {
      const shown = s.secret ? '' : ` (${JSON.stringify(raw)})`;
      problems.push(
        `${s.env}${shown} ${(err as Error).message.replace(/, got .*$/, '')}: ${s.doc}`,
      );
    }
  }
  if (problems.length === 0) problems.push(...(check?.(out as ConfigOf<S>) ?? []));
  if (problems.length > 0) {
    throw new HarkError('HARK_CONFIG_INVALID', problems.join('\n'), { context: { problems } });
  }
  return Object.freeze(out) as ConfigOf<S>;
}

/** Renders the settings as a markdown table for a service README. */
export function describeConfig(spec: ConfigSpec): string {
  const rows = Object.values(spec).map((s) => {
    const def =
      s.default === undefined ? '(required)' : s.secret ? '(secret)' : `\`${String(s.default)}\``;
    return `| \`${s.env}\` | ${def} | ${s.doc} |`;
  });
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

/**
 * For a service's main: parse or print each problem on its own line to stderr
 * and exit 2. Services call this once, before anything else starts.
 */
export function loadConfigOrExit<S extends ConfigSpec>(
  spec: S,
  env: Record<string, string | undefined> = process.env,
  check?: CrossCheck<S>,
): ConfigOf<S> {
  try {
    return parseConfig(spec, env, check);
  } catch (err) {
    if (err instanceof HarkError && err.code === 'HARK_CONFIG_INVALID') {
      for (const line of err.context.problems as string[])
        process.stderr.write(`config error: ${line}\n`);
      process.exit(2);
    }
    throw err;
  }
}
