import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseGazetteer, type Gazetteer } from '../domain/gazetteer.ts';

/** The committed UK and US place hierarchy (sources and licences in data/README.md). */
export const GAZETTEER_PATH = fileURLToPath(new URL('../../data/gazetteer.tsv', import.meta.url));

/** Reads the place hierarchy the location comparison uses; once, at start. */
export function loadGazetteer(path: string = GAZETTEER_PATH): Gazetteer {
  return parseGazetteer(readFileSync(path, 'utf8'));
}
