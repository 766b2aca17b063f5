import type { CustomerDraft } from './customer.ts';

type Field = Exclude<keyof CustomerDraft, 'handles' | 'attributes'>;
export type ColumnTarget =
  { field: Field } | { handlePlatform: string } | { field: 'handles' } | { attribute: string };

/** Usual names of the extra columns matching or people look for: one key each. */
const ATTRIBUTE_ALIASES: Record<string, string> = {
  dob: 'dob',
  date_of_birth: 'dob',
  birth_date: 'dob',
  birthdate: 'dob',
  birthday: 'dob',
  postcode: 'postcode',
  post_code: 'postcode',
  postal_code: 'postcode',
  zip: 'postcode',
  zip_code: 'postcode',
  zipcode: 'postcode',
  street: 'street',
  address: 'street',
  street_address: 'street',
  address_line_1: 'street',
  address1: 'street',
  website: 'website',
  web_site: 'website',
  url: 'website',
  homepage: 'website',
  web: 'website',
};

const ALIASES: Record<string, Field | 'handles'> = {
  external_id: 'externalId',
  externalid: 'externalId',
  customer_id: 'externalId',
  crm_id: 'externalId',
  id: 'externalId',
  first_name: 'firstName',
  firstname: 'firstName',
  given_name: 'firstName',
  first: 'firstName',
  last_name: 'lastName',
  lastname: 'lastName',
  surname: 'lastName',
  family_name: 'lastName',
  last: 'lastName',
  full_name: 'fullName',
  fullname: 'fullName',
  name: 'fullName',
  display_name: 'fullName',
  email: 'emails',
  emails: 'emails',
  email_address: 'emails',
  e_mail: 'emails',
  phone: 'phones',
  phones: 'phones',
  phone_number: 'phones',
  mobile: 'phones',
  company: 'company',
  organization: 'company',
  organisation: 'company',
  employer: 'company',
  city: 'city',
  town: 'city',
  region: 'region',
  state: 'region',
  province: 'region',
  country: 'country',
  country_code: 'country',
  tier: 'tier',
  segment: 'tier',
  loyalty_tier: 'tier',
  value: 'value',
  lifetime_value: 'value',
  ltv: 'value',
  clv: 'value',
  handles: 'handles',
  social_handles: 'handles',
};

const PLATFORM_ALIASES: Record<string, string> = { twitter: 'x' };

function normalizeHeader(h: string): string {
  return h
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * Maps a CSV header to customer fields. Accepts common CRM export names
 * (`Customer ID`, `E-mail`, `State`, `LTV`, …) and per-platform handle
 * columns (`x_handle`, `handle_instagram`, `twitter_handle` → x).
 */
export function mapColumns(header: readonly string[]): {
  targets: (ColumnTarget | null)[];
  unknown: string[];
  problems: string[];
} {
  const targets: (ColumnTarget | null)[] = [];
  const unknown: string[] = [];
  const seen = new Set<string>();
  for (const raw of header) {
    const h = normalizeHeader(raw);
    const alias = ALIASES[h];
    const platformMatch = /^(?:([a-z0-9]+)_handle|handle_([a-z0-9]+))$/.exec(h);
    if (alias === 'handles') {
      targets.push({ field: 'handles' });
    } else if (alias) {
      if (alias !== 'emails' && alias !== 'phones' && seen.has(alias)) {
        targets.push(null);
        unknown.push(raw);
        continue;
      }
      seen.add(alias);
      targets.push({ field: alias });
    } else if (platformMatch) {
      const p = platformMatch[1] ?? platformMatch[2]!;
      targets.push({ handlePlatform: PLATFORM_ALIASES[p] ?? p });
    } else if (h && !seen.has(`attribute:${ATTRIBUTE_ALIASES[h] ?? h}`)) {
      // Every other column is kept as an attribute, under its usual name when it has one.
      const key = (ATTRIBUTE_ALIASES[h] ?? h).slice(0, 64);
      seen.add(`attribute:${key}`);
      targets.push({ attribute: key });
    } else {
      targets.push(null);
      unknown.push(raw);
    }
  }
  const problems = seen.has('externalId')
    ? []
    : ['the header has no external id column (external_id, customer_id or id)'];
  return { targets, unknown, problems };
}

/** One CSV record as a customer draft for validateCustomer. */
export function draftFromRecord(
  values: readonly string[],
  targets: readonly (ColumnTarget | null)[],
): CustomerDraft {
  const draft: Record<string, unknown> = {};
  const lists: Record<string, string[]> = { emails: [], phones: [] };
  const handles: string[] = [];
  const attributes: Record<string, string> = {};
  targets.forEach((t, i) => {
    const v = values[i]?.trim() ?? '';
    if (!t || v === '') return;
    if ('attribute' in t) {
      attributes[t.attribute] = v;
    } else if ('handlePlatform' in t) {
      for (const h of v.split(/[;|\s]+/).filter(Boolean)) handles.push(`${t.handlePlatform}:${h}`);
    } else if (t.field === 'handles') {
      handles.push(...v.split(/[;|\s]+/).filter(Boolean));
    } else if (t.field === 'emails' || t.field === 'phones') {
      lists[t.field]!.push(v);
    } else {
      draft[t.field] = v;
    }
  });
  if (lists.emails!.length > 0) draft.emails = lists.emails!.join(';');
  if (lists.phones!.length > 0) draft.phones = lists.phones!.join(';');
  if (handles.length > 0) draft.handles = handles.join(';');
  if (Object.keys(attributes).length > 0) draft.attributes = attributes;
  return draft as CustomerDraft;
}
