import type avro from 'avsc';
import type { CompatibilityLevel } from './compatibility-level.ts';

/** A registered version of a subject, with its parsed type. */
export interface SchemaVersion {
  readonly version: number;
  readonly type: avro.Type;
}

export interface CompatibilityResult {
  readonly compatible: boolean;
  /** One line per failed check, then the level; empty when compatible. */
  readonly messages: string[];
}

/**
 * Why data written with `writer` cannot be read with `reader` under Avro
 * schema resolution, or undefined when it can.
 *
 * This is avsc's own resolver, on purpose: hark's decoders resolve writer
 * into reader with exactly this call (libs/kafka), so "compatible" here
 * means "our consumers can decode it". Measured against the Avro spec it
 * agrees on every rule the unit tests pin (missing reader defaults,
 * promotions, enum symbols and defaults, unions, fixed sizes, nested and
 * recursive records, aliases) with one deliberate difference: it compares
 * full names, so moving a record to another namespace without an alias is
 * incompatible, where the spec and Confluent compare unqualified names.
 * Accepting it would let a producer register a schema our own consumers
 * then fail to resolve.
 */
export function findReadProblem(reader: avro.Type, writer: avro.Type): string | undefined {
  try {
    reader.createResolver(writer);
    return undefined;
  } catch (err) {
    // Some structural mismatches (a record read from a map, say) make avsc
    // fail with a TypeError from deep inside; say what was attempted instead.
    if (err instanceof TypeError) return `cannot read ${label(writer)} as ${label(reader)}`;
    return (err as Error).message;
  }
}

/**
 * Checks `candidate` against the previous live versions of a subject (any
 * order) under `level`: BACKWARD = the candidate reads data written with
 * the old schema, FORWARD = the old schema reads data written with the
 * candidate, FULL = both; plain levels check the latest version only,
 * *_TRANSITIVE ones every version; NONE checks nothing.
 */
export function checkCompatibility(input: {
  level: CompatibilityLevel;
  candidate: avro.Type;
  previous: readonly SchemaVersion[];
}): CompatibilityResult {
  const { level, candidate } = input;
  if (level === 'NONE' || input.previous.length === 0) return { compatible: true, messages: [] };
  const previous = [...input.previous].sort((a, b) => a.version - b.version);
  const against = level.endsWith('_TRANSITIVE') ? previous : previous.slice(-1);
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const messages: string[] = [];
  for (const old of against) {
    if (backward) {
      const problem = findReadProblem(candidate, old.type);
      if (problem) {
        messages.push(
          `the new schema cannot read data written with version ${old.version}: ${problem}`,
        );
      }
    }
    if (forward) {
      const problem = findReadProblem(old.type, candidate);
      if (problem) {
        messages.push(
          `version ${old.version} cannot read data written with the new schema: ${problem}`,
        );
      }
    }
  }
  if (messages.length > 0) messages.push(`{compatibility: '${level}'}`);
  return { compatible: messages.length === 0, messages };
}

function label(type: avro.Type): string {
  return type.name ?? type.typeName;
}
