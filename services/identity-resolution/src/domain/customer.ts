import {
  attributesOf,
  checkExternalId,
  completeNames,
  customerHandlesOf,
  emailsOf,
  phonesOf,
  textOf,
  valueOf,
} from './customer-fields.ts';

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

/**
 * Validates and normalises one customer: trims text, lower-cases e-mails and
 * handles, splits "a;b" lists, derives first/last from a full name (and the
 * full name from first/last). Returns every problem, not just the first.
 */
export function validateCustomer(
  draft: CustomerDraft,
): { ok: true; customer: Customer } | { ok: false; problems: CustomerProblem[] } {
  // Each step appends its problems in field order; the summary shows the first.
  const problems: CustomerProblem[] = [];
  const text = (field: keyof CustomerDraft) => textOf(draft[field], field, problems);
  const externalId = text('externalId');
  checkExternalId(externalId, problems);
  const names = completeNames(text('firstName'), text('lastName'), text('fullName'));
  const emails = emailsOf(draft.emails, problems);
  if (!names.firstName && !names.lastName && emails.length === 0) {
    problems.push({
      field: 'lastName',
      reason: 'missing_name',
      message: 'a customer needs a first, last or full name, or an e-mail',
    });
  }
  const phones = phonesOf(draft.phones);
  const value = valueOf(draft.value, problems);
  const handles = customerHandlesOf(draft.handles, problems);
  const attributes = attributesOf(draft.attributes, problems);
  const customer: Customer = {
    externalId: externalId ?? '',
    ...names,
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
