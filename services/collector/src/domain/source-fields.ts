const ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

type Item = Record<string, unknown>;

/**
 * Reads the fields of the sources document, collecting every problem with
 * its path (`pollers[1].url: …`) instead of stopping at the first, like the
 * brands config. Each reader returns undefined (or its fallback) for a field
 * it refused, so parsing goes on and reports the rest.
 */
export class SourceFields {
  readonly problems: string[] = [];

  constructor(
    private readonly env: Record<string, string | undefined>,
    private readonly brandIds: ReadonlySet<string>,
  ) {}

  problem(message: string): void {
    this.problems.push(message);
  }

  /** The mappings under `key` of the root; a missing key is an empty list. */
  list(root: Item, key: string): Item[] {
    const v = root[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      this.problem(`${key}: must be a list`);
      return [];
    }
    return v.map((item, i) => {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        this.problem(`${key}[${i}]: must be a mapping`);
        return {};
      }
      return item as Item;
    });
  }

  text(o: Item, key: string, path: string, required: boolean): string | undefined {
    const v = o[key];
    if (v === undefined || v === null || v === '') {
      if (required) this.problem(`${path}.${key}: is required`);
      return undefined;
    }
    if (typeof v !== 'string') {
      this.problem(`${path}.${key}: must be a string`);
      return undefined;
    }
    return v.trim();
  }

  /** A required id, unique within `seen` (which it extends). */
  id(o: Item, key: string, path: string, seen: Set<string>): string | undefined {
    const id = this.text(o, key, path, true);
    if (id === undefined) return undefined;
    if (!ID.test(id)) this.problem(`${path}.${key}: must match ${ID.source}`);
    if (seen.has(id)) this.problem(`${path}.${key}: duplicate "${id}"`);
    seen.add(id);
    return id;
  }

  /** The `kind` field: undefined when missing (reported), null when not one of `kinds` (reported). */
  kind<K extends string>(o: Item, path: string, kinds: readonly K[]): K | undefined | null {
    const kind = this.text(o, 'kind', path, true);
    if (kind === undefined) return undefined;
    if ((kinds as readonly string[]).includes(kind)) return kind as K;
    this.problem(`${path}.kind: must be one of ${kinds.join(', ')} (got "${kind}")`);
    return null;
  }

  /**
   * The id and kind a poller or stream starts with; undefined when the kind
   * is unknown, since nothing else of the entry can be read then.
   */
  entry<K extends string>(
    o: Item,
    path: string,
    ids: Set<string>,
    kinds: readonly K[],
  ): { id: string | undefined; kind: K | undefined } | undefined {
    const id = this.id(o, 'id', path, ids);
    const kind = this.kind(o, path, kinds);
    return kind === null ? undefined : { id, kind };
  }

  /** A secret named by an environment variable (`secretEnv: NAME`): the file never holds it. */
  secret(o: Item, key: string, path: string, required: boolean): string | undefined {
    const name = this.text(o, key, path, required);
    if (name === undefined) return undefined;
    const value = this.env[name];
    if (value === undefined || value === '') {
      this.problem(`${path}.${key}: environment variable ${name} is not set`);
      return undefined;
    }
    return value;
  }

  brand(o: Item, path: string): string | undefined {
    const b = this.text(o, 'brand', path, false);
    if (b !== undefined && !this.brandIds.has(b))
      this.problem(`${path}.brand: unknown brand "${b}"`);
    return b;
  }

  positive(o: Item, key: string, path: string, fallback: number, max: number): number {
    const v = o[key];
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) {
      this.problem(`${path}.${key}: must be a whole number from 1 to ${max}`);
      return fallback;
    }
    return v;
  }

  /** An http(s) URL; required unless there is a fallback. */
  httpUrl(o: Item, key: string, path: string, fallback?: string): string | undefined {
    const v = this.text(o, key, path, fallback === undefined) ?? fallback;
    if (v === undefined) return undefined;
    try {
      const u = new URL(v);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
      return v;
    } catch {
      this.problem(`${path}.${key}: must be an http(s) URL, got "${v}"`);
      return undefined;
    }
  }
}
