import { readFileSync } from 'node:fs';

export interface DockerfileFacts {
  /** ENV of the final stage, as the container starts with it. */
  env: Record<string, string>;
  healthcheck: boolean;
  user?: string;
  exposed: number[];
}

/** Reads the instructions of a Dockerfile's final stage that a deployment depends on. */
export function readDockerfile(path: string): DockerfileFacts {
  const logical = readFileSync(path, 'utf8')
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const lastFrom = logical.map((l) => /^FROM\s/i.test(l)).lastIndexOf(true);
  const facts: DockerfileFacts = { env: {}, healthcheck: false, exposed: [] };
  for (const line of logical.slice(lastFrom + 1)) {
    const [instruction, ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    switch (instruction!.toUpperCase()) {
      case 'ENV':
        for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g))
          facts.env[m[1]!] = m[2]!.replace(/^"|"$/g, '');
        break;
      case 'HEALTHCHECK':
        facts.healthcheck = !/^NONE\b/i.test(args);
        break;
      case 'USER':
        facts.user = args;
        break;
      case 'EXPOSE':
        facts.exposed.push(...args.split(/\s+/).map((p) => Number.parseInt(p, 10)));
        break;
    }
  }
  return facts;
}
