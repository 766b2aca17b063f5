import ts from 'typescript';
import { objectId, type K8sObject } from './kustomize.ts';
import { ROOT } from './repo.ts';

/**
 * The schema of each kind deploy/k8s uses, from kubernetes-models (the
 * Kubernetes OpenAPI definitions as validators and TypeScript types) and
 * @kubernetes-models/keda (KEDA's CRDs).
 */
const MODELS: Record<string, { module: string; type: string }> = {
  'v1/Namespace': { module: 'kubernetes-models/v1/Namespace', type: 'INamespace' },
  'v1/ConfigMap': { module: 'kubernetes-models/v1/ConfigMap', type: 'IConfigMap' },
  'v1/Secret': { module: 'kubernetes-models/v1/Secret', type: 'ISecret' },
  'v1/Service': { module: 'kubernetes-models/v1/Service', type: 'IService' },
  'apps/v1/Deployment': { module: 'kubernetes-models/apps/v1/Deployment', type: 'IDeployment' },
  'policy/v1/PodDisruptionBudget': {
    module: 'kubernetes-models/policy/v1/PodDisruptionBudget',
    type: 'IPodDisruptionBudget',
  },
  'networking.k8s.io/v1/NetworkPolicy': {
    module: 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy',
    type: 'INetworkPolicy',
  },
  'autoscaling/v2/HorizontalPodAutoscaler': {
    module: 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
    type: 'IHorizontalPodAutoscaler',
  },
  'keda.sh/v1alpha1/ScaledObject': {
    module: '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject',
    type: 'IScaledObject',
  },
};

function modelOf(o: K8sObject): { module: string; type: string } {
  const model = MODELS[`${o.apiVersion}/${o.kind}`];
  if (!model) throw new Error(`${objectId(o)}: no schema for ${o.apiVersion} ${o.kind}`);
  return model;
}

/**
 * Validates each object with the generated JSON-schema validators: types,
 * required fields, enums and formats. Returns one line per problem.
 */
export async function validateAgainstSchemas(objects: K8sObject[]): Promise<string[]> {
  const problems: string[] = [];
  for (const o of objects) {
    const model = modelOf(o);
    const mod = (await import(model.module)) as Record<
      string,
      new (data: unknown) => { validate(): void }
    >;
    const Model = mod[o.kind];
    if (!Model) throw new Error(`${model.module} exports no ${o.kind}`);
    try {
      new Model(o).validate();
    } catch (err) {
      problems.push(`${objectId(o)}: ${(err as Error).message}`);
    }
  }
  return problems;
}

/**
 * The JSON-schema validators accept fields they do not know (as the
 * Kubernetes OpenAPI schemas do without "strict" decoding), so a misspelled
 * `readinessProbe` would pass. This type-checks every object as an object
 * literal of its TypeScript interface instead, where an unknown property is
 * an error at any depth. The file is virtual: nothing is written.
 */
export function findUnknownFields(objects: K8sObject[]): string[] {
  const file = `${ROOT}test/ops/__k8s_manifests_check__.ts`;
  const imports = new Map<string, string>();
  const lines: string[] = [];
  objects.forEach((o, i) => {
    const model = modelOf(o);
    imports.set(model.type, model.module);
    lines.push(`// ${objectId(o)}`);
    lines.push(`export const o${i}: ${model.type} = ${JSON.stringify(o, null, 1)};`);
  });
  const source = [
    ...[...imports].map(([type, module]) => `import type { ${type} } from '${module}';`),
    ...lines,
  ].join('\n');

  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
    lib: ['lib.es5.d.ts'],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion, ...rest) =>
    name === file
      ? ts.createSourceFile(name, source, languageVersion)
      : getSourceFile(name, languageVersion, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (name === file ? source : readFile(name));

  const program = ts.createProgram([file], options, host);
  const diagnostics = [
    ...program.getSyntacticDiagnostics(),
    ...program.getSemanticDiagnostics(),
  ].filter((d) => d.file?.fileName === file || !d.file);
  const sourceLines = source.split('\n');
  return diagnostics.map((d) => {
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return message;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    // The nearest `// Kind/name` line above names the object.
    let owner = '?';
    for (let l = line; l >= 0; l--) {
      const m = /^\/\/ (.+)$/.exec(sourceLines[l]!);
      if (m) {
        owner = m[1]!;
        break;
      }
    }
    return `${owner}: ${message}`;
  });
}
