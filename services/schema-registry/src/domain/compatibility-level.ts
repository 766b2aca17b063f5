import { registryError } from './registry-errors.ts';

export const COMPATIBILITY_LEVELS = [
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
  'NONE',
] as const;

export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

export const DEFAULT_COMPATIBILITY: CompatibilityLevel = 'BACKWARD';

export function isCompatibilityLevel(value: unknown): value is CompatibilityLevel {
  return (COMPATIBILITY_LEVELS as readonly unknown[]).includes(value);
}

/**
 * Reads `{"compatibility": "..."}` as Confluent's PUT /config takes it.
 * Levels are matched case-insensitively (Confluent does too) and returned
 * upper-case; anything else is 42203.
 */
export function parseCompatibilityRequest(body: unknown): CompatibilityLevel {
  const raw =
    body !== null && typeof body === 'object'
      ? (body as Record<string, unknown>).compatibility
      : undefined;
  const level = typeof raw === 'string' ? raw.trim().toUpperCase() : raw;
  if (!isCompatibilityLevel(level)) {
    throw registryError(
      42203,
      `Invalid compatibility level ${JSON.stringify(raw ?? null)}. Valid values are ${COMPATIBILITY_LEVELS.join(', ')}`,
    );
  }
  return level;
}
