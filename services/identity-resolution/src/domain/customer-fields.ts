import { MAX_CUSTOMER_VALUE } from '@hark/events';
import type { CustomerHandle, CustomerProblem } from './customer.ts';
import { normalizeEmail, normalizeHandle, parseDisplayName } from './normalize.ts';

// The field rules of `validateCustomer`: each reads one loosely typed field
// and appends what is wrong with it to `problems`.

const MAX_TEXT = 256;
const EXTERNAL_ID = /^[\w.:@/-]{1,128}$/;
const HANDLE = /^[\w.@-]{1,100}$/;
const PLATFORM = /^[a-z0-9_-]{1,32}$/;
const ATTRIBUTE_KEY = /^[a-z0-9_]{1,64}$/;
const MAX_ATTRIBUTES = 64;

/** Trimmed text, null when absent or empty; longer than 256 characters is a problem. */
export function textOf(v: unknown, field: string, problems: CustomerProblem[]): string | null {
  if (v === undefined || v === null) return null;
  const s = String(v).trim();
  if (s.length > MAX_TEXT) {
    problems.push({
      field,
      reason: 'too_long',
      message: `${field} is longer than ${MAX_TEXT} characters`,
    });
    return null;
  }
  return s === '' ? null : s;
}

export function checkExternalId(externalId: string | null, problems: CustomerProblem[]): void {
  if (!externalId) {
    problems.push({
      field: 'externalId',
      reason: 'missing_external_id',
      message: 'externalId is required',
    });
  } else if (!EXTERNAL_ID.test(externalId)) {
    problems.push({
      field: 'externalId',
      reason: 'invalid_external_id',
      message: 'externalId must be 1-128 letters, digits or . _ : @ / -',
    });
  }
}

/**
 * First and last name from a full name ("Doe, Jane" or "Jane Doe"; a single
 * word is the last name) when neither is given, and the full name from them.
 */
export function completeNames(
  first: string | null,
  last: string | null,
  full: string | null,
): { firstName: string | null; lastName: string | null; fullName: string | null } {
  let firstName = first;
  let lastName = last;
  let fullName = full;
  if (!firstName && !lastName && fullName) {
    const parsed = parseDisplayName(fullName);
    if (parsed && !parsed.single) {
      const words = fullName.replace(/\s+/g, ' ').split(' ');
      if (fullName.includes(',')) {
        const [l, f] = fullName.split(',');
        firstName = f?.trim() || null;
        lastName = l?.trim() || null;
      } else {
        firstName = words[0] ?? null;
        lastName = words.slice(1).join(' ') || null;
      }
    } else if (parsed) {
      lastName = fullName;
    }
  }
  if (!fullName && (firstName || lastName))
    fullName = [firstName, lastName].filter(Boolean).join(' ');
  return { firstName, lastName, fullName };
}

/** Normalised, de-duplicated e-mails from a list or "a;b c,d". */
export function emailsOf(v: unknown, problems: CustomerProblem[]): string[] {
  const emails: string[] = [];
  for (const raw of listOf(v, /[;|,\s]+/)) {
    const e = normalizeEmail(raw);
    if (!e)
      problems.push({
        field: 'emails',
        reason: 'invalid_email',
        message: `"${raw}" is not an e-mail address`,
      });
    else if (!emails.includes(e)) emails.push(e);
  }
  return emails;
}

/** Digits and `+` only; anything shorter than 5 is dropped, not refused. */
export function phonesOf(v: unknown): string[] {
  return listOf(v, /[;|]+/)
    .map((p) => p.replace(/[^\d+]/g, ''))
    .filter((p) => p.length >= 5);
}

export function valueOf(v: unknown, problems: CustomerProblem[]): number | null {
  if (v === undefined || v === null || String(v).trim() === '') return null;
  const n = typeof v === 'number' ? v : Number(String(v).trim());
  if (!Number.isFinite(n)) {
    problems.push({
      field: 'value',
      reason: 'invalid_value',
      message: `value must be a number, got "${String(v)}"`,
    });
    return null;
  }
  if (Math.abs(n) > MAX_CUSTOMER_VALUE) {
    // The consumers dead-letter a resolved mention carrying such a value (the event contract).
    problems.push({
      field: 'value',
      reason: 'invalid_value',
      message: `value must be within ±${MAX_CUSTOMER_VALUE}, got ${n}`,
    });
    return null;
  }
  return n;
}

/** Lower-cased, de-duplicated `platform:handle` pairs. */
export function customerHandlesOf(v: unknown, problems: CustomerProblem[]): CustomerHandle[] {
  const handles: CustomerHandle[] = [];
  for (const h of handlesOf(v)) {
    const platform = h.platform.trim().toLowerCase();
    const handle = normalizeHandle(h.handle);
    if (!PLATFORM.test(platform) || !HANDLE.test(handle)) {
      problems.push({
        field: 'handles',
        reason: 'invalid_handle',
        message: `handle "${h.platform}:${h.handle}" must be platform:handle`,
      });
    } else if (!handles.some((x) => x.platform === platform && x.handle === handle)) {
      handles.push({ platform, handle });
    }
  }
  return handles;
}

/** The other CRM columns: at most 64 snake_case names with text values; empty values dropped. */
export function attributesOf(v: unknown, problems: CustomerProblem[]): Record<string, string> {
  const attributes: Record<string, string> = {};
  if (v === undefined || v === null) return attributes;
  const entries =
    typeof v === 'object' && !Array.isArray(v)
      ? Object.entries(v as Record<string, unknown>)
      : null;
  if (!entries || entries.length > MAX_ATTRIBUTES) {
    problems.push({
      field: 'attributes',
      reason: 'invalid_value',
      message: `attributes must be an object of at most ${MAX_ATTRIBUTES} text values`,
    });
    return attributes;
  }
  for (const [key, raw] of entries) {
    if (raw === undefined || raw === null || String(raw).trim() === '') continue;
    const value = String(raw).trim();
    if (!ATTRIBUTE_KEY.test(key)) {
      problems.push({
        field: 'attributes',
        reason: 'invalid_value',
        message: `attribute name "${key}" must be 1-64 lower-case letters, digits or _`,
      });
    } else if (value.length > MAX_TEXT) {
      problems.push({
        field: 'attributes',
        reason: 'too_long',
        message: `attribute ${key} is longer than ${MAX_TEXT} characters`,
      });
    } else {
      attributes[key] = value;
    }
  }
  return attributes;
}

function listOf(v: unknown, separators: RegExp): string[] {
  if (v === undefined || v === null) return [];
  const items = Array.isArray(v) ? v.map(String) : String(v).split(separators);
  return items.map((s) => s.trim()).filter(Boolean);
}

/** Handles as `[{platform, handle}]`, `{platform: handle}` or "x:jdoe;instagram:jane.doe". */
function handlesOf(v: unknown): { platform: string; handle: string }[] {
  if (v === undefined || v === null || v === '') return [];
  if (Array.isArray(v)) {
    return v.map((h) => {
      if (typeof h === 'string') return splitPair(h);
      const o = h as { platform?: unknown; handle?: unknown };
      return { platform: String(o.platform ?? ''), handle: String(o.handle ?? '') };
    });
  }
  if (typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>).flatMap(([platform, h]) =>
      (Array.isArray(h) ? h : [h]).map((x) => ({ platform, handle: String(x) })),
    );
  }
  return String(v)
    .split(/[;|\s]+/)
    .filter(Boolean)
    .map(splitPair);
}

function splitPair(s: string): { platform: string; handle: string } {
  const i = s.indexOf(':');
  return i < 0 ? { platform: '', handle: s } : { platform: s.slice(0, i), handle: s.slice(i + 1) };
}
