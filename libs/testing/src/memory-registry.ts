import type { RegistryClient } from '@hark/kafka';

/**
 * A schema registry in memory, for unit tests and in-process benchmarks: each register gets
 * the next id (the same schema text keeps its id), as the real registry does per subject.
 */
export function memoryRegistry(): RegistryClient {
  const byId = new Map<number, string>();
  const ids = new Map<string, number>();
  return {
    url: 'memory:',
    async register(_subject, schema) {
      const text = JSON.stringify(schema);
      let id = ids.get(text);
      if (id === undefined) {
        id = ids.size + 1;
        ids.set(text, id);
        byId.set(id, text);
      }
      return id;
    },
    async getSchemaById(id) {
      const text = byId.get(id);
      if (text === undefined) throw new Error(`schema ${id} is not registered`);
      return text;
    },
  };
}
