import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { isDeepStrictEqual } from 'node:util';
import { renderKustomization, objectId } from './support/kustomize.ts';
import { repoPath } from './support/repo.ts';
for (const o of ['deploy/k8s/base', 'deploy/k8s/overlays/local', 'deploy/k8s/overlays/prod']) {
  const mine = renderKustomization(repoPath(o));
  const theirs = parseAllDocuments(execFileSync('kubectl', ['kustomize', repoPath(o)], { encoding: 'utf8' })).map((d) => d.toJS());
  const byId = new Map(theirs.map((t: any) => [objectId(t), t]));
  console.log(o, mine.length, theirs.length);
  for (const m of mine) {
    const t = byId.get(objectId(m));
    if (!t) { console.log('missing in kubectl', objectId(m)); continue; }
    if (!isDeepStrictEqual(m, t)) { console.log('DIFF', objectId(m)); console.log(JSON.stringify(m).slice(0, 300)); console.log(JSON.stringify(t).slice(0, 300)); }
  }
}
