import type { AuthorInput } from '../../src/domain/author.ts';
import {
  validateCustomer,
  type CustomerDraft,
  type StoredCustomer,
} from '../../src/domain/customer.ts';
import { CustomerIndex } from '../../src/domain/customer-index.ts';

/** A stored customer from a loose draft; throws on invalid fixtures. */
export function customer(id: number, draft: CustomerDraft): StoredCustomer {
  const v = validateCustomer({ externalId: `C${id}`, ...draft });
  if (!v.ok) throw new Error(`bad fixture: ${JSON.stringify(v.problems)}`);
  return { id, ...v.customer };
}

export function indexOf(...drafts: CustomerDraft[]): CustomerIndex {
  const index = new CustomerIndex();
  drafts.forEach((d, i) => index.upsert(customer(i + 1, d)));
  index.finishLoad();
  return index;
}

export function author(overrides: Partial<AuthorInput> = {}): AuthorInput {
  return {
    platform: 'x',
    id: 'a1',
    handle: 'someone_else',
    name: null,
    email: null,
    location: null,
    verified: false,
    ...overrides,
  };
}

/** A small CRM: the people the matching tests talk about, plus look-alikes. */
export const CRM: CustomerDraft[] = [
  {
    firstName: 'Jane',
    lastName: 'Doe',
    emails: 'jane.doe84@gmail.com',
    city: 'Lyon',
    country: 'France',
  },
  {
    firstName: 'Robert',
    lastName: 'Zywicki',
    city: 'Portland',
    region: 'OR',
    country: 'US',
    handles: 'x:bzywicki',
  },
  { firstName: 'John', lastName: 'Smith', city: 'London', country: 'UK' },
  { firstName: 'Joan', lastName: 'Smith', city: 'Leeds', country: 'UK' },
  {
    firstName: 'Katherine',
    lastName: 'Okonkwo',
    city: 'Austin',
    region: 'Texas',
    country: 'US',
    company: 'Initech',
    emails: 'kokonkwo@initech.com',
  },
  {
    firstName: 'Maria',
    lastName: 'Garcia',
    city: 'Madrid',
    country: 'Spain',
    handles: 'instagram:sunflower_maria77',
  },
];
