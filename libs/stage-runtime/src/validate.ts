import type { Input, Outputs } from './declaration.ts';

/**
 * What is wrong with a service's wiring, one line each: duplicate input
 * names or consumer groups (two inputs in one group would share partitions
 * of each other's topics), empty topics, batch sizes out of range.
 */
export function declarationProblems(
  service: string,
  outputNames: readonly string[],
  wiring: {
    inputs: readonly Pick<Input<Outputs<never>>, 'name' | 'group' | 'topic' | 'batchSize'>[];
    components?: readonly { name: string }[];
  },
  defaults: { groupId: string },
): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  const groups = new Set<string>();
  if (wiring.inputs.length === 0) problems.push(`${service} declares no input`);
  for (const input of wiring.inputs) {
    const group = input.group ?? defaults.groupId;
    if (names.has(input.name)) problems.push(`${service}: two inputs are named ${input.name}`);
    if (groups.has(group)) problems.push(`${service}: two inputs consume as group ${group}`);
    if (!input.topic) problems.push(`${service}: input ${input.name} has no topic`);
    if (input.batchSize !== undefined && !(input.batchSize >= 1))
      problems.push(`${service}: input ${input.name} batch size must be at least 1`);
    names.add(input.name);
    groups.add(group);
  }
  const components = new Set<string>();
  for (const c of wiring.components ?? []) {
    if (components.has(c.name)) problems.push(`${service}: two components are named ${c.name}`);
    components.add(c.name);
  }
  if (new Set(outputNames).size !== outputNames.length)
    problems.push(`${service}: output names repeat`);
  return problems;
}
