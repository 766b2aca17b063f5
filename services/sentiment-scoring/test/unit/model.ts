import { loadScoringModel } from '../../src/adapters/load-model.ts';
import type { ScoringModel } from '../../src/domain/model.ts';

let shared: Promise<ScoringModel> | undefined;

/** The bundled model with every language, loaded once per test file. */
export function testModel(): Promise<ScoringModel> {
  shared ??= loadScoringModel({});
  return shared;
}
