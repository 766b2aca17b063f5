import { fieldError, type FieldError } from './item-errors.ts';

/** With the u flag a surrogate class matches only surrogates that are not part of a pair. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Accumulates every problem of one item, so a client fixes them in one round trip. */
export class FieldReader {
  readonly errors: FieldError[] = [];

  fail(path: string, reason: FieldError['reason'], message: string): undefined {
    this.errors.push(fieldError(path, reason, message));
    return undefined;
  }

  /** The whole item as a record, or undefined with `not_an_object` recorded. */
  item(input: unknown): Record<string, unknown> | undefined {
    if (typeof input === 'object' && input !== null && !Array.isArray(input))
      return input as Record<string, unknown>;
    return this.fail('', 'not_an_object', `each item must be a JSON object, got ${typeOf(input)}`);
  }

  /** A plain object, or undefined with an error recorded. */
  object(value: unknown, path: string, required: boolean): Record<string, unknown> | undefined {
    if (value === undefined || value === null) {
      return required ? this.fail(path, 'missing_field', `${label(path)} is required`) : undefined;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      return this.fail(
        path,
        'wrong_type',
        `${label(path)} must be an object, got ${typeOf(value)}`,
      );
    }
    return value as Record<string, unknown>;
  }

  /**
   * A string, trimmed. Empty strings count as absent for optional fields.
   * Integers are accepted for ids (`allowInteger`) but only while exact: JSON
   * numbers above 2^53 have already lost digits (a tweet id would).
   */
  string(
    value: unknown,
    path: string,
    opts: {
      required?: boolean;
      maxLength?: number;
      allowInteger?: boolean;
      trim?: boolean;
      /** Refuse unpaired surrogates (ids: two ids differing only there would collapse into one). */
      wellFormed?: boolean;
    } = {},
  ): string | undefined {
    if (value === undefined || value === null || (value === '' && !opts.required)) {
      return opts.required
        ? this.fail(path, 'missing_field', `${label(path)} is required`)
        : undefined;
    }
    let s: string;
    if (typeof value === 'string') {
      s = opts.trim === false ? value : value.trim();
    } else if (opts.allowInteger && typeof value === 'number' && Number.isInteger(value)) {
      if (!Number.isSafeInteger(value)) {
        return this.fail(
          path,
          'wrong_type',
          `${label(path)} must be a string: ${value} is above 2^53 and lost precision in JSON`,
        );
      }
      s = String(value);
    } else {
      return this.fail(path, 'wrong_type', `${label(path)} must be a string, got ${typeOf(value)}`);
    }
    if (opts.wellFormed && LONE_SURROGATE.test(s)) {
      // UTF-8 (Kafka, Avro, PostgreSQL) turns every unpaired surrogate into U+FFFD, so
      // "1\uD800" and "1\uDFFF" would become the same id and one post would be lost.
      return this.fail(
        path,
        'invalid_value',
        `${label(path)} is not well-formed Unicode (it holds an unpaired surrogate)`,
      );
    }
    if (s.includes('\u0000')) {
      // PostgreSQL text cannot hold NUL, and no platform sends one in a real post.
      return this.fail(path, 'invalid_value', `${label(path)} must not contain NUL characters`);
    }
    if (s === '') {
      return opts.required
        ? this.fail(path, 'missing_field', `${label(path)} must not be empty`)
        : undefined;
    }
    if (opts.maxLength !== undefined && s.length > opts.maxLength) {
      return this.fail(
        path,
        'invalid_value',
        `${label(path)} is ${s.length} characters; the limit is ${opts.maxLength}`,
      );
    }
    return s;
  }

  /** A non-negative safe integer; null and absent read as `fallback`. */
  count(value: unknown, path: string, fallback = 0): number {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      this.fail(path, 'wrong_type', `${label(path)} must be a number, got ${typeOf(value)}`);
      return fallback;
    }
    if (value < 0) {
      this.fail(path, 'negative_count', `${label(path)} must not be negative, got ${value}`);
      return fallback;
    }
    if (!Number.isInteger(value) || !Number.isSafeInteger(value)) {
      this.fail(path, 'invalid_value', `${label(path)} must be a whole number, got ${value}`);
      return fallback;
    }
    return value;
  }

  boolean(value: unknown, path: string, fallback = false): boolean {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') {
      this.fail(path, 'wrong_type', `${label(path)} must be true or false, got ${typeOf(value)}`);
      return fallback;
    }
    return value;
  }

  /** An absolute http(s) URL. */
  url(value: unknown, path: string): string | null {
    const s = this.string(value, path, { maxLength: 2048 });
    if (s === undefined) return null;
    // Most URLs start with a literal http(s) scheme: then URL.canParse answers without building
    // a URL object, and the scheme is what `protocol` would say.
    if ((s.startsWith('https://') || s.startsWith('http://')) && URL.canParse(s)) return s;
    let parsed: URL;
    try {
      parsed = new URL(s);
    } catch {
      this.fail(path, 'invalid_value', `${label(path)} must be an absolute URL, got "${clip(s)}"`);
      return null;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      this.fail(
        path,
        'invalid_value',
        `${label(path)} must use http or https, got ${parsed.protocol}`,
      );
      return null;
    }
    return s;
  }

  /** A timestamp, as ISO-8601 with a zone or epoch milliseconds, inside a plausible range. */
  timestamp(
    value: unknown,
    path: string,
    opts: { now: number; maxFutureSkewMs: number; maxAgeMs?: number },
  ): number | undefined {
    if (value === undefined || value === null || value === '') {
      return this.fail(path, 'missing_field', `${label(path)} is required`);
    }
    const parsed = parseTimestamp(value);
    if (typeof parsed === 'string')
      return this.fail(path, 'invalid_timestamp', `${label(path)} ${parsed}`);
    if (parsed < MIN_TIMESTAMP) {
      return this.fail(
        path,
        'invalid_timestamp',
        `${label(path)} is before 1990-01-01 (${new Date(parsed).toISOString()}), most likely a missing value`,
      );
    }
    if (opts.maxAgeMs !== undefined && parsed < opts.now - opts.maxAgeMs) {
      return this.fail(
        path,
        'invalid_timestamp',
        `${label(path)} is older than the ${Math.round(opts.maxAgeMs / 86_400_000)} days the rollups accept (${new Date(parsed).toISOString()}); for a backfill raise COLLECTOR_MAX_AGE_SECONDS and ROLLUP_LATENESS together`,
      );
    }
    if (parsed > opts.now + opts.maxFutureSkewMs) {
      return this.fail(
        path,
        'invalid_timestamp',
        `${label(path)} is in the future (${new Date(parsed).toISOString()}); check the source clock and time zone`,
      );
    }
    return parsed;
  }
}

const MIN_TIMESTAMP = Date.UTC(1990, 0, 1);
const MAX_DATE_MS = 8.64e15;
// Epoch milliseconds below this are 1973 or earlier: almost certainly epoch seconds.
const SECONDS_SUSPECT = 1e11;
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2})$/;

/** Epoch ms, or a phrase saying what is wrong (to follow the field name). */
export function parseTimestamp(value: unknown): number | string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return 'must be a finite number of epoch milliseconds';
    if (value < 0) return `must not be negative, got ${value}`;
    // Beyond ±8.64e15 ms JavaScript has no date at all (toISOString throws).
    if (value > MAX_DATE_MS) return `is beyond the range of a date (${value} ms)`;
    if (value < SECONDS_SUSPECT) {
      return `looks like epoch seconds (${value}); send epoch milliseconds or ISO-8601`;
    }
    return Math.round(value);
  }
  if (typeof value !== 'string') {
    return `must be an ISO-8601 string or epoch milliseconds, got ${typeOf(value)}`;
  }
  const trimmed = value.trim();
  const m = ISO.exec(trimmed);
  if (!m) {
    return /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/.test(trimmed)
      ? `must include a time zone (Z or ±hh:mm), got "${clip(value)}"`
      : `must be ISO-8601 with a time zone (2026-11-20T09:30:00Z) or epoch milliseconds, got "${clip(value)}"`;
  }
  // Read from the match itself: no array of numbers, no Date per call (this runs for every post).
  const y = +m[1]!;
  const mo = +m[2]!;
  const d = +m[3]!;
  const s = m[6] === undefined ? 0 : +m[6];
  if (
    mo < 1 ||
    mo > 12 ||
    d < 1 ||
    d > daysInMonth(y, mo) ||
    +m[4]! > 23 ||
    +m[5]! > 59 ||
    s > 59
  ) {
    return `is not a real date and time: "${clip(value)}"`;
  }
  const ms = Date.parse(trimmed.replace(' ', 'T'));
  return Number.isNaN(ms) ? `is not a valid ISO-8601 timestamp: "${clip(value)}"` : ms;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return DAYS_IN_MONTH[month - 1]!;
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
}

export function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `a string ("${clip(value)}")`;
  return `${typeof value === 'number' ? 'the number' : 'the ' + typeof value} ${String(value)}`;
}

function label(path: string): string {
  return path === '' ? 'the item' : path;
}

export function clip(s: string, max = 40): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}
