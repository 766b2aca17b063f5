const PRIMITIVES = new Set([
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
]);
const NAMED_TYPES = new Set(['record', 'error', 'enum', 'fixed']);

/**
 * The identity of a schema: two texts with the same normalized form are the
 * same schema and share one id. Unlike Avro's Parsing Canonical Form it keeps
 * every attribute (defaults, doc, aliases, order, logicalType, custom
 * properties), because two schemas that differ only in a default resolve
 * differently and so must not share an id. What it erases is spelling:
 * whitespace, key order, `{"type": "int"}` vs `"int"`, and short vs. full
 * names (`"name": "X", "namespace": "a"` vs `"name": "a.X"`, and references
 * to named types). Expects a schema that already parsed as Avro.
 */
export function normalizeSchema(schema: unknown): string {
  const defined = new Set<string>();

  const reference = (name: string, namespace: string | undefined): string => {
    if (PRIMITIVES.has(name) || name.includes('.') || !namespace) return name;
    const qualified = `${namespace}.${name}`;
    return defined.has(qualified) ? qualified : name;
  };

  const walkField = (field: unknown, namespace: string | undefined): unknown => {
    if (field === null || typeof field !== 'object') return field;
    const out: Record<string, unknown> = { ...(field as Record<string, unknown>) };
    if ('type' in out) out.type = walk(out.type, namespace);
    return out;
  };

  const walk = (node: unknown, namespace: string | undefined): unknown => {
    if (typeof node === 'string') return reference(node, namespace);
    if (Array.isArray(node)) return node.map((branch) => walk(branch, namespace));
    if (node === null || typeof node !== 'object') return node;
    const obj = node as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1 && keys[0] === 'type' && typeof obj.type === 'string') {
      return walk(obj.type, namespace);
    }
    const out: Record<string, unknown> = {};
    if (typeof obj.type === 'string' && NAMED_TYPES.has(obj.type)) {
      const name = fullName(obj.name, obj.namespace, namespace);
      // Registered before the fields are walked, so recursive references resolve.
      defined.add(name);
      const inner = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : undefined;
      for (const [key, value] of Object.entries(obj)) {
        if (key === 'namespace') continue;
        if (key === 'name') out.name = name;
        else if (key === 'fields' && Array.isArray(value)) {
          out.fields = value.map((f) => walkField(f, inner));
        } else out[key] = value;
      }
      return out;
    }
    for (const [key, value] of Object.entries(obj)) {
      out[key] =
        key === 'type' || key === 'items' || key === 'values' ? walk(value, namespace) : value;
    }
    return out;
  };

  return stableStringify(walk(schema, undefined));
}

function fullName(name: unknown, namespace: unknown, enclosing: string | undefined): string {
  const n = String(name);
  if (n.includes('.')) return n;
  const ns = typeof namespace === 'string' ? namespace : enclosing;
  return ns ? `${ns}.${n}` : n;
}

/** JSON with object keys sorted at every depth; array order is kept (it is meaningful in Avro). */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const entries = Object.keys(obj)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify(obj[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}
