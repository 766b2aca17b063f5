import { existsSync, readFileSync } from 'node:fs';
import { SCHEMAS_DIR } from '@hark/events';
import { fileURLToPath } from 'node:url';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSpec as routerSpec } from '../../services/action-router/src/config.ts';
import { collectorSettings } from '../../services/collector/src/config.ts';
import { configSpec as rollupSpec } from '../../services/metrics-rollup/src/config.ts';
import { DEFAULT_HEALTH_PORTS, healthPort } from '../../deploy/healthcheck.mjs';
import { readDockerfile, SERVICE_DOCKERFILE } from './support/dockerfile.ts';
import { repoPath, ROOT } from './support/repo.ts';
import { SERVICES, serviceFacts } from './support/services.ts';

const names = SERVICES.map((s) => s.name);
const image = (service: string) =>
  readDockerfile(repoPath(SERVICE_DOCKERFILE), { SERVICE: service });
const dockerignore = readFileSync(repoPath('.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

/** Whether a context path is kept out of the build by .dockerignore (its plain and `**` prefix rules). */
function ignored(path: string): boolean {
  return dockerignore.some((rule) => {
    const plain = rule.replace(/^\*\*\//, '');
    return rule.startsWith('**/')
      ? path.split('/').includes(plain)
      : path === plain || path.startsWith(`${plain}/`);
  });
}

/** Whether the final stage holds this repository path, copied from the context or the build stage. */
function inImage(service: string, path: string): boolean {
  const facts = image(service);
  const covers = (sources: string[]) =>
    sources.map((s) => s.replace(/\/$/, '')).some((s) => path === s || path.startsWith(`${s}/`));
  // The build stage makes node_modules; what else it holds came from the context.
  const built = path === 'node_modules' || path.startsWith('node_modules/');
  return (
    (covers(facts.copiedFromContext) && !ignored(path)) ||
    (covers(facts.copiedFromStage.map((s) => s.replace(/^\/app\//, ''))) &&
      (built || !ignored(path)))
  );
}

describe('deploy/Dockerfile (every service image)', () => {
  it('replaces the per-service Dockerfiles: none is left beside a service', () => {
    for (const name of names)
      expect(existsSync(repoPath(`services/${name}/Dockerfile`))).toBe(false);
  });

  it.each(names)(
    '%s: the image names its service, runs it as a non-root user and checks health',
    (name) => {
      const facts = image(name);
      expect(facts.env.HARK_SERVICE).toBe(name);
      expect(facts.user).toBe('node');
      expect(facts.healthcheck).toBe(true);
      expect(existsSync(repoPath(`services/${facts.env.HARK_SERVICE}/src/main.ts`))).toBe(true);
    },
  );

  it.each(names)('%s: the health check probes the port its config serves /healthz on', (name) => {
    expect(healthPort({ HARK_SERVICE: name })).toBe(serviceFacts(name).opsPort);
    const portVar = name === 'schema-registry' ? 'SCHEMA_REGISTRY_PORT' : 'OPS_PORT';
    expect(healthPort({ HARK_SERVICE: name, [portVar]: '19999' })).toBe(19999);
  });

  it('the health check knows no service that does not exist and refuses an unknown one', () => {
    expect(Object.keys(DEFAULT_HEALTH_PORTS).sort()).toEqual([...names].sort());
    expect(() => healthPort({ HARK_SERVICE: 'nope' })).toThrow(/not a hark service/);
  });

  it.each(names)('%s: the image holds what the service reads at run time', (name) => {
    const needed = [
      `services/${name}/src/main.ts`,
      'libs/events/src/index.ts',
      'node_modules',
      'package.json',
      relative(ROOT, fileURLToPath(SCHEMAS_DIR)).replace(/\/$/, ''),
    ];
    if (existsSync(repoPath(`services/${name}/migrations`)))
      needed.push(`services/${name}/migrations`);
    for (const path of needed) expect(inImage(name, path), `${name}: ${path}`).toBe(true);
  });

  it('the runtime files named by config defaults are in every image: routing rules, brands, models', () => {
    const files = [
      String(routerSpec.rulesFile.default),
      String(collectorSettings.brandsFile.default),
      String(rollupSpec.brandsFile.default),
      'services/sentiment-scoring/models/social-v2.json',
      'services/sentiment-scoring/models/intent-v1.json',
    ];
    for (const file of files) {
      expect(existsSync(repoPath(file)), file).toBe(true);
      const service = file.startsWith('services/') ? file.split('/')[1]! : 'collector';
      expect(inImage(service, file), file).toBe(true);
    }
  });

  it('keeps the non-redistributable training data and local state out of the build context', () => {
    for (const path of [
      'services/sentiment-scoring/data/external/semeval.tsv',
      'node_modules',
      'libs/db/node_modules',
      '.stack',
      '.git',
    ])
      expect(ignored(path), path).toBe(true);
  });

  it('installs only the service’s dependencies and keeps tests out', () => {
    const install = image('collector').runs.find((r) => r.startsWith('npm ci'))!;
    expect(install).toContain('--workspace "@hark/$SERVICE"');
    expect(install).toContain('--omit=dev');
    expect(install).toMatch(/rm -rf .*"services\/\$SERVICE\/test"/);
  });
});
