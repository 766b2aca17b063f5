// The HEALTHCHECK of every hark image (deploy/Dockerfile): GET /healthz on the port the
// service serves it on. That is the port its config reads (OPS_PORT; the registry serves
// /healthz on its API port, SCHEMA_REGISTRY_PORT), else the default of that config, which
// test/ops checks against the services' own config defaults.
/* global process, fetch, AbortSignal -- plain Node 20, no tsx: it runs every 15 s */
import { fileURLToPath } from 'node:url';

export const DEFAULT_HEALTH_PORTS = {
  collector: 9101,
  'sentiment-scoring': 9102,
  'identity-resolution': 9103,
  'metrics-rollup': 9104,
  'action-router': 9105,
  'schema-registry': 8081,
};

/** The port of /healthz for the service HARK_SERVICE names, from the container's environment. */
export function healthPort(env) {
  const service = env.HARK_SERVICE ?? '';
  const configured = service === 'schema-registry' ? env.SCHEMA_REGISTRY_PORT : env.OPS_PORT;
  if (configured) return Number(configured);
  const port = DEFAULT_HEALTH_PORTS[service];
  if (port === undefined) throw new Error(`HARK_SERVICE '${service}' is not a hark service`);
  return port;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  fetch(`http://127.0.0.1:${healthPort(process.env)}/healthz`, {
    signal: AbortSignal.timeout(2500),
  }).then(
    (res) => process.exit(res.ok ? 0 : 1),
    () => process.exit(1),
  );
}
