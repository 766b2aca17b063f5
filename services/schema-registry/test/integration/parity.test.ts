/**
 * Registry parity with what users of a Confluent registry expect (issue 15):
 * `GET /` as liveness, `GET /schemas/ids/{id}/subjects`, and the filters of
 * `GET /subjects` (`subjectPrefix`, `deletedOnly`, `offset`, `limit`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, recordSchema, startRegistry, type RunningRegistry } from './start-registry.ts';

let registry: RunningRegistry;
const api = (method: string, path: string, body?: unknown) =>
  call(registry.url, method, path, body);
const shared = recordSchema([{ name: 'id', type: 'string' }], 'Shared');
const other = recordSchema([{ name: 'n', type: 'int' }], 'Other');
let sharedId: number;

beforeAll(async () => {
  registry = await startRegistry();
  for (const s of ['alpha-value', 'alpha-key', 'beta-value']) {
    const r = await api('POST', `/subjects/${s}/versions`, { schema: shared });
    sharedId = r.body.id;
  }
  await api('POST', '/subjects/gone-value/versions', { schema: other });
  await api('DELETE', '/subjects/gone-value');
});
afterAll(async () => registry?.close());

describe('registry parity', () => {
  it('GET / answers {} (liveness, as Confluent does)', async () => {
    const r = await api('GET', '/');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({});
  });

  it('GET /schemas/ids/{id}/subjects lists the subjects using a schema; 40403 for an unknown id', async () => {
    expect((await api('GET', `/schemas/ids/${sharedId}/subjects`)).body).toEqual([
      'alpha-key',
      'alpha-value',
      'beta-value',
    ]);
    const goneId = (await api('POST', '/subjects/gone-value?deleted=true', { schema: other })).body
      .id;
    expect((await api('GET', `/schemas/ids/${goneId}/subjects`)).body).toEqual([]);
    expect((await api('GET', `/schemas/ids/${goneId}/subjects?deleted=true`)).body).toEqual([
      'gone-value',
    ]);
    const unknown = await api('GET', '/schemas/ids/999999/subjects');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error_code).toBe(40403);
  });

  it('GET /subjects filters by subjectPrefix, deleted and deletedOnly, and pages with offset and limit', async () => {
    const get = async (q: string) => (await api('GET', `/subjects${q}`)).body;
    expect(await get('')).toEqual(['alpha-key', 'alpha-value', 'beta-value']);
    expect(await get('?subjectPrefix=alpha')).toEqual(['alpha-key', 'alpha-value']);
    expect(await get('?subjectPrefix=:*:')).toEqual(['alpha-key', 'alpha-value', 'beta-value']);
    expect(await get('?deleted=true')).toEqual([
      'alpha-key',
      'alpha-value',
      'beta-value',
      'gone-value',
    ]);
    expect(await get('?deletedOnly=true')).toEqual(['gone-value']);
    expect(await get('?offset=1&limit=1')).toEqual(['alpha-value']);
    expect(await get('?offset=2')).toEqual(['beta-value']);
    expect(await get('?limit=-1')).toEqual(['alpha-key', 'alpha-value', 'beta-value']);
    for (const q of ['?offset=-1', '?limit=x', '?offset=1.5']) {
      const r = await api('GET', `/subjects${q}`);
      expect(r.status, q).toBe(400);
    }
  });
});
