import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_INTENT_MODEL,
  loadIntentModel,
  loadScoringModel,
} from '../../src/adapters/load-model.ts';
import { INTENT_LABELS } from '../../src/domain/intent-rules.ts';

const dir = mkdtempSync(join(tmpdir(), 'hark-model-'));

describe('model loading', () => {
  it('loads the bundled, versioned intent model', async () => {
    const m = await loadIntentModel(DEFAULT_INTENT_MODEL);
    expect(m.name).toBe('hark-intent');
    expect(m.version).toBe(1);
    expect([...m.labels].sort()).toEqual([...INTENT_LABELS].sort());
    expect(m.weights.size).toBeGreaterThan(500);
    expect(m.temperature).toBeGreaterThanOrEqual(1);
  });

  it('when the model file is missing, it fails with HARK_MODEL_INVALID', async () => {
    await expect(loadIntentModel(join(dir, 'nope.json'))).rejects.toMatchObject({
      code: 'HARK_MODEL_INVALID',
    });
  });

  it('when the model file is not JSON, it fails with HARK_MODEL_INVALID', async () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, '{"format":');
    await expect(loadIntentModel(path)).rejects.toMatchObject({ code: 'HARK_MODEL_INVALID' });
  });

  it('when the model file has the wrong shape, the error names the problem', async () => {
    const path = join(dir, 'shape.json');
    writeFileSync(
      path,
      JSON.stringify({ format: 'hark-intent-logreg', name: 'x', version: 1, labels: [] }),
    );
    await expect(loadIntentModel(path)).rejects.toThrow(/labels must be exactly/);
  });

  it('loads only the languages asked for, and always English', async () => {
    const model = await loadScoringModel({ languages: ['es'] });
    expect([...model.languages.keys()].sort()).toEqual(['en', 'es']);
    expect(model.languages.get('en')!.model).toBe('hark-social-en@1');
    expect(model.intent.name).toBe('hark-intent@1');
  });
});
