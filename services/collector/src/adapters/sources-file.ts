import { readYamlFile } from '@hark/config';
import { HarkError } from '@hark/errors';
import { NO_SOURCES, parseSourcesConfig, type SourcesConfig } from '../domain/sources-config.ts';

/** Reads the webhooks and pollers YAML; an empty path means none. Secrets come from `env`. */
export function loadSourcesFile(
  path: string,
  opts: { env: Record<string, string | undefined>; brandIds: ReadonlySet<string> },
): SourcesConfig {
  if (path === '') return NO_SOURCES;
  const doc = readYamlFile(path, 'sources file');
  const result = parseSourcesConfig(doc, { ...opts, source: path });
  if (!result.ok) {
    throw new HarkError(
      'HARK_CONFIG_INVALID',
      `${path} is invalid:\n  ${result.problems.join('\n  ')}`,
      {
        context: { source: path, problems: result.problems.map((p) => `${path}: ${p}`) },
      },
    );
  }
  return result.config;
}
