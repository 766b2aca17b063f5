import { isHashedEmail } from '@hark/privacy';
import type { CustomerIndex } from './customer-index.ts';
import {
  FREEMAIL_DOMAINS,
  emailDomain,
  emailLocal,
  handleCompact,
  handleLetters,
  normalizeEmail,
  normalizeHandle,
  parseDisplayName,
  type ParsedName,
} from './normalize.ts';
import { parseLocation, type ParsedLocation } from './places.ts';

/** What a mention tells about its author (a subset of the Avro Author). */
export interface AuthorInput {
  platform: string;
  id: string;
  handle: string;
  name: string | null;
  email: string | null;
  location: string | null;
  verified: boolean;
}

/** An author folded once, then compared with every candidate. */
export interface PreparedAuthor {
  platform: string;
  id: string;
  /** Handle as typed, lower case, for exact CRM handle lookups. */
  handle: string;
  /** Handle letters only (`jane_doe84` → `janedoe`), for handle-to-name patterns. */
  handleLetters: string;
  /** Handle without separators, digits kept (`jane.doe_84` → `janedoe84`), for identifier comparison. */
  handleCompact: string;
  name: ParsedName | null;
  email: string | null;
  /** The author's e-mail as `sha256:<hex>` when the mention carries it hashed (then email is null). */
  emailHash: string | null;
  emailLocal: string | null;
  /** The e-mail domain when it is not a consumer mail provider. */
  corporateDomain: string | null;
  location: ParsedLocation | null;
  /** Cities known to the CRM that the profile location names. */
  cityIds: Set<number>;
  /** Gazetteer towns, districts and counties the location's places lie in (sorted node ids). */
  areas: Int32Array;
  verified: boolean;
}

const NO_AREAS = new Int32Array(0);

/**
 * The gazetteer areas a profile location names, in the countries and states
 * it names (all, when it names none): "Boston, MA" is not in Lincolnshire,
 * and a state the gazetteer lacks (NSW) leaves none.
 */
function areasNamed(location: ParsedLocation, index: CustomerIndex): Int32Array {
  if (index.gazetteer.size === 0) return NO_AREAS;
  if (location.countries.size > 0 || location.regions.size > 0) {
    return index.gazetteer.areasOf(location.padded.trim(), location.countries, location.regions);
  }
  return index.areasOfLocation(location.padded);
}

/** Folds an author for matching against `index` (whose city list is the gazetteer). */
export function prepareAuthor(a: AuthorInput, index: CustomerIndex): PreparedAuthor {
  const emailHash = a.email && isHashedEmail(a.email) ? a.email : null;
  const email = emailHash ? null : normalizeEmail(a.email);
  const location = parseLocation(a.location);
  const cityIds = new Set<number>();
  if (location) {
    const tokens = location.padded.trim().split(' ');
    for (let i = 0; i < tokens.length; i++) {
      let phrase = '';
      for (let j = i; j < Math.min(tokens.length, i + 3); j++) {
        phrase = phrase ? `${phrase} ${tokens[j]}` : tokens[j]!;
        const id = index.cityNames.idOf(phrase);
        if (id !== undefined && id !== 0 && index.cityCount(id) > 0) cityIds.add(id);
      }
    }
  }
  const domain = email ? emailDomain(email) : null;
  return {
    platform: a.platform.toLowerCase(),
    id: a.id,
    handle: normalizeHandle(a.handle),
    handleLetters: handleLetters(a.handle),
    handleCompact: handleCompact(a.handle),
    name: parseDisplayName(a.name),
    email,
    emailHash,
    emailLocal: email ? emailLocal(email) : null,
    corporateDomain: domain && !FREEMAIL_DOMAINS.has(domain) ? domain : null,
    location,
    cityIds,
    areas: location ? areasNamed(location, index) : NO_AREAS,
    verified: a.verified,
  };
}
