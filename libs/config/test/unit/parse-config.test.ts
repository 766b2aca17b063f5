import { describe, expect, it } from 'vitest';
import { HarkError } from '@hark/errors';
import {
  bool,
  describeConfig,
  hostPort,
  int,
  list,
  num,
  oneOf,
  parseConfig,
  port,
  setting,
  url,
  type CrossCheck,
} from '../../src/index.ts';

const spec = {
  brokers: setting({ env: 'KAFKA_BROKERS', doc: 'brokers', parse: list(hostPort()) }),
  port: setting({ env: 'PORT', doc: 'http port', parse: port(), default: 8080 }),
  ratio: setting({ env: 'RATIO', doc: 'ratio', parse: num({ min: 0, max: 1 }), default: 0.5 }),
  debug: setting({ env: 'DEBUG', doc: 'debug', parse: bool(), default: false }),
  mode: setting({
    env: 'MODE',
    doc: 'mode',
    parse: oneOf(['a', 'b'] as const),
    default: 'a' as const,
  }),
  db: setting({ env: 'DATABASE_URL', doc: 'db', parse: url({ protocols: ['postgres'] }) }),
  token: setting({ env: 'TOKEN', doc: 'secret', parse: int(), default: 1, secret: true }),
};

function problemsOf(env: Record<string, string>, check?: CrossCheck<typeof spec>): string[] {
  try {
    parseConfig(spec, env, check);
  } catch (err) {
    expect(err).toBeInstanceOf(HarkError);
    return (err as HarkError).context.problems as string[];
  }
  throw new Error('expected parseConfig to throw');
}

describe('parseConfig', () => {
  it('when every variable is valid, returns a frozen typed object with defaults filled', () => {
    const cfg = parseConfig(spec, {
      KAFKA_BROKERS: 'a:1, b:2',
      DATABASE_URL: 'postgres://x/y',
      DEBUG: 'yes',
    });
    expect(cfg).toEqual({
      brokers: ['a:1', 'b:2'],
      port: 8080,
      ratio: 0.5,
      debug: true,
      mode: 'a',
      db: 'postgres://x/y',
      token: 1,
    });
    expect(Object.isFrozen(cfg)).toBe(true);
  });

  it('when a required variable is missing, names it', () => {
    expect(problemsOf({ DATABASE_URL: 'postgres://x' })).toEqual([
      'KAFKA_BROKERS is required: brokers',
    ]);
  });

  it('when several variables are bad, lists every one, one line each', () => {
    const problems = problemsOf({
      KAFKA_BROKERS: 'nohost',
      PORT: '70000',
      RATIO: 'abc',
      DEBUG: 'maybe',
      MODE: 'c',
      DATABASE_URL: 'http://x',
    });
    expect(problems).toHaveLength(6);
    expect(problems.map((p) => p.split(' ')[0])).toEqual([
      'KAFKA_BROKERS',
      'PORT',
      'RATIO',
      'DEBUG',
      'MODE',
      'DATABASE_URL',
    ]);
    for (const p of problems) expect(p).not.toContain('\n');
    expect(problems[1]).toContain('must be <= 65535');
  });

  it('checks the rules between settings once every variable parsed, in the same error', () => {
    const check: CrossCheck<typeof spec> = (c) =>
      c.port < 1024 && !c.debug ? ['PORT below 1024 needs DEBUG'] : [];
    const ok = { KAFKA_BROKERS: 'a:1', DATABASE_URL: 'postgres://x' };
    expect(problemsOf({ ...ok, PORT: '80' }, check)).toEqual(['PORT below 1024 needs DEBUG']);
    expect(parseConfig(spec, { ...ok, PORT: '80', DEBUG: 'true' }, check).port).toBe(80);
    // A variable that does not parse is reported alone: the rules between settings wait for it.
    expect(problemsOf({ ...ok, PORT: '80', RATIO: 'x' }, check)).toEqual([
      expect.stringMatching(/^RATIO/),
    ]);
  });

  it('when a secret is malformed, does not echo its value', () => {
    const [problem] = problemsOf({
      KAFKA_BROKERS: 'a:1',
      DATABASE_URL: 'postgres://x',
      TOKEN: 's3cr3t',
    });
    expect(problem).toMatch(/^TOKEN must be an integer/);
    expect(problem).not.toContain('s3cr3t');
  });

  it('renders a markdown table of every variable', () => {
    const table = describeConfig(spec);
    expect(table.split('\n')).toHaveLength(2 + Object.keys(spec).length);
    expect(table).toContain('| `KAFKA_BROKERS` | (required) | brokers |');
    expect(table).toContain('| `TOKEN` | (secret) | secret |');
  });
});
