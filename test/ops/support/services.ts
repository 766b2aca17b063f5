import { parseConfig } from '@hark/config';
import { TOPICS } from '@hark/events';
import {
  configSpec as routerSpec,
  parseActionRouterConfig,
} from '../../../services/action-router/src/config.ts';
import { collectorSettings } from '../../../services/collector/src/config.ts';
import { configSpec as identitySpec } from '../../../services/identity-resolution/src/config.ts';
import {
  parseRollupConfig,
  configSpec as rollupSpec,
} from '../../../services/metrics-rollup/src/config.ts';
import { registrySettings } from '../../../services/schema-registry/src/config.ts';
import { configSpec as scoringSpec } from '../../../services/sentiment-scoring/src/config.ts';

/** A consumer group a service runs, and the topic it reads. */
export interface ConsumerGroup {
  group: string;
  topic: string;
  partitions: number;
}

export interface ServiceFacts {
  name: string;
  /** Port of /healthz, /readyz and /metrics. */
  opsPort: number;
  /** Ports of the same service that are not the ops port (APIs). */
  otherPorts: number[];
  consumers: ConsumerGroup[];
}

function partitionsOf(topic: string): number {
  const spec = Object.values(TOPICS).find((t) => t.name === topic);
  if (!spec) throw new Error(`topic ${topic} is not in @hark/events TOPICS`);
  return spec.partitions;
}

function consumer(group: string, topic: string): ConsumerGroup {
  return { group, topic, partitions: partitionsOf(topic) };
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} has no default`);
  return value;
}

/**
 * What the deployment files must agree with, read from the services' own
 * config defaults, so a port or group renamed there fails these tests
 * instead of a deployment.
 */
export const SERVICES: ServiceFacts[] = [
  {
    name: 'collector',
    opsPort: required(collectorSettings.opsPort.default, 'collector OPS_PORT'),
    otherPorts: [required(collectorSettings.apiPort.default, 'collector API_PORT')],
    consumers: [],
  },
  {
    name: 'sentiment-scoring',
    opsPort: required(scoringSpec.opsPort.default, 'sentiment-scoring OPS_PORT'),
    otherPorts: [],
    consumers: [
      consumer(
        required(scoringSpec.groupId.default, 'sentiment-scoring GROUP_ID'),
        required(scoringSpec.inputTopic.default, 'sentiment-scoring INPUT_TOPIC'),
      ),
    ],
  },
  {
    name: 'identity-resolution',
    opsPort: required(identitySpec.opsPort.default, 'identity-resolution OPS_PORT'),
    otherPorts: [],
    consumers: [
      consumer(
        required(identitySpec.groupId.default, 'identity-resolution GROUP_ID'),
        required(identitySpec.inputTopic.default, 'identity-resolution INPUT_TOPIC'),
      ),
    ],
  },
  {
    name: 'metrics-rollup',
    opsPort: required(rollupSpec.opsPort.default, 'metrics-rollup OPS_PORT'),
    otherPorts: [],
    // services/metrics-rollup/src/service.ts: `<GROUP_ID>.mentions` and `<GROUP_ID>.signals`.
    consumers: [
      consumer(
        `${required(rollupSpec.groupId.default, 'metrics-rollup GROUP_ID')}.mentions`,
        required(rollupSpec.mentionsTopic.default, 'metrics-rollup MENTIONS_TOPIC'),
      ),
      consumer(
        `${required(rollupSpec.groupId.default, 'metrics-rollup GROUP_ID')}.signals`,
        required(rollupSpec.signalsTopic.default, 'metrics-rollup SIGNALS_TOPIC'),
      ),
    ],
  },
  {
    name: 'action-router',
    opsPort: required(routerSpec.opsPort.default, 'action-router OPS_PORT'),
    otherPorts: [],
    // The rules stage's group. The webhook outbox also consumes `actions` as
    // `<GROUP_ID>.webhook`, but only when ACTION_WEBHOOK_URL is set, and it only
    // inserts rows: the deployments do not scale on it (see scaledobjects.yaml).
    consumers: [
      consumer(
        required(routerSpec.groupId.default, 'action-router GROUP_ID'),
        required(routerSpec.inputTopic.default, 'action-router INPUT_TOPIC'),
      ),
    ],
  },
  {
    name: 'schema-registry',
    opsPort: required(registrySettings.port.default, 'SCHEMA_REGISTRY_PORT'),
    otherPorts: [],
    consumers: [],
  },
];

export function serviceFacts(name: string): ServiceFacts {
  const s = SERVICES.find((x) => x.name === name);
  if (!s) throw new Error(`no service ${name}`);
  return s;
}

/**
 * Parses `env` with the service's own config spec, exactly as the service
 * does at start; throws the service's error (every problem listed) when the
 * environment a deployment gives it would not start it.
 */
export function parseServiceEnv(name: string, env: Record<string, string>): unknown {
  switch (name) {
    case 'collector':
      return parseConfig(collectorSettings, env);
    case 'sentiment-scoring':
      return parseConfig(scoringSpec, env);
    case 'identity-resolution':
      return parseConfig(identitySpec, env);
    case 'metrics-rollup':
      return parseRollupConfig(env);
    case 'action-router':
      return parseActionRouterConfig(env);
    case 'schema-registry':
      return parseConfig(registrySettings, env);
    default:
      throw new Error(`no config spec for ${name}`);
  }
}
