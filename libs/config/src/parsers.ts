/** Turns one raw env string into a typed value, or throws with a reason phrased for a human. */
export type Parser<T> = (raw: string) => T;

export const str =
  (opts: { minLength?: number } = {}): Parser<string> =>
  (raw) => {
    if (raw.length < (opts.minLength ?? 1))
      throw new Error(`must be at least ${opts.minLength ?? 1} characters`);
    return raw;
  };

export const int =
  (opts: { min?: number; max?: number } = {}): Parser<number> =>
  (raw) => {
    if (!/^-?\d+$/.test(raw.trim())) throw new Error(`must be an integer, got "${raw}"`);
    const n = Number(raw);
    if (opts.min !== undefined && n < opts.min) throw new Error(`must be >= ${opts.min}, got ${n}`);
    if (opts.max !== undefined && n > opts.max) throw new Error(`must be <= ${opts.max}, got ${n}`);
    return n;
  };

export const num =
  (opts: { min?: number; max?: number } = {}): Parser<number> =>
  (raw) => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw new Error(`must be a number, got "${raw}"`);
    if (opts.min !== undefined && n < opts.min) throw new Error(`must be >= ${opts.min}, got ${n}`);
    if (opts.max !== undefined && n > opts.max) throw new Error(`must be <= ${opts.max}, got ${n}`);
    return n;
  };

export const port = (): Parser<number> => int({ min: 0, max: 65535 });

export const bool = (): Parser<boolean> => (raw) => {
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new Error(`must be true or false, got "${raw}"`);
};

export const url =
  (opts: { protocols?: string[] } = {}): Parser<string> =>
  (raw) => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new Error(`must be a URL, got "${raw}"`);
    }
    const protocol = parsed.protocol.replace(/:$/, '');
    if (opts.protocols && !opts.protocols.includes(protocol)) {
      throw new Error(`must use ${opts.protocols.join(' or ')}, got "${protocol}"`);
    }
    return raw;
  };

/** Comma-separated list; empty items are ignored. */
export const list =
  <T = string>(item: Parser<T> = ((s: string) => s) as unknown as Parser<T>): Parser<T[]> =>
  (raw) => {
    const items = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (items.length === 0) throw new Error('must list at least one item');
    return items.map((s, i) => {
      try {
        return item(s);
      } catch (err) {
        throw new Error(`item ${i + 1}: ${(err as Error).message}`);
      }
    });
  };

export const oneOf =
  <const T extends string>(values: readonly T[]): Parser<T> =>
  (raw) => {
    if (!(values as readonly string[]).includes(raw)) {
      throw new Error(`must be one of ${values.join(', ')}, got "${raw}"`);
    }
    return raw as T;
  };

/** host:port pairs, as KAFKA_BROKERS takes them. */
export const hostPort = (): Parser<string> => (raw) => {
  const m = /^([^:\s]+):(\d{1,5})$/.exec(raw);
  if (!m || Number(m[2]) > 65535) throw new Error(`must be host:port, got "${raw}"`);
  return raw;
};
