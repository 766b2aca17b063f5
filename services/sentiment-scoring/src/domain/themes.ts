import type { ComplaintTheme } from '@hark/events';

// What a negative or complaining post is about. Ordered: the first theme
// whose pattern matches wins, specific before general ("refund for my
// cancelled order" is a cancellation before it is billing; "lost my bag" is
// a lost item before it is delivery). Patterns run on `NormalizedText.clean`.
// prettier-ignore
export const THEME_RULES: readonly { theme: ComplaintTheme; pattern: RegExp }[] = [
  { theme: 'outage', pattern: /\b(?:outage|is down|are down|went down|been down|goes down|(?:site|app|website|server|servers|service|network|system|internet|wifi|signal) (?:is |are |was |keeps )?(?:down|offline|not loading|not working|crash\w*)|no (?:signal|service|internet|power|wifi|connection)|can'?t connect|won'?t load|not loading|keeps crashing|crash(?:es|ed|ing)?)\b/ },
  { theme: 'account_login', pattern: /\b(?:log ?in|logged out|login|sign ?in|signed out|password|account (?:locked|suspended|hacked|blocked|disabled)|locked out|hacked|verification code|2fa|two factor|reset (?:my )?password|username)\b/ },
  { theme: 'cancellation', pattern: /\b(?:cancel+(?:ed|led|ation|ations|s)?|called off|scrapped)\b/ },
  { theme: 'delay', pattern: /\b(?:delay(?:ed|s)?|late|still on the ground|still waiting|been waiting|waiting for|on hold|holding for|hold times?|queue|hours? (?:wait|late|behind)|behind schedule|slow(?:est)?|taking (?:forever|so long|ages)|takes? forever)\b/ },
  { theme: 'lost_or_damaged', pattern: /\b(?:lost|missing|misplaced|damaged|broken|smashed|cracked|dented|crushed|stolen|never (?:arrived|came)|wrong (?:item|order|size|product))\b/ },
  { theme: 'delivery', pattern: /\b(?:deliver(?:y|ed|ies|ing)?|shipping|shipped|shipment|parcel|package|courier|tracking|dispatch(?:ed)?|order (?:hasn'?t|has not|never|still)|arriv(?:e|ed|al))\b/ },
  { theme: 'billing', pattern: /\b(?:bill(?:ed|ing|s)?|charg(?:e|ed|es|ing)|overcharg\w*|refund(?:ed|s)?|invoice|payment|paid|debit(?:ed)?|credit card|money back|chargeback|subscription fee)\b/ },
  { theme: 'price', pattern: /\b(?:price[sd]?|pricing|expensive|overpriced|rip ?off|cost(?:s|ly)?|fees?|too much money|afford|cheaper|price hike|raised (?:the )?prices?)\b/ },
  { theme: 'staff_service', pattern: /\b(?:staff|employee|agent|rep(?:resentative)?|customer (?:service|support|care)|support team|manager|rude|unhelpful|hung up|hang up|nobody (?:answers|helps|cares)|no one (?:answers|helps|cares)|no (?:response|reply|answer)|ignored|ignoring|attitude|service)\b/ },
  { theme: 'quality', pattern: /\b(?:quality|broke|stopped working|not working|doesn'?t work|defective|faulty|cheap(?:ly)? made|poor(?:ly)?|flimsy|stale|cold food|taste[sd]?|disgusting|bug(?:gy|s)?|glitch\w*|error|update (?:broke|ruined))\b/ },
];

// Matches exactly when one of the rules would (same patterns, no flags, no back-references).
const ANY_THEME = new RegExp(THEME_RULES.map((r) => `(?:${r.pattern.source})`).join('|'));

/**
 * The theme of a negative or complaining post, `other` when no rule names
 * one. Callers pass only posts that are negative or complaints; everything
 * else carries `none`.
 */
export function classifyTheme(clean: string): ComplaintTheme {
  // Most unhappy posts name no theme (94 % of TweetEval's): one scan tells, before ten.
  if (!ANY_THEME.test(clean)) return 'other';
  for (const r of THEME_RULES) if (r.pattern.test(clean)) return r.theme;
  return 'other';
}
