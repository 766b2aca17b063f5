import { readFileSync } from 'node:fs';
import { parseBrandsConfig } from '@hark/brands';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readDockerfile, SERVICE_DOCKERFILE } from './support/dockerfile.ts';
import { findUnknownFields, validateAgainstSchemas } from './support/k8s-schema.ts';
import { objectId, renderKustomization, type K8sObject } from './support/kustomize.ts';
import { repoPath } from './support/repo.ts';
import { parseServiceEnv, SERVICES, serviceFacts } from './support/services.ts';

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are walked as plain JSON */

const OVERLAYS = ['local', 'prod'] as const;
/** Secrets each environment must provide outside git, with the keys the manifests read. */
const EXTERNAL_SECRETS: Record<(typeof OVERLAYS)[number], Record<string, string[]>> = {
  local: {},
  prod: {
    'hark-secrets': [
      'DATABASE_URL',
      'COLLECTOR_API_KEYS',
      'IDENTITY_API_KEYS',
      'HARK_PRIVACY_MASTER_KEY',
      'SCHEMA_REGISTRY_URL',
      'SCHEMA_REGISTRY_READERS',
      'SCHEMA_REGISTRY_WRITERS',
      // Optional in the manifests (action-router's webhook is off without them); prod sets them.
      'ACTION_WEBHOOK_URL',
      'ACTION_WEBHOOK_SECRET',
    ],
  },
};

/** Stand-ins for the values of external secrets, shaped like real ones. */
const PLACEHOLDERS: Record<string, string> = {
  DATABASE_URL: 'postgres://hark@db.example.internal:5432/hark',
  COLLECTOR_API_KEYS: 'ingest=0123456789abcdef0123',
  IDENTITY_API_KEYS: '0123456789abcdef0123',
  HARK_PRIVACY_MASTER_KEY: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
  ACTION_WEBHOOK_URL: 'https://hooks.example.com/hark/actions',
  ACTION_WEBHOOK_SECRET: '0123456789abcdef0123456789abcdef',
  SCHEMA_REGISTRY_URL: 'http://hark-services:0123456789abcdef@schema-registry:8081',
  SCHEMA_REGISTRY_READERS: 'hark-services:0123456789abcdef',
  SCHEMA_REGISTRY_WRITERS: 'hark-deploy:fedcba9876543210',
};

const rendered = new Map<string, K8sObject[]>();
let unknownFields: string[] = [];

beforeAll(() => {
  rendered.set('base', renderKustomization(repoPath('deploy/k8s/base')));
  for (const overlay of OVERLAYS)
    rendered.set(overlay, renderKustomization(repoPath(`deploy/k8s/overlays/${overlay}`)));
  // One TypeScript program for every object of every rendering: it is the slow part.
  unknownFields = findUnknownFields([...rendered.values()].flat());
});

function objects(name: string): K8sObject[] {
  const o = rendered.get(name);
  if (!o) throw new Error(`${name} was not rendered`);
  return o;
}
function find(list: K8sObject[], kind: string, name: string): any {
  const o = list.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name}`);
  return o;
}
function podSpec(deployment: any): any {
  return deployment.spec.template.spec;
}
function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

describe('deploy/k8s against the Kubernetes and KEDA schemas', () => {
  it.each(['base', ...OVERLAYS])('%s: every object passes its schema validator', async (name) => {
    expect(await validateAgainstSchemas(objects(name))).toEqual([]);
  });

  it('no object has a field its kind does not define (misspellings would be ignored by the validators)', () => {
    expect(unknownFields).toEqual([]);
  });

  it('the strict check catches a misspelled field, so its silence means something', () => {
    const broken = structuredClone(find(objects('prod'), 'Deployment', 'collector'));
    broken.spec.template.spec.containers[0].readinesProbe = { httpGet: { path: '/readyz' } };
    expect(findUnknownFields([broken]).join('\n')).toMatch(/readinesProbe/);
  });
});

describe.each(OVERLAYS)('overlay %s', (overlay) => {
  it('has a Deployment, Service and PodDisruptionBudget per service, in namespace hark', () => {
    const list = objects(overlay);
    for (const s of SERVICES) {
      for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget'])
        expect(() => find(list, kind, s.name), `${kind}/${s.name}`).not.toThrow();
    }
    for (const o of list) {
      if (o.kind === 'Namespace') expect(o.metadata.name).toBe('hark');
      else expect(o.metadata.namespace, objectId(o)).toBe('hark');
    }
  });

  it.each(SERVICES.map((s) => s.name))(
    '%s: probes, resources, graceful termination, non-root, ops port and scrape annotations',
    (name) => {
      const facts = serviceFacts(name);
      const d = find(objects(overlay), 'Deployment', name);
      const spec = podSpec(d);
      expect(spec.containers).toHaveLength(1);
      const c = spec.containers[0];

      const portByName = new Map<string, number>(
        c.ports.map((p: any) => [p.name, p.containerPort]),
      );
      expect([...portByName.values()].sort()).toEqual([facts.opsPort, ...facts.otherPorts].sort());
      const opsPortName = [...portByName].find(([, port]) => port === facts.opsPort)![0];
      expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: opsPortName });
      expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: opsPortName });
      expect(c.startupProbe.httpGet).toEqual({ path: '/healthz', port: opsPortName });

      expect(c.resources.requests.cpu).toBeDefined();
      expect(c.resources.requests.memory).toBeDefined();
      expect(c.resources.limits.memory).toBeDefined();
      // The services' own shutdown limit is 25 s; the kubelet must wait longer before SIGKILL.
      expect(spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30);

      expect(spec.securityContext.runAsNonRoot).toBe(true);
      expect(spec.securityContext.runAsUser).toBeGreaterThan(0);
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });

      const annotations = d.spec.template.metadata.annotations;
      expect(annotations['prometheus.io/scrape']).toBe('true');
      expect(annotations['prometheus.io/port']).toBe(String(facts.opsPort));
      expect(annotations['prometheus.io/path']).toBe('/metrics');
      // prometheus.k8s.yml keeps pods of part-of=hark and names the job after app.kubernetes.io/name.
      expect(d.spec.template.metadata.labels).toMatchObject({
        'app.kubernetes.io/name': name,
        'app.kubernetes.io/part-of': 'hark',
      });

      const image: string = c.image;
      expect(image, 'images carry an explicit tag').toMatch(/:[\w.-]+$|@sha256:/);
      expect(image).not.toMatch(/:latest$/);
      if (overlay === 'prod') expect(image).toBe(`registry.example.com/hark/${name}:0.1.0`);
    },
  );

  it('every ConfigMap and Secret a container reads exists, with the keys it reads', () => {
    const list = objects(overlay);
    const have = (kind: string, name: string, key?: string): boolean => {
      const o: any = list.find((x) => x.kind === kind && x.metadata.name === name);
      if (!o) {
        const external = kind === 'Secret' ? EXTERNAL_SECRETS[overlay][name] : undefined;
        return external !== undefined && (key === undefined || external.includes(key));
      }
      if (key === undefined) return true;
      return key in (o.data ?? {}) || key in (o.stringData ?? {});
    };
    const missing: string[] = [];
    for (const d of list.filter((o) => o.kind === 'Deployment')) {
      const spec = podSpec(d);
      for (const c of spec.containers) {
        for (const e of c.envFrom ?? []) {
          if (e.configMapRef && !have('ConfigMap', e.configMapRef.name))
            missing.push(`${objectId(d)}: ConfigMap ${e.configMapRef.name}`);
          if (e.secretRef && !have('Secret', e.secretRef.name))
            missing.push(`${objectId(d)}: Secret ${e.secretRef.name}`);
        }
        for (const e of c.env ?? []) {
          const cm = e.valueFrom?.configMapKeyRef;
          const sec = e.valueFrom?.secretKeyRef;
          if (cm && !have('ConfigMap', cm.name, cm.key))
            missing.push(`${objectId(d)}: ${e.name} from ConfigMap ${cm.name}/${cm.key}`);
          // An optional reference may be absent: Kubernetes then leaves the variable unset.
          if (sec && !sec.optional && !have('Secret', sec.name, sec.key))
            missing.push(`${objectId(d)}: ${e.name} from Secret ${sec.name}/${sec.key}`);
        }
      }
      for (const v of spec.volumes ?? []) {
        if (v.configMap && !have('ConfigMap', v.configMap.name))
          missing.push(`${objectId(d)}: volume ConfigMap ${v.configMap.name}`);
      }
    }
    expect(missing).toEqual([]);
    if (overlay === 'prod')
      expect(list.filter((o) => o.kind === 'Secret').map(objectId), 'no secret in git').toEqual([]);
  });

  it.each(SERVICES.map((s) => s.name))(
    '%s: the environment the pod starts with (image ENV, ConfigMap, env, Secret) passes the service config',
    (name) => {
      const list = objects(overlay);
      const c = podSpec(find(list, 'Deployment', name)).containers[0];
      const env: Record<string, string> = {
        ...readDockerfile(repoPath(SERVICE_DOCKERFILE), { SERVICE: name }).env,
      };
      const configMap = (n: string) => find(list, 'ConfigMap', n).data as Record<string, string>;
      const secret = (n: string, key: string): string | undefined => {
        const o: any = list.find((x) => x.kind === 'Secret' && x.metadata.name === n);
        if (!o) return PLACEHOLDERS[key];
        if (o.stringData?.[key] !== undefined) return o.stringData[key];
        return o.data?.[key] === undefined
          ? undefined
          : Buffer.from(o.data[key], 'base64').toString();
      };
      for (const e of c.envFrom ?? [])
        if (e.configMapRef) Object.assign(env, configMap(e.configMapRef.name));
      for (const e of c.env ?? []) {
        if (e.value !== undefined) env[e.name] = e.value;
        else if (e.valueFrom?.configMapKeyRef)
          env[e.name] = configMap(e.valueFrom.configMapKeyRef.name)[
            e.valueFrom.configMapKeyRef.key
          ]!;
        else if (e.valueFrom?.secretKeyRef) {
          const value = secret(e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key);
          // A missing key is reported by the test above, unless the reference is optional.
          if (value !== undefined) env[e.name] = value;
        }
      }
      expect(() => parseServiceEnv(name, env)).not.toThrow();
      // A V8 heap larger than the container's memory gets the pod OOM-killed instead of collected.
      const heap = /--max-old-space-size=(\d+)/.exec(env.NODE_OPTIONS ?? '');
      if (heap)
        expect(Number(heap[1]) * 2 ** 20, `${name} heap vs memory limit`).toBeLessThanOrEqual(
          0.8 * bytes(c.resources.limits.memory),
        );
    },
  );

  it('the schema registry is reachable only by hark pods and Prometheus, and requires basic auth', () => {
    const list = objects(overlay);
    const policy: any = find(list, 'NetworkPolicy', 'schema-registry');
    expect(policy.spec.podSelector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'schema-registry',
    });
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(policy.spec.ingress).toHaveLength(1);
    const [rule] = policy.spec.ingress;
    expect(rule.ports).toEqual([{ protocol: 'TCP', port: 8081 }]);
    expect(rule.from).toEqual([
      { podSelector: { matchLabels: { 'app.kubernetes.io/part-of': 'hark' } } },
      {
        namespaceSelector: {},
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
      },
    ]);
    const registry = podSpec(find(list, 'Deployment', 'schema-registry')).containers[0];
    const fromSecret = (c: any, name: string) =>
      c.env.find((e: any) => e.name === name)?.valueFrom?.secretKeyRef;
    for (const name of ['SCHEMA_REGISTRY_READERS', 'SCHEMA_REGISTRY_WRITERS'])
      expect(fromSecret(registry, name), name).toMatchObject({ name: 'hark-secrets', key: name });
    // Every service reads the registry URL, which carries its read-only identity, from the Secret.
    for (const s of SERVICES.filter((x) => x.name !== 'schema-registry')) {
      const c = podSpec(find(list, 'Deployment', s.name)).containers[0];
      expect(fromSecret(c, 'SCHEMA_REGISTRY_URL'), s.name).toMatchObject({
        name: 'hark-secrets',
        key: 'SCHEMA_REGISTRY_URL',
      });
    }
  });

  it('the brands ConfigMap is a valid brands file', () => {
    const cm = find(objects(overlay), 'ConfigMap', 'hark-brands');
    const config = parseBrandsConfig(parse(cm.data['brands.yaml']));
    expect(config.brands.length).toBeGreaterThan(0);
  });

  it('every Service and PodDisruptionBudget selects the pods of exactly one Deployment, on ports they have', () => {
    const list = objects(overlay);
    const deployments = list.filter((o) => o.kind === 'Deployment') as any[];
    for (const o of list.filter((x) => x.kind === 'Service' || x.kind === 'PodDisruptionBudget')) {
      const s: any = o;
      const selector = o.kind === 'Service' ? s.spec.selector : s.spec.selector.matchLabels;
      const selected = deployments.filter((d) =>
        matches(selector, d.spec.template.metadata.labels),
      );
      expect(selected.map(objectId), objectId(o)).toHaveLength(1);
      if (o.kind === 'Service') {
        const names = new Set(podSpec(selected[0]).containers[0].ports.map((p: any) => p.name));
        for (const p of s.spec.ports)
          expect(names.has(p.targetPort), `${objectId(o)} ${p.name}`).toBe(true);
      }
    }
    for (const d of deployments)
      expect(matches(d.spec.selector.matchLabels, d.spec.template.metadata.labels)).toBe(true);
  });

  it('each consumer service has a KEDA ScaledObject on its own groups and topics, capped at the partition count', () => {
    const list = objects(overlay);
    const scaled = list.filter((o) => o.kind === 'ScaledObject') as any[];
    const consumers = SERVICES.filter((s) => s.consumers.length > 0);
    expect(scaled.map((s) => s.spec.scaleTargetRef.name).sort()).toEqual(
      consumers.map((s) => s.name).sort(),
    );
    const brokers = find(list, 'ConfigMap', 'hark-config').data.KAFKA_BROKERS;
    for (const s of consumers) {
      const so = scaled.find((x) => x.spec.scaleTargetRef.name === s.name);
      const d = find(list, 'Deployment', s.name);
      // KEDA owns the replica count; a `replicas` in the Deployment would fight it on every apply.
      expect(d.spec.replicas, `${s.name} replicas`).toBeUndefined();
      const triggers = so.spec.triggers.map((t: any) => ({
        type: t.type,
        group: t.metadata.consumerGroup,
        topic: t.metadata.topic,
      }));
      expect(triggers).toEqual(
        s.consumers.map((c) => ({ type: 'kafka', group: c.group, topic: c.topic })),
      );
      expect(so.spec.maxReplicaCount, s.name).toBe(
        Math.max(...s.consumers.map((c) => c.partitions)),
      );
      expect(so.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
      for (const t of so.spec.triggers) {
        expect(t.metadata.bootstrapServers, `${s.name}: KEDA reads the services' Kafka`).toBe(
          brokers,
        );
        expect(t.metadata.lagThreshold).toMatch(/^[1-9]\d*$/);
        expect(t.metadata.allowIdleConsumers).toBe('false');
      }
    }
  });

  it('the collector scales on CPU between sensible bounds', () => {
    const hpa = find(objects(overlay), 'HorizontalPodAutoscaler', 'collector');
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'collector',
    });
    expect(hpa.spec.minReplicas).toBeLessThanOrEqual(hpa.spec.maxReplicas);
    expect(find(objects(overlay), 'Deployment', 'collector').spec.replicas).toBeUndefined();
  });
});

describe('overlays differ where they should', () => {
  it('prod runs more and bigger replicas than local', () => {
    const local = objects('local');
    const prod = objects('prod');
    expect(find(prod, 'Deployment', 'schema-registry').spec.replicas).toBeGreaterThan(
      find(local, 'Deployment', 'schema-registry').spec.replicas,
    );
    for (const s of SERVICES.filter((x) => x.consumers.length > 0)) {
      expect(find(prod, 'ScaledObject', s.name).spec.minReplicaCount).toBeGreaterThan(
        find(local, 'ScaledObject', s.name).spec.minReplicaCount,
      );
    }
    const memory = (list: K8sObject[], name: string) =>
      bytes(podSpec(find(list, 'Deployment', name)).containers[0].resources.requests.memory);
    for (const s of SERVICES)
      expect(memory(prod, s.name), s.name).toBeGreaterThan(memory(local, s.name));
  });

  it('the local secret says it is for development only', () => {
    const text = readFileSync(repoPath('deploy/k8s/overlays/local/secret.yaml'), 'utf8');
    expect(text).toMatch(/dev-only/i);
  });
});

function bytes(quantity: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti)?$/.exec(quantity);
  if (!m) throw new Error(`unsupported quantity ${quantity}`);
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 }[m[2] ?? ''] ?? 1;
  return Number(m[1]) * unit;
}
