import { readFileSync } from 'node:fs';

/** The one Dockerfile of every service image; the service is its SERVICE build argument. */
export const SERVICE_DOCKERFILE = 'deploy/Dockerfile';

export interface DockerfileFacts {
  /** ENV of the final stage, as the container starts with it (build arguments substituted). */
  env: Record<string, string>;
  healthcheck: boolean;
  user?: string;
  exposed: number[];
  /** Sources of the final stage's COPY instructions from the build context (not `--from`). */
  copiedFromContext: string[];
  /** Sources of the final stage's `COPY --from=<stage>` instructions. */
  copiedFromStage: string[];
  /** Every RUN of the file, each joined into one line. */
  runs: string[];
}

/** Reads the instructions of a Dockerfile's final stage that a deployment depends on. */
export function readDockerfile(
  path: string,
  buildArgs: Record<string, string> = {},
): DockerfileFacts {
  const logical = readFileSync(path, 'utf8')
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const substitute = (s: string) =>
    s.replace(/\$\{(\w+)\}|\$(\w+)/g, (m, a?: string, b?: string) => buildArgs[(a ?? b)!] ?? m);
  const lastFrom = logical.map((l) => /^FROM\s/i.test(l)).lastIndexOf(true);
  const facts: DockerfileFacts = {
    env: {},
    healthcheck: false,
    exposed: [],
    copiedFromContext: [],
    copiedFromStage: [],
    runs: logical.filter((l) => /^RUN\s/i.test(l)).map((l) => l.slice(4).trim()),
  };
  for (const line of logical.slice(lastFrom + 1)) {
    const [instruction, ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    switch (instruction!.toUpperCase()) {
      case 'ENV':
        for (const m of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g))
          facts.env[m[1]!] = substitute(m[2]!.replace(/^"|"$/g, ''));
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
      case 'COPY': {
        const words = rest.map(substitute);
        const fromStage = words.some((w) => w.startsWith('--from='));
        const paths = words.filter((w) => !w.startsWith('--'));
        const sources = paths.slice(0, -1);
        (fromStage ? facts.copiedFromStage : facts.copiedFromContext).push(...sources);
        break;
      }
    }
  }
  return facts;
}
