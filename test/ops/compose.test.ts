import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDockerfile, SERVICE_DOCKERFILE } from './support/dockerfile.ts';
import { readYaml, repoPath, ROOT } from './support/repo.ts';
import { parseServiceEnv, SERVICES, serviceFacts } from './support/services.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- the compose file is walked as plain YAML */

const compose = readYaml<any>('docker-compose.yml');
const services: Record<string, any> = compose.services;
const names = Object.keys(services);

function dependsOn(s: any): Record<string, { condition: string }> {
  const d = s.depends_on ?? {};
  return Array.isArray(d)
    ? Object.fromEntries(d.map((n: string) => [n, { condition: 'service_started' }]))
    : d;
}

function dockerfileOf(name: string): string | undefined {
  const build = services[name].build;
  if (!build) return undefined;
  const context = typeof build === 'string' ? build : build.context;
  return join(
    repoPath(context),
    typeof build === 'string' ? 'Dockerfile' : (build.dockerfile ?? 'Dockerfile'),
  );
}

/** `${VAR:-default}` as compose resolves it with VAR unset. */
function resolveDefaults(value: unknown): string {
  return String(value).replace(/\$\{(\w+)(?::?-([^}]*))?\}/g, (_m, _v, d: string) => d ?? '');
}

function buildArgsOf(name: string): Record<string, string> {
  const build = services[name].build;
  return typeof build === 'object' && build.args ? build.args : {};
}

/** The environment a service's container starts with: its image's ENV, then compose's. */
function containerEnv(name: string): Record<string, string> {
  const file = dockerfileOf(name);
  const env: Record<string, string> = file
    ? { ...readDockerfile(file, buildArgsOf(name)).env }
    : {};
  for (const [k, v] of Object.entries(services[name].environment ?? {}))
    env[k] = resolveDefaults(v);
  return env;
}

describe('docker-compose.yml', () => {
  it('runs the stack, the four stages, the registry, Prometheus and Grafana', () => {
    expect(names).toEqual(
      expect.arrayContaining([
        'kafka',
        'postgres',
        'schema-registry',
        'bootstrap',
        ...SERVICES.map((s) => s.name),
        'prometheus',
        'grafana',
      ]),
    );
  });

  it('every build context exists and holds its Dockerfile; every image is pinned', () => {
    for (const name of names) {
      const s = services[name];
      if (s.build) {
        const context = typeof s.build === 'string' ? s.build : s.build.context;
        expect(statSync(repoPath(context)).isDirectory(), `${name} context`).toBe(true);
        expect(existsSync(dockerfileOf(name)!), `${name} dockerfile ${dockerfileOf(name)}`).toBe(
          true,
        );
      } else {
        expect(s.image, `${name} has an image or a build`).toMatch(/^[\w./-]+:[\w.-]+$/);
        expect(s.image).not.toMatch(/:latest$/);
      }
    }
  });

  it.each(SERVICES.map((s) => s.name))(
    '%s: is built from the one service Dockerfile with its folder as SERVICE',
    (name) => {
      expect(dockerfileOf(name)).toBe(repoPath(SERVICE_DOCKERFILE));
      expect(buildArgsOf(name)).toEqual({ SERVICE: name });
      expect(containerEnv(name).HARK_SERVICE).toBe(name);
    },
  );

  it('bootstrap runs in an image that carries its imports and gets deploy/ and schemas/ mounted', () => {
    expect(dockerfileOf('bootstrap')).toBe(repoPath(SERVICE_DOCKERFILE));
    expect(SERVICES.map((s) => s.name)).toContain(buildArgsOf('bootstrap').SERVICE);
    expect(services.bootstrap.volumes).toEqual(
      expect.arrayContaining(['./deploy:/app/deploy:ro', './schemas:/app/schemas:ro']),
    );
  });

  it('every depends_on names a service, with a condition that service can meet, and there is no cycle', () => {
    for (const name of names) {
      for (const [dep, { condition }] of Object.entries(dependsOn(services[name]))) {
        expect(names, `${name} depends on ${dep}`).toContain(dep);
        if (condition === 'service_healthy') {
          const dockerfile = dockerfileOf(dep);
          const hasCheck =
            !!services[dep].healthcheck || (!!dockerfile && readDockerfile(dockerfile).healthcheck);
          expect(hasCheck, `${name} waits for ${dep} to be healthy: it needs a health check`).toBe(
            true,
          );
        } else if (condition === 'service_completed_successfully') {
          // Only a one-shot job ever completes.
          expect(services[dep].restart ?? 'no', `${dep} must exit`).toMatch(/^(no|on-failure)$/);
        } else expect(condition).toBe('service_started');
      }
    }
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (n: string, path: string[]) => {
      if (done.has(n)) return;
      expect(visiting.has(n), `cycle ${[...path, n].join(' → ')}`).toBe(false);
      visiting.add(n);
      for (const dep of Object.keys(dependsOn(services[n]))) visit(dep, [...path, n]);
      visiting.delete(n);
      done.add(n);
    };
    for (const n of names) visit(n, []);
  });

  it('every bind mount exists and every named volume is declared', () => {
    for (const name of names) {
      for (const v of services[name].volumes ?? []) {
        const [source] = String(v).split(':');
        if (source!.startsWith('.') || source!.startsWith('/'))
          expect(existsSync(join(ROOT, source!)), `${name}: ${source}`).toBe(true);
        else expect(compose.volumes, `${name}: volume ${source}`).toHaveProperty(source!);
      }
    }
  });

  it('publishes ports on 127.0.0.1 only, each once', () => {
    const seen = new Set<string>();
    for (const name of names) {
      for (const p of services[name].ports ?? []) {
        expect(String(p), name).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
        const host = String(p).split(':')[1]!;
        expect(seen.has(host), `host port ${host}`).toBe(false);
        seen.add(host);
      }
    }
  });

  it.each(SERVICES.map((s) => s.name))(
    '%s: publishes its ports, reaches Kafka and the registry by service name, and its config parses',
    (name) => {
      const facts = serviceFacts(name);
      const s = services[name];
      const published = (s.ports ?? []).map((p: string) => Number(p.split(':')[2]));
      expect(published.sort()).toEqual([facts.opsPort, ...facts.otherPorts].sort());
      const env = containerEnv(name);
      if (name !== 'schema-registry') {
        expect(env.KAFKA_BROKERS).toBe('kafka:19092');
        expect(env.SCHEMA_REGISTRY_URL).toBe(
          `http://schema-registry:${serviceFacts('schema-registry').opsPort}`,
        );
        expect(Object.keys(dependsOn(s))).toContain('bootstrap');
      }
      if (env.DATABASE_URL) {
        expect(new URL(env.DATABASE_URL).hostname).toBe('postgres');
        expect(Object.keys(dependsOn(s))).toContain('postgres');
      }
      // The service's own parser, as at start: a missing or malformed variable fails here.
      expect(() => parseServiceEnv(name, env)).not.toThrow();
    },
  );

  it("Kafka's internal listener is the one the services use", () => {
    expect(services.kafka.environment.KAFKA_ADVERTISED_LISTENERS).toContain(
      'PLAINTEXT://kafka:19092',
    );
  });

  it('Prometheus loads prometheus.compose.yml, whose targets are the services on their ops ports', () => {
    const args: string[] = services.prometheus.command;
    const configArg = args.find((a) => a.startsWith('--config.file='))!;
    const mount = (services.prometheus.volumes as string[]).find((v) =>
      v.startsWith('./deploy/prometheus:'),
    )!;
    const inside = mount.split(':')[1]!;
    const file = configArg.slice('--config.file='.length);
    expect(file.startsWith(`${inside}/`)).toBe(true);
    expect(file.slice(inside.length + 1)).toBe('prometheus.compose.yml');
    const config = readYaml<any>('deploy/prometheus/prometheus.compose.yml');
    for (const job of config.scrape_configs) {
      if (job.job_name === 'prometheus') continue;
      const [host, port] = String(job.static_configs[0].targets[0]).split(':');
      expect(names, job.job_name).toContain(host);
      expect(Number(port)).toBe(serviceFacts(host!).opsPort);
    }
  });

  it("Grafana's PostgreSQL login is created by the init script Postgres runs", () => {
    const env = services.grafana.environment;
    const init = (services.postgres.volumes as string[]).find((v) =>
      v.includes('/docker-entrypoint-initdb.d/'),
    )!;
    const sql = readFileSync(join(ROOT, init.split(':')[0]!), 'utf8');
    expect(sql).toContain(
      `create role ${env.HARK_PG_USER} login password '${env.HARK_PG_PASSWORD}' in role hark_analyst`,
    );
  });
});
