import { fileURLToPath } from 'node:url';
import { parseUsers, type RegistryUser } from './domain/basic-auth.ts';
import { commonSettings, type ConfigOf, httpLimitSettings, port, setting, str } from '@hark/config';

export const registrySettings = {
  port: setting({
    env: 'SCHEMA_REGISTRY_PORT',
    doc: 'port of the registry API, which also serves /healthz, /readyz and /metrics',
    parse: port(),
    default: 8081,
  }),
  host: setting({
    env: 'SCHEMA_REGISTRY_HOST',
    doc: 'interface the registry binds to',
    parse: str(),
    default: '127.0.0.1',
  }),
  readers: setting({
    env: 'SCHEMA_REGISTRY_READERS',
    doc: 'comma-separated user:password identities that may only read (the services); with no readers and no writers the registry is open',
    parse: (raw: string) => parseUsers(raw, 'read'),
    default: [] as RegistryUser[],
    secret: true,
  }),
  writers: setting({
    env: 'SCHEMA_REGISTRY_WRITERS',
    doc: 'comma-separated user:password identities that may also register schemas, change compatibility and delete (deployment)',
    parse: (raw: string) => parseUsers(raw, 'write'),
    default: [] as RegistryUser[],
    secret: true,
  }),
  databaseUrl: commonSettings.databaseUrl,
  logLevel: commonSettings.logLevel,
  ...httpLimitSettings,
};

export type RegistryConfig = ConfigOf<typeof registrySettings>;

/** The service's migrations (scope `schema-registry`), found relative to this file so any cwd works. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));
