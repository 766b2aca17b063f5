import type { Evidence } from '@hark/events';
import type { PreparedAuthor } from './author.ts';
import type { CustomerIndex } from './customer-index.ts';
import { jaroWinkler } from './jaro-winkler.ts';
import { areNicknames, nameVariants } from './nicknames.ts';
import { FREEMAIL_DOMAINS, emailDomain, emailLocal, handleCompact } from './normalize.ts';
import { mentionsPlace } from './places.ts';
import { soundAlike } from './phonetic.ts';

/** m = P(outcome | same person), u = P(outcome | different people). */
export interface MU {
  m: number;
  u: number;
}

/**
 * Fellegi–Sunter parameters. m values are priors from the record-linkage
 * literature for person names (agreement rates of true pairs under typical
 * data-entry and self-description noise); u values for exact agreement come
 * from the customer base itself (term frequencies: agreeing on "Smith" says
 * less than agreeing on "Zywicki"), smoothed towards `tfPrior` so a small
 * CRM does not claim every name is rare. Nothing here is fitted to the
 * benchmark generator.
 */
export interface MatchModel {
  firstName: {
    exactM: number;
    tfPrior: number;
    nickname: MU;
    jwHigh: MU;
    jwMid: MU;
    /** Display names of unverified accounts are often pseudonyms: a mismatch says less. */
    disagree: MU;
    disagreeVerified: MU;
    initialAgree: MU;
    initialDisagree: MU;
  };
  lastName: {
    exactM: number;
    tfPrior: number;
    jwHigh: MU;
    jwMid: MU;
    phonetic: MU;
    disagree: MU;
    initialAgree: MU;
    initialDisagree: MU;
  };
  location: {
    cityAgreeM: number;
    cityTfPrior: number;
    cityDisagree: MU;
    regionAgree: MU;
    regionDisagree: MU;
    countryAgree: MU;
    countryDisagree: MU;
  };
  /**
   * An identifier string (an e-mail local part, a CRM handle on another
   * platform) agrees. `u` is per the string's distinctiveness: a pseudonym
   * (`sunflower`) is rarer than a name (`janedoe`), and each digit cuts u
   * tenfold, up to three (`janedoe1984`).
   */
  identifierAgree: { m: number; uPseudonym: number; uNameLike: number };
  /** Both sides have e-mails and no local part agrees: people keep several addresses. */
  emailDisagree: MU;
  companyAgree: MU;
  companyDisagree: MU;
  /** Pseudo-count for term-frequency smoothing. */
  tfSmoothing: number;
}

export const DEFAULT_MODEL: MatchModel = {
  firstName: {
    exactM: 0.82,
    tfPrior: 0.003,
    nickname: { m: 0.07, u: 0.008 },
    jwHigh: { m: 0.04, u: 0.006 },
    jwMid: { m: 0.02, u: 0.02 },
    disagree: { m: 0.06, u: 0.95 },
    disagreeVerified: { m: 0.02, u: 0.95 },
    initialAgree: { m: 0.96, u: 0.08 },
    initialDisagree: { m: 0.04, u: 0.92 },
  },
  lastName: {
    exactM: 0.86,
    tfPrior: 0.0003,
    jwHigh: { m: 0.05, u: 0.002 },
    jwMid: { m: 0.02, u: 0.006 },
    phonetic: { m: 0.02, u: 0.004 },
    disagree: { m: 0.05, u: 0.985 },
    initialAgree: { m: 0.96, u: 0.07 },
    initialDisagree: { m: 0.04, u: 0.93 },
  },
  location: {
    cityAgreeM: 0.8,
    cityTfPrior: 0.005,
    cityDisagree: { m: 0.2, u: 0.95 },
    regionAgree: { m: 0.85, u: 0.05 },
    regionDisagree: { m: 0.15, u: 0.95 },
    countryAgree: { m: 0.92, u: 0.3 },
    countryDisagree: { m: 0.08, u: 0.7 },
  },
  identifierAgree: { m: 0.3, uPseudonym: 1e-4, uNameLike: 0.15 },
  emailDisagree: { m: 0.7, u: 0.99999 },
  companyAgree: { m: 0.5, u: 0.001 },
  companyDisagree: { m: 0.5, u: 0.999 },
  tfSmoothing: 1000,
};

const log2 = Math.log2;
const w = (mu: MU): number => log2(mu.m / mu.u);

/** Term-frequency u for exact agreement: share of customers with the value, smoothed. */
function tfU(count: number, n: number, prior: number, alpha: number): number {
  return (count + alpha * prior) / (n + alpha);
}

type FirstLevel = 'exact' | 'nickname' | 'jw_high' | 'jw_mid' | 'disagree' | 'initial' | 'initial_disagree';
type LastLevel = 'exact' | 'jw_high' | 'jw_mid' | 'phonetic' | 'disagree' | 'initial' | 'initial_disagree';

export function compareFirst(a: string, c: string): FirstLevel | null {
  if (!a || !c) return null;
  if (a.length === 1 || c.length === 1) return a[0] === c[0] ? 'initial' : 'initial_disagree';
  if (a === c) return 'exact';
  if (areNicknames(a, c)) return 'nickname';
  const jw = jaroWinkler(a, c);
  if (jw >= 0.94) return 'jw_high';
  if (jw >= 0.88) return 'jw_mid';
  return 'disagree';
}

export function compareLast(a: string, c: string): LastLevel | null {
  if (!a || !c) return null;
  if (a.length === 1 || c.length === 1) return a[0] === c[0] ? 'initial' : 'initial_disagree';
  if (a === c) return 'exact';
  const jw = jaroWinkler(a, c);
  if (jw >= 0.94) return 'jw_high';
  if (jw >= 0.88) return 'jw_mid';
  if (soundAlike(a, c)) return 'phonetic';
  return 'disagree';
}

/** Scoring context: the index, the model, and an optional evidence sink. */
interface Ctx {
  index: CustomerIndex;
  model: MatchModel;
  n: number;
  evidence: Evidence[] | null;
}

function firstWeight(level: FirstLevel, customerFirst: string, verified: boolean, ctx: Ctx): number {
  const f = ctx.model.firstName;
  switch (level) {
    case 'exact': {
      const u = tfU(ctx.index.firstNameCount(customerFirst), ctx.n, f.tfPrior, ctx.model.tfSmoothing);
      return log2(f.exactM / u);
    }
    case 'nickname':
      return w(f.nickname);
    case 'jw_high':
      return w(f.jwHigh);
    case 'jw_mid':
      return w(f.jwMid);
    case 'disagree':
      return w(verified ? f.disagreeVerified : f.disagree);
    case 'initial':
      return w(f.initialAgree);
    case 'initial_disagree':
      return w(f.initialDisagree);
  }
}

function lastWeight(level: LastLevel, customerLast: string, ctx: Ctx): number {
  const l = ctx.model.lastName;
  switch (level) {
    case 'exact': {
      const u = tfU(ctx.index.lastNameCount(customerLast), ctx.n, l.tfPrior, ctx.model.tfSmoothing);
      return log2(l.exactM / u);
    }
    case 'jw_high':
      return w(l.jwHigh);
    case 'jw_mid':
      return w(l.jwMid);
    case 'phonetic':
      return w(l.phonetic);
    case 'disagree':
      return w(l.disagree);
    case 'initial':
      return w(l.initialAgree);
    case 'initial_disagree':
      return w(l.initialDisagree);
  }
}

const variantCache = new Map<string, string[]>();
function variantsOf(first: string): string[] {
  let v = variantCache.get(first);
  if (!v) {
    v = nameVariants(first).filter((x) => x.length >= 2);
    if (variantCache.size > 50_000) variantCache.clear();
    variantCache.set(first, v);
  }
  return v;
}

/**
 * What a handle says about a candidate's name: `janedoe`, `doe_jane`,
 * `bobsmith` (nickname), `jdoe`, `doej`, `janed`, `janemdoe`, `thejanedoe`,
 * `doe84`. Null parts when the handle says nothing about them.
 */
export function handleNameLevels(
  letters: string,
  cf: string,
  cl: string,
): { first: FirstLevel | null; last: LastLevel | null } | null {
  if (letters.length < 3 || (!cf && !cl)) return null;
  if (cf && cl) {
    for (const v of variantsOf(cf)) {
      const full = v + cl;
      const rev = cl + v;
      if (
        letters === full ||
        letters === rev ||
        (v.length >= 3 && (letters.includes(full) || letters.includes(rev)))
      ) {
        return { first: v === cf ? 'exact' : 'nickname', last: 'exact' };
      }
    }
    const i = cf[0]!;
    if (letters === i + cl || letters === cl + i) return { first: 'initial', last: 'exact' };
    if (
      letters.length === cf.length + cl.length + 1 &&
      letters.startsWith(cf) &&
      letters.endsWith(cl)
    ) {
      return { first: 'exact', last: 'exact' };
    }
    if (cf.length >= 3 && (letters === cf + cl[0] || letters === cl[0] + cf)) {
      return { first: 'exact', last: 'initial' };
    }
  }
  if (cl.length >= 4 && (letters === cl || letters.startsWith(cl) || letters.endsWith(cl))) {
    return { first: null, last: 'exact' };
  }
  if (cf.length >= 4 && letters === cf) return { first: 'exact', last: null };
  return null;
}

/** Weight of an agreeing identifier string, by how distinctive it is for this candidate. */
export function identifierWeight(compact: string, cf: string, cl: string, model: MatchModel): number {
  const letters = compact.replace(/[0-9]/g, '');
  const digitCount = Math.min(3, compact.length - letters.length);
  const nameLike = letters.length === 0 || handleNameLevels(letters, cf, cl) !== null || letters === cf || letters === cl;
  const base = nameLike ? model.identifierAgree.uNameLike : model.identifierAgree.uPseudonym;
  return log2(model.identifierAgree.m / (base * 10 ** -digitCount));
}

const GENERIC_LOCALS = new Set(['info', 'contact', 'hello', 'admin', 'mail', 'support', 'sales', 'office', 'me', 'hi']);

function push(ctx: Ctx, kind: string, detail: string, weight: number): number {
  ctx.evidence?.push({ kind, detail, weight: Math.round(weight * 100) / 100 });
  return weight;
}

/**
 * The Fellegi–Sunter match weight (log2 likelihood ratio) of one author
 * against one customer: the sum of per-comparison weights; missing data
 * adds 0. With `evidence`, each term is recorded without personal data.
 */
export function scoreCandidate(
  a: PreparedAuthor,
  slot: number,
  index: CustomerIndex,
  model: MatchModel,
  evidence: Evidence[] | null = null,
): number {
  const ctx: Ctx = { index, model, n: Math.max(1, index.size), evidence };
  const cf = index.first(slot);
  const cl = index.last(slot);
  let total = 0;

  // Names: the display name (in the better of both orders) and the handle are two
  // views of the same name. Each name part counts once, from the source that says most.
  let dFirst: FirstLevel | null = null;
  let dLast: LastLevel | null = null;
  const n = a.name;
  if (n) {
    if (n.single) {
      const asFirst = compareFirst(n.first ?? '', cf);
      const asLast = compareLast(n.first ?? '', cl);
      const wf = asFirst ? firstWeight(asFirst, cf, a.verified, ctx) : 0;
      const wl = asLast ? lastWeight(asLast, cl, ctx) : 0;
      if (wf >= wl) dFirst = asFirst;
      else dLast = asLast;
    } else {
      const f1 = compareFirst(n.first ?? '', cf);
      const l1 = compareLast(n.last ?? '', cl);
      const f2 = compareFirst(n.last ?? '', cf);
      const l2 = compareLast(n.first ?? '', cl);
      const s1 = (f1 ? firstWeight(f1, cf, a.verified, ctx) : 0) + (l1 ? lastWeight(l1, cl, ctx) : 0);
      const s2 = (f2 ? firstWeight(f2, cf, a.verified, ctx) : 0) + (l2 ? lastWeight(l2, cl, ctx) : 0);
      if (s1 >= s2) {
        dFirst = f1;
        dLast = l1;
      } else {
        dFirst = f2;
        dLast = l2;
      }
    }
  }
  const h = handleNameLevels(a.handleLetters, cf, cl);
  const fw = bestOf(dFirst ? firstWeight(dFirst, cf, a.verified, ctx) : null, h?.first ? firstWeight(h.first, cf, a.verified, ctx) : null);
  const lw = bestOf(dLast ? lastWeight(dLast, cl, ctx) : null, h?.last ? lastWeight(h.last, cl, ctx) : null);
  if (fw !== null) {
    const level = fw.from === 0 ? dFirst : h?.first;
    total += push(ctx, 'first_name', `${fw.from === 0 ? 'display name' : 'handle'}: ${level}`, fw.weight);
  }
  if (lw !== null) {
    const level = lw.from === 0 ? dLast : h?.last;
    total += push(ctx, 'last_name', `${lw.from === 0 ? 'display name' : 'handle'}: ${level}`, lw.weight);
  }

  // Identifiers: an e-mail local part or a CRM handle reused elsewhere. A name-like string
  // ("janedoe") says little beyond the name, which is already counted: a namesake picks it too.
  const emails = index.emailsOf(slot);
  let identifier = false;
  if (a.handleCompact.length >= 5) {
    for (const e of emails) {
      if (emailLocal(e) === a.handleCompact) {
        total += push(ctx, 'handle_email', 'handle equals an e-mail local part', identifierWeight(a.handleCompact, cf, cl, model));
        identifier = true;
        break;
      }
    }
    if (!identifier) {
      for (const ch of index.handlesOf(slot)) {
        if (handleCompact(ch.handle) === a.handleCompact) {
          total += push(ctx, 'handle', `same handle as on ${ch.platform}`, identifierWeight(a.handleCompact, cf, cl, model));
          identifier = true;
          break;
        }
      }
    }
  }
  if (a.emailLocal && emails.length > 0) {
    let agree = false;
    for (const e of emails) {
      const local = emailLocal(e);
      if (local === a.emailLocal && local.length >= 4 && !GENERIC_LOCALS.has(local)) {
        agree = true;
        break;
      }
    }
    if (agree && !identifier) {
      total += push(ctx, 'email_local', 'same e-mail local part, other domain', identifierWeight(a.emailLocal, cf, cl, model));
    } else if (!agree) {
      total += push(ctx, 'email', 'e-mails differ', w(model.emailDisagree));
    }
  }

  // Company, through the author's work e-mail domain.
  if (a.corporateDomain) {
    const company = index.company(slot);
    const domains = emails.map(emailDomain).filter((d) => !FREEMAIL_DOMAINS.has(d));
    const label = a.corporateDomain.split('.')[0]!;
    if (domains.includes(a.corporateDomain) || (company.length >= 3 && label === company)) {
      total += push(ctx, 'company', 'work e-mail domain agrees', w(model.companyAgree));
    } else if (domains.length > 0) {
      total += push(ctx, 'company', 'work e-mail domains differ', w(model.companyDisagree));
    }
  }

  // Location: at the finest level both sides give.
  if (a.location) total += scoreLocation(a, slot, ctx);
  return total;
}

function scoreLocation(a: PreparedAuthor, slot: number, ctx: Ctx): number {
  const loc = a.location!;
  const l = ctx.model.location;
  const cityId = ctx.index.cityId(slot);
  if (cityId !== 0) {
    if (a.cityIds.has(cityId) || mentionsPlace(loc, ctx.index.city(slot))) {
      const u = tfU(ctx.index.cityCount(cityId), ctx.n, l.cityTfPrior, ctx.model.tfSmoothing);
      return push(ctx, 'location', 'city agrees', log2(l.cityAgreeM / u));
    }
    if (a.cityIds.size > 0) return push(ctx, 'location', 'another city', w(l.cityDisagree));
  }
  const region = ctx.index.region(slot);
  if (region && loc.regions.size > 0) {
    return loc.regions.has(region)
      ? push(ctx, 'location', 'region agrees', w(l.regionAgree))
      : push(ctx, 'location', 'another region', w(l.regionDisagree));
  }
  const country = ctx.index.country(slot);
  if (country && loc.countries.size > 0) {
    return loc.countries.has(country)
      ? push(ctx, 'location', 'country agrees', w(l.countryAgree))
      : push(ctx, 'location', 'another country', w(l.countryDisagree));
  }
  return 0;
}

function bestOf(x: number | null, y: number | null): { weight: number; from: 0 | 1 } | null {
  if (x === null && y === null) return null;
  if (y === null || (x !== null && x >= y)) return { weight: x!, from: 0 };
  return { weight: y, from: 1 };
}
