import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

/**
 * A minimal kustomize for deploy/k8s, so CI needs no kustomize binary. It
 * supports exactly what those files use and fails on anything else, so a
 * kustomization can never silently mean more than this renders:
 * `resources` (files and folders), `namespace`, `labels` (metadata only),
 * `images`, `replicas` and `patches` (strategic merge from a file or inline,
 * or JSON 6902 with a target). Where kubectl is installed, the test compares
 * the output with `kubectl kustomize`.
 */

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonObject = { [k: string]: Json };

const SUPPORTED = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'resources',
  'labels',
  'images',
  'replicas',
  'patches',
]);

/** Kinds without a namespace (the ones deploy/k8s could use). */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PriorityClass',
  'StorageClass',
]);

/** Strategic-merge keys of the lists in a pod template (from the Kubernetes API). */
const MERGE_KEYS: Record<string, string> = {
  containers: 'name',
  initContainers: 'name',
  env: 'name',
  volumes: 'name',
  volumeMounts: 'mountPath',
  ports: 'containerPort',
  imagePullSecrets: 'name',
  tolerations: 'key',
  topologySpreadConstraints: 'topologyKey',
};
/** Kinds whose lists merge by the keys above; custom resources' lists replace. */
const BUILTIN_GROUPS = /^(v1|apps\/v1|batch\/v1|policy\/v1|autoscaling\/v2)$/;

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  labels?: {
    pairs: Record<string, string>;
    includeSelectors?: boolean;
    includeTemplates?: boolean;
  }[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  replicas?: { name: string; count: number }[];
  patches?: { path?: string; patch?: string; target?: { kind?: string; name?: string } }[];
}

/** Renders the kustomization in `dir` (a folder with kustomization.yaml). */
export function renderKustomization(dir: string): K8sObject[] {
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new Error(`${dir}: no kustomization.yaml`);
  const k = parse(readFileSync(file, 'utf8')) as Kustomization;
  const unknown = Object.keys(k).filter((key) => !SUPPORTED.has(key));
  if (unknown.length > 0)
    throw new Error(`${file}: fields this renderer does not support: ${unknown.join(', ')}`);
  if (k.kind !== 'Kustomization') throw new Error(`${file}: kind must be Kustomization`);

  let objects: K8sObject[] = [];
  for (const r of k.resources ?? []) {
    const path = resolve(dir, r);
    if (!existsSync(path)) throw new Error(`${file}: resource ${r} does not exist`);
    objects.push(...(statSync(path).isDirectory() ? renderKustomization(path) : readObjects(path)));
  }
  const ids = new Set<string>();
  for (const o of objects) {
    const id = objectId(o);
    if (ids.has(id)) throw new Error(`${file}: ${id} is defined twice`);
    ids.add(id);
  }

  for (const p of k.patches ?? []) objects = applyPatch(objects, p, dir);
  for (const r of k.replicas ?? []) {
    const targets = objects.filter(
      (o) => o.metadata.name === r.name && ['Deployment', 'StatefulSet'].includes(o.kind),
    );
    if (targets.length === 0) throw new Error(`${file}: replicas: no workload ${r.name}`);
    for (const t of targets) (t.spec as JsonObject).replicas = r.count;
  }
  for (const image of k.images ?? []) {
    let used = false;
    for (const o of objects) used = setImage(o, image) || used;
    if (!used) throw new Error(`${file}: images: no container uses ${image.name}`);
  }
  for (const l of k.labels ?? []) {
    if (l.includeSelectors || l.includeTemplates)
      throw new Error(`${file}: labels with includeSelectors/includeTemplates are not supported`);
    for (const o of objects) o.metadata.labels = { ...o.metadata.labels, ...l.pairs };
  }
  if (k.namespace) {
    for (const o of objects) {
      if (o.kind === 'Namespace') continue;
      if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
    }
  }
  return objects;
}

export function objectId(o: K8sObject): string {
  return `${o.kind}/${o.metadata.name}`;
}

function readObjects(path: string): K8sObject[] {
  const docs = parseAllDocuments(readFileSync(path, 'utf8'));
  const out: K8sObject[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as K8sObject | null;
    if (value === null) continue;
    if (!value.apiVersion || !value.kind || !value.metadata?.name)
      throw new Error(`${path}: every object needs apiVersion, kind and metadata.name`);
    out.push(value);
  }
  return out;
}

function applyPatch(
  objects: K8sObject[],
  p: NonNullable<Kustomization['patches']>[number],
  dir: string,
): K8sObject[] {
  const text = p.path ? readFileSync(join(dir, p.path), 'utf8') : p.patch;
  const where = p.path ? join(dir, p.path) : `${dir}: inline patch`;
  if (text === undefined) throw new Error(`${where}: a patch needs path or patch`);
  const docs = parseAllDocuments(text).map((d) => d.toJS() as Json);
  if (docs.length === 1 && Array.isArray(docs[0])) {
    // JSON 6902: a list of operations, applied to every object the target selects.
    if (!p.target) throw new Error(`${where}: a JSON 6902 patch needs a target`);
    const targets = objects.filter(
      (o) =>
        (!p.target!.kind || o.kind === p.target!.kind) &&
        (!p.target!.name || o.metadata.name === p.target!.name),
    );
    if (targets.length === 0) throw new Error(`${where}: the target selects nothing`);
    for (const t of targets) applyJson6902(t as unknown as JsonObject, docs[0] as Json[], where);
    return objects;
  }
  // Strategic merge: each document names the object it patches.
  for (const doc of docs) {
    const patch = doc as unknown as K8sObject;
    if (!patch?.kind || !patch.metadata?.name)
      throw new Error(`${where}: a strategic merge patch needs kind and metadata.name`);
    const target = objects.find(
      (o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name,
    );
    if (!target) throw new Error(`${where}: no ${objectId(patch)} to patch`);
    const keys = BUILTIN_GROUPS.test(target.apiVersion) ? MERGE_KEYS : {};
    const merged = strategicMerge(target as unknown as Json, patch as unknown as Json, keys);
    objects = objects.map((o) => (o === target ? (merged as unknown as K8sObject) : o));
  }
  return objects;
}

function strategicMerge(base: Json, patch: Json, keys: Record<string, string>, field = ''): Json {
  if (Array.isArray(patch)) {
    const key = keys[field];
    if (!key || !Array.isArray(base)) return structuredClone(patch);
    // As kustomize orders a merged list: the patch's items (merged into their
    // base item, if any) in patch order, then the untouched base items.
    const rest = structuredClone(base) as JsonObject[];
    const out: JsonObject[] = [];
    for (const item of patch as JsonObject[]) {
      const i = rest.findIndex((b) => b[key] === item[key]);
      if (i >= 0) out.push(strategicMerge(rest.splice(i, 1)[0]!, item, keys) as JsonObject);
      else out.push(structuredClone(item));
    }
    return [...out, ...rest];
  }
  if (patch === null || typeof patch !== 'object') return patch;
  if (base === null || typeof base !== 'object' || Array.isArray(base))
    return structuredClone(patch);
  const out: JsonObject = { ...(base as JsonObject) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = k in out ? strategicMerge(out[k]!, v, keys, k) : structuredClone(v);
  }
  return out;
}

function applyJson6902(doc: JsonObject, ops: Json[], where: string): void {
  for (const raw of ops) {
    const op = raw as { op: string; path: string; value?: Json };
    const parts = op.path
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = parts.pop();
    if (last === undefined) throw new Error(`${where}: cannot ${op.op} the whole document`);
    let parent: Json = doc;
    for (const part of parts) {
      const next: Json | undefined = Array.isArray(parent)
        ? parent[Number(part)]
        : (parent as JsonObject)[part];
      if (next === undefined || next === null || typeof next !== 'object')
        throw new Error(`${where}: ${op.path} does not exist in the target`);
      parent = next;
    }
    const container = parent as JsonObject | Json[];
    if (op.op === 'replace' || op.op === 'remove') {
      const exists = Array.isArray(container)
        ? Number(last) < container.length
        : Object.hasOwn(container, last);
      if (!exists) throw new Error(`${where}: ${op.op} ${op.path}: no such field`);
    }
    if (op.op === 'remove') {
      if (Array.isArray(container)) container.splice(Number(last), 1);
      else delete container[last];
    } else if (op.op === 'replace' || op.op === 'add') {
      if (op.value === undefined) throw new Error(`${where}: ${op.op} ${op.path} needs a value`);
      if (Array.isArray(container)) {
        const i = last === '-' ? container.length : Number(last);
        if (op.op === 'add') container.splice(i, 0, structuredClone(op.value));
        else container[i] = structuredClone(op.value);
      } else container[last] = structuredClone(op.value);
    } else throw new Error(`${where}: JSON 6902 op ${op.op} is not supported`);
  }
}

function setImage(o: K8sObject, image: NonNullable<Kustomization['images']>[number]): boolean {
  const podSpec = (o.spec as JsonObject | undefined)?.template as JsonObject | undefined;
  const containers = [
    ...(((podSpec?.spec as JsonObject | undefined)?.containers as JsonObject[] | undefined) ?? []),
    ...(((podSpec?.spec as JsonObject | undefined)?.initContainers as JsonObject[] | undefined) ??
      []),
  ];
  let used = false;
  for (const c of containers) {
    const ref = String(c.image);
    const name = ref.replace(/@.*$/, '').replace(/:[^/:]+$/, '');
    if (name !== image.name) continue;
    const tag = image.digest ? `@${image.digest}` : image.newTag ? `:${image.newTag}` : '';
    const kept = tag ? '' : ref.slice(name.length);
    c.image = `${image.newName ?? name}${tag || kept}`;
    used = true;
  }
  return used;
}
