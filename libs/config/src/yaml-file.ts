import { readFileSync } from 'node:fs';
import { HarkError } from '@hark/errors';
import { parse } from 'yaml';

/**
 * Reads and parses a YAML config file. An unreadable or malformed file throws
 * `HARK_CONFIG_INVALID` naming `what`, the path and the parser's message.
 */
export function readYamlFile(path: string, what: string): unknown {
  try {
    return parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const message = (err as Error).message;
    throw new HarkError('HARK_CONFIG_INVALID', `cannot read ${what} ${path}: ${message}`, {
      cause: err,
      context: { source: path, problems: [`${path}: ${message}`] },
    });
  }
}
