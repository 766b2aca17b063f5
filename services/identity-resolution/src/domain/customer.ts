import { MAX_CUSTOMER_VALUE } from '@hark/events';
import { normalizeEmail, normalizeHandle, parseDisplayName } from './normalize.ts';

export interface CustomerHandle {
  /** Platform in lower case, as on mentions (x, instagram, reddit, …). */
  platform: string;
  /** Handle without a leading @, lower case. */
  handle: string;
}

/** A CRM customer as imported or sent to the API; the external id is the CRM's key. */
export interface Customer {
  externalId: string;
  firstName: string | null;
  lastName: string | null;
  fullName: string | null;
  emails: string[];
  phones: string[];
  company: string | null;
  city: string | null;
  region: string | null;
  country: string | null;
  tier: string | null;
  value: number | null;
  handles: CustomerHandle[];
  /**
   * Every other column of the CRM record, kept as imported (`dob`, `postcode`,
   * `street`, `website`, …; keys snake_case). Matching reads `website`.
   */
  attributes?: Record<string, string>;
}

/** A customer as stored: the internal id is what social identities reference. */
export interface StoredCustomer extends Customer {
  id: number;
}

/** Why a customer record was refused; `reason` groups the import summary. */
export interface CustomerProblem {
  field: string;
  reason: CustomerRejectReason;
  message: string;
}

export type CustomerRejectReason =
  | 'missing_external_id'
  | 'invalid_external_id'
  | 'missing_name'
  | 'invalid_email'
  | 'invalid_value'
  | 'invalid_handle'
  | 'too_long'
  | 'malformed_row';

/** Loosely typed input: a CSV row after column mapping, or an API body. */
export interface CustomerDraft {
  externalId?: unknown;
  firstName?: unknown;
  lastName?: unknown;
  fullName?: unknown;
  emails?: unknown;
  phones?: unknown;
  company?: unknown;
  city?: unknown;
  region?: unknown;
  country?: unknown;
  tier?: unknown;
  value?: unknown;
  handles?: unknown;
  attributes?: unknown;
}

const MAX_TEXT = 256;
const EXTERNAL_ID = /^[\w.:@/-]{1,128}$/;
const HANDLE = /^[\w.@-]{1,100}$/;
const PLATFORM = /^[a-z0-9_-]{1,32}$/;
const ATTRIBUTE_KEY = /^[a-z0-9_]{1,64}$/;
const MAX_ATTRIBUTES = 64;

/**
 * Validates and normalises one customer: trims text, lower-cases e-mails and
 * handles, splits "a;b" lists, derives first/last from a full name (and the
 * full name from first/last). Returns every problem, not just the first.
 */
export function validateCustomer(
  draft: CustomerDraft,
): { ok: true; customer: Customer } | { ok: false; problems: CustomerProblem[] } {
  const problems: CustomerProblem[] = [];
  const text = (field: keyof CustomerDraft): string | null => {
    const v = draft[field];
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
  };

  const externalId = text('externalId');
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

  let firstName = text('firstName');
  let lastName = text('lastName');
  let fullName = text('fullName');
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

  const emails: string[] = [];
  for (const raw of listOf(draft.emails, /[;|,\s]+/)) {
    const e = normalizeEmail(raw);
    if (!e)
      problems.push({
        field: 'emails',
        reason: 'invalid_email',
        message: `"${raw}" is not an e-mail address`,
      });
    else if (!emails.includes(e)) emails.push(e);
  }
  if (!firstName && !lastName && emails.length === 0) {
    problems.push({
      field: 'lastName',
      reason: 'missing_name',
      message: 'a customer needs a first, last or full name, or an e-mail',
    });
  }

  const phones = listOf(draft.phones, /[;|]+/)
    .map((p) => p.replace(/[^\d+]/g, ''))
    .filter((p) => p.length >= 5);

  let value: number | null = null;
  if (draft.value !== undefined && draft.value !== null && String(draft.value).trim() !== '') {
    const n = typeof draft.value === 'number' ? draft.value : Number(String(draft.value).trim());
    if (!Number.isFinite(n)) {
      problems.push({
        field: 'value',
        reason: 'invalid_value',
        message: `value must be a number, got "${String(draft.value)}"`,
      });
    } else if (Math.abs(n) > MAX_CUSTOMER_VALUE) {
      // The consumers dead-letter a resolved mention carrying such a value (the event contract).
      problems.push({
        field: 'value',
        reason: 'invalid_value',
        message: `value must be within ±${MAX_CUSTOMER_VALUE}, got ${n}`,
      });
    } else {
      value = n;
    }
  }

  const handles: CustomerHandle[] = [];
  for (const h of handlesOf(draft.handles)) {
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

  const attributes: Record<string, string> = {};
  const rawAttributes = draft.attributes;
  if (rawAttributes !== undefined && rawAttributes !== null) {
    const entries =
      typeof rawAttributes === 'object' && !Array.isArray(rawAttributes)
        ? Object.entries(rawAttributes as Record<string, unknown>)
        : null;
    if (!entries || entries.length > MAX_ATTRIBUTES) {
      problems.push({
        field: 'attributes',
        reason: 'invalid_value',
        message: `attributes must be an object of at most ${MAX_ATTRIBUTES} text values`,
      });
    } else {
      for (const [key, v] of entries) {
        if (v === undefined || v === null || String(v).trim() === '') continue;
        const value = String(v).trim();
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
    }
  }

  const customer: Customer = {
    externalId: externalId ?? '',
    firstName,
    lastName,
    fullName,
    emails,
    phones,
    company: text('company'),
    city: text('city'),
    region: text('region'),
    country: text('country'),
    tier: text('tier'),
    value,
    handles,
    attributes,
  };
  return problems.length > 0 ? { ok: false, problems } : { ok: true, customer };
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
