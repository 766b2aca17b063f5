import { IntentLabelSymbols, type IntentLabel } from '@hark/events';

/** The intents the Mention schema can carry, in schema order. */
export const INTENT_LABELS = IntentLabelSymbols;
export type { IntentLabel };

export interface IntentRule {
  id: string;
  label: IntentLabel;
  /** A strong rule decides on its own; a weak one only tilts the classifier. */
  strength: 'strong' | 'weak';
  confidence: number;
  pattern: RegExp;
  /**
   * Cheap pre-check: the pattern cannot match unless the text contains one of
   * these substrings, so most rules are skipped without running the regex.
   */
  needs?: readonly string[];
  /** The rule does not fire when this holds (an angry "why …?" is a complaint, not a question). */
  unless?: (ctx: RuleContext) => boolean;
}

export interface RuleContext {
  /** Sentiment score in [-1, 1]. */
  sentiment: number;
}

export interface RuleHit {
  id: string;
  label: IntentLabel;
  strength: 'strong' | 'weak';
  confidence: number;
}

// Rules run on `NormalizedText.clean`: lower case, URLs and handles gone,
// hashtags split, punctuation as separate tokens ("how do i pay ?").
const NOT_A_PURCHASE = String.raw`(?! (?:a |my |the |our |any |some )?(?:refund|money|help|support|answer|response|reply|compensation|back|hold|through|in touch|rid|someone|anyone|ahold|a human|an agent))`;
const SENTENCE_START = String.raw`(?:^|[.!?;:\-#] )`;

const negative = (threshold: number) => (ctx: RuleContext) => ctx.sentiment <= threshold;
const notPositive = (threshold: number) => (ctx: RuleContext) => ctx.sentiment < threshold;

/**
 * Strong patterns in priority order: when several strong rules fire, the
 * first wins (churn outranks purchase, purchase outranks question, …),
 * because routing a churn signal as a mere complaint costs more than the
 * reverse.
 */
// prettier-ignore
export const INTENT_RULES: readonly IntentRule[] = [
  // churn_risk: leaving, cancelling, switching away
  { id: 'churn.cancel-account', needs: ['cancel', 'terminat', 'clos', 'end'], label: 'churn_risk', strength: 'strong', confidence: 0.9,
    pattern: /\b(?:cancel+(?:ing|ed|led)?|terminat(?:e|ing|ed)|clos(?:e|ing|ed)|end(?:ing)?) (?:my|our) (?:\w+ )?(?:subscription|account|membership|contract|plan|service|policy|line|sub|card)s?\b/ },
  { id: 'churn.switching-away', needs: ['switch', 'port'], label: 'churn_risk', strength: 'strong', confidence: 0.85,
    pattern: /\b(?:switch(?:ing|ed)?|port(?:ing|ed)?) (?:my \w+ |providers? |carriers? |banks? |networks? )?(?:over )?to (?!(?:the|a|an|dark|light|annual|yearly|monthly|premium|pro|new|your|you|u|auto|paperless|e|wifi|airplane|\d+)\b)\w+/ },
  { id: 'churn.switching-providers', needs: ['switch', 'chang'], label: 'churn_risk', strength: 'strong', confidence: 0.9,
    pattern: /\b(?:switch(?:ing|ed)?|chang(?:e|ing|ed)) (?:providers?|carriers?|banks?|networks?|isps?|airlines?|insurers?)\b/ },
  { id: 'churn.done-with', needs: ['done with'], label: 'churn_risk', strength: 'strong', confidence: 0.85,
    pattern: /\b(?:i'?m|im|we'?re|i am|we are|so|officially|totally|finally) (?:so |officially |totally |absolutely |finally )?done with (?:you|u|this|them|\w+)\b/ },
  { id: 'churn.never-again', needs: ['never', 'last time', 'won', 'will not', 'not going', 'ain', 'lost', 'losing'], label: 'churn_risk', strength: 'strong', confidence: 0.88,
    pattern: /\b(?:never (?:again|flying|ordering|buying|booking|shopping|staying|banking|going back|coming back|renewing)\b|last time i(?:'ll| will)? (?:ever )?(?:fly|order|buy|book|shop|stay|use|deal|bank)|(?:won'?t|will not|never going to|not going to|ain'?t|wont) (?:ever )?(?:be )?(?:coming back|returning|renewing|fly(?:ing)? (?:with|on)|order(?:ing)? from|buy(?:ing)? from|book(?:ing)? with|shop(?:ping)? (?:at|with|here)|stay(?:ing)? (?:at|with)|deal(?:ing)? with|bank(?:ing)? with)|(?:lost|losing) (?:a|me as a|another) customer|you (?:just )?lost (?:a|me|my business))/ },
  { id: 'churn.considering-leaving', label: 'churn_risk', strength: 'strong', confidence: 0.85,
    pattern: /\b(?:looking (?:for|at|into) (?:an? )?(?:alternatives?|other (?:options|providers|banks|carriers|airlines|apps))|shopping around|(?:thinking|considering|thinking about|thinking of|time to|ready to|about to|might|planning (?:to|on)|going to|gonna|will|seriously considering|tempted to) (?:just )?(?:switch|switching|leave|leaving|cancel+|cancel+ing|quit|quitting|ditch|ditching|drop|dropping|port|porting|unsubscribe|unsubscribing|close my account|closing my account|move my (?:money|account|business))|take my (?:business|money) elsewhere|taking my (?:business|money) elsewhere|unsubscrib(?:e|ed|ing)\b|port(?:ing|ed)? (?:my|our) numbers?|(?:leaving|ditching|dumping|dropping|quitting) (?:you|u|them)\b|(?:moving|move) my (?:money|account|accounts|business) (?:to|elsewhere)|(?:delet|uninstall)(?:e|ed|ing) (?:my account|(?:the |your |this )?(?:\w+ )?app)|(?:and|or|then) (?:i'?m|im|i am|we'?re|we are) (?:gone|out|outta here|leaving)|(?:bye|goodbye) forever|(?:switched|moved|went) (?:over )?to (?!the\b|a\b)\w+ (?:and|last|yesterday|after|because|instead|finally|today))/ },

  // purchase_intent: about to buy, or asking what they need to buy
  { id: 'purchase.where-to-buy', needs: ['where', 'how'], label: 'purchase_intent', strength: 'strong', confidence: 0.88,
    pattern: new RegExp(String.raw`\b(?:where (?:can|do|could|would|should) (?:i|we) (?:buy|get|order|purchase|pre ?order|preorder|book|sign up for|subscribe to|grab)|how (?:can|do|could) (?:i|we) (?:buy|purchase|pre ?order|preorder|sign up for|subscribe to))\b${NOT_A_PURCHASE}`) },
  { id: 'purchase.plans-to-buy', label: 'purchase_intent', strength: 'strong', confidence: 0.85,
    pattern: new RegExp(String.raw`\b(?:thinking (?:of|about)|considering|planning (?:to|on)|about to|want(?:ing)? to|wanna|gonna|going to|ready to|looking to|might|will (?:definitely |probably )?|can'?t wait to|cant wait to|dying to|need to|tempted to|saving up (?:for|to)|finally going to) (?:finally |definitely |probably |just )?(?:buy|buying|get|getting|order|ordering|purchase|purchasing|upgrade|upgrading|book|booking|subscribe|subscribing|sign(?:ing)? up|try|trying|preorder|pre ?order(?:ing)?|grab|grabbing|pick(?:ing)? up|treat myself|switch(?:ing)? (?:over )?to (?:you|u|your))\b${NOT_A_PURCHASE}`) },
  { id: 'purchase.price-and-stock', label: 'purchase_intent', strength: 'strong', confidence: 0.85,
    pattern: /\b(?:how much (?:is|are|does|do|for|would|will)|what(?:'?s| is| are) the (?:price|cost|rates?|monthly cost)|price (?:of|for)|any (?:deals|discounts|promos?|promo codes?|coupons?|offers) (?:on|for)|discount code|promo code|is (?:it|this|there|the \w+) (?:available|in stock|still available|back in stock)|back in stock|when (?:is|does|will) (?:it|the \w+(?: \w+)?) (?:come out|launch|release|drop|be available|go on sale|restock|be back)|pre ?orders? (?:open|start|live)|take my money|add(?:ed)? (?:it )?to (?:my )?cart|in my cart|worth (?:buying|getting|the upgrade|upgrading|it for)|which (?:one|plan|model|version|size|card|package|tier|shade|trim|room) should i|should i (?:buy|get|go with|upgrade|order|book|pick|choose)|do you (?:ship|deliver) to|do you (?:have|sell|stock) (?:this|it|the \w+|any)|(?:looking for|recommend me) (?:a|an) (?:new |good )?(?:phone|laptop|plan|bank|card|car|hotel|flight|serum|foundation|moisturi[sz]er|provider|carrier|game|console|mattress))\b/,
    unless: negative(-0.4) },

  // suggestion: proposing a change
  { id: 'suggestion.you-should', needs: ['should', 'could', 'ought', 'gotta', 'need'], label: 'suggestion', strength: 'strong', confidence: 0.85,
    pattern: /\b(?:you|u|they|\w+) (?:guys |all |really |seriously |honestly |definitely )?(?:should|could|ought to|gotta|need to|needs to) (?:really |seriously |honestly |definitely |totally |just |also |consider |think about )?(?:add|adding|make an? option|let us|let users|allow|bring back|offer|offering|include|introduce|implement|create an?|launch an?|enable|sell|stock|partner with|extend|expand|integrate|release an?|support|have an? option)\b/,
    unless: negative(-0.5) },
  { id: 'suggestion.would-be-nice', label: 'suggestion', strength: 'strong', confidence: 0.88,
    pattern: /\b(?:(?:it )?would be (?:so |really |very |super |even |pretty |extra )?(?:great|nice|awesome|cool|good|helpful|amazing|better|lovely|fantastic|handy|useful|ideal|sick|dope) (?:if|to have|to see|to get|to be able)|it'?d be (?:so |really |very |super )?(?:great|nice|cool|awesome|good|helpful|handy|useful|amazing) (?:if|to)|would (?:really )?love (?:it )?if|(?:i'?d|i would|we'?d|we would|id) (?:really |so )?love (?:to see|to have|an option|a way|a feature|more|some|the option)|(?:i |we |really |just )?wish (?:you|u|they|there (?:was|were|is|are|would be)|it (?:had|has|could|would|came|supported)|the (?:app|site|website|game|phone|car|menu|hotel|store|plan|card|software|tool) (?:had|has|could|would|was|supported))|please (?:add|bring back|make an? option|consider|let us|allow|include|introduce|give us (?:an? |the )?(?:option|way|choice)|offer|stock|expand|extend|support)|feature request|suggestion (?::|for)|idea (?::|for)|why not (?:add|make|offer|let|have|include|allow|bring)|how about (?:adding|a |an |making|offering|letting|some)|(?:consider|considered) (?:adding|making|offering|bringing|letting)|bring (?:it |them |this |that |the \w+ )?back|add (?:an? |the )?option|give (?:us|users|customers) (?:an? |the )?(?:option|choice|way)|(?:can|could) (?:you|u) (?:guys |all |please )?(?:add|bring back|make an? option|offer|include|introduce|consider adding|start offering|stock|support)|needs? (?:an? |the )?(?:option|setting|toggle|filter|way) to|an option to)\b/,
    unless: negative(-0.6) },

  // complaint: a concrete problem or a bad experience
  { id: 'complaint.service-failure', label: 'complaint', strength: 'strong', confidence: 0.85,
    pattern: /\b(?:still (?:no|not|waiting|haven'?t|hasn'?t|nothing|broken|down|charging me)|been (?:on hold|waiting)|on hold for|(?:charged|billed) (?:me )?(?:twice|double|two times|again|for something)|double charged|overcharged|never (?:arrived|received|showed(?: up)?|came|got (?:my|a|the|back|it))|(?:lost|damaged|broke|broken|destroyed|misplaced) (?:my )?(?:luggage|bag|bags|suitcase|package|parcel|order|stroller)|(?:no|zero) (?:signal|service|internet|wifi|connection|coverage|response|reply|answer)\b|no one (?:answers|is answering|picks up|cares|responded|got back|called)|(?:is|are|went|still|been) down (?:again|for|since|all)|outage|keeps (?:crashing|dropping|freezing|logging me out|disconnecting|failing|declining|cutting out|buffering)|(?:doesn'?t|does not|won'?t|will not|didn'?t|did not|isn'?t|not) (?:work|working|load|loading|connect|connecting|open|charge|charging|arrive|sync|syncing)\b|(?:worst|terrible|awful|horrible|pathetic|disgusting|useless|shocking|appalling) (?:customer )?(?:service|experience|support|app|company|airline|bank|flight|food|hotel|provider|update|delivery)|wrong (?:order|item|size|charge|amount|food)|where(?:'?s| is| the hell is) my (?:order|refund|package|parcel|food|delivery|money|bag|luggage)|unacceptable|rip ?off|(?:fix|sort) (?:this|it|your \w+) (?:out|already|asap|now)|i want (?:a|my) refund|give me (?:a|my) refund)\b/,
    unless: (ctx) => ctx.sentiment >= 0.5 },

  // question: asking for information or help
  { id: 'question.asking', label: 'question', strength: 'strong', confidence: 0.8,
    pattern: /\b(?:does anyone know|anyone know|can (?:someone|anyone|you) (?:tell|help|explain|confirm|clarify|advise)|is it (?:possible|normal|safe|true) (?:to|that)|quick question|question (?:for|about)|i have a question|wondering (?:if|whether|how|what|why|when)|any (?:idea|ideas|advice|tips) (?:on|how|why|what|if)|how do (?:i|you|we)|how can (?:i|we)|how (?:long|often) (?:does|do|will|is)|what(?:'?s| is) the (?:best )?(?:way|process|number|email|policy|difference|status|deadline|procedure)|i was wondering|curious (?:if|whether|how|what|about))\b/,
    unless: negative(-0.35) },
  { id: 'question.wh-question', needs: ['?'], label: 'question', strength: 'strong', confidence: 0.75,
    pattern: new RegExp(String.raw`${SENTENCE_START}(?:how (?:do|can|does|to|would|should|long|many|much)|what(?:'?s| is| are| does| do| time| happens| kind)|where (?:is|are|do|can|does)|when (?:is|are|do|does|will|can)|which|who (?:do|can|should|is)|is (?:it|there|this|the)|are (?:there|you|the)|can (?:i|you|we|someone|anyone)|could (?:i|you|someone|anyone)|do (?:you|i|we|they)|does (?:anyone|anybody|the|it|this)|anyone (?:know|else|tried)|any (?:idea|ideas|way|update|news)|has anyone|have you|will (?:the|there|it|you)|should i)\b[^.!]*\?`),
    unless: negative(-0.2) },

  // praise: thanks, recommendation, delight
  { id: 'praise.thanks-and-recommend', label: 'praise', strength: 'strong', confidence: 0.85,
    pattern: /\b(?:thank(?:s| you)(?: so much| a lot| again)?(?: to)? (?:for|to|team)|shout ?out to|kudos to|props to|hats off|highly recommend|(?:i|we) (?:really |totally |definitely |would )?recommend|well done|you guys (?:rock|are (?:the best|awesome|amazing|great))|(?:best|great|amazing|awesome|excellent|fantastic|brilliant|stellar|outstanding|superb) (?:customer )?(?:service|support|experience|app|bank|airline|flight|food|hotel|stay|company|provider|team|staff|update|crew|delivery)|love (?:you|u|my new|the new|this|it|how|that)|10 ?\/ ?10|5 ?\/ ?5|five stars|5 stars|above and beyond|never disappoints?|nailed it|game ?changer|(?:so|very|really|super) (?:happy|pleased|impressed|satisfied) with)\b/,
    unless: notPositive(0.25) },

  // weak hints
  { id: 'question.mark', needs: ['?'], label: 'question', strength: 'weak', confidence: 0.55, pattern: /\?/ },
  { id: 'complaint.why-my', needs: ['why'], label: 'complaint', strength: 'weak', confidence: 0.6,
    pattern: new RegExp(String.raw`${SENTENCE_START}why (?:is|are|does|do|did|can'?t|won'?t|isn'?t|hasn'?t|haven'?t|would|the hell) (?:my|our|the|it|this|you|your|there)\b`) },
];

/**
 * The rules that fire, in priority order. With `stopAtStrong`, scanning stops
 * at the first strong hit (nothing after it can change the decision).
 */
export function matchIntentRules(
  clean: string,
  ctx: RuleContext,
  opts: { rules?: readonly IntentRule[]; stopAtStrong?: boolean } = {},
): RuleHit[] {
  const hits: RuleHit[] = [];
  const rules = opts.rules ?? INTENT_RULES;
  // Undefined until the first rule without a pre-check: whether any of those can match at all.
  let someUnchecked: boolean | undefined;
  for (const r of rules) {
    if (r.needs) {
      if (!containsAny(clean, r.needs)) continue;
    } else {
      someUnchecked ??= uncheckedUnion(rules)?.test(clean) ?? true;
      if (!someUnchecked) continue;
    }
    if (!r.pattern.test(clean)) continue;
    if (r.unless?.(ctx)) continue;
    hits.push({ id: r.id, label: r.label, strength: r.strength, confidence: r.confidence });
    if (opts.stopAtStrong && r.strength === 'strong') break;
  }
  return hits;
}

const UNIONS = new WeakMap<readonly IntentRule[], RegExp | null>();

/**
 * One regex for all the rules without `needs`: it matches exactly when one of
 * them would, so the ~98 % of posts that none of them fits pay one scan
 * instead of one per rule. Null (no shortcut) when a pattern has flags or
 * back-references that a plain alternation would not keep.
 */
function uncheckedUnion(rules: readonly IntentRule[]): RegExp | null {
  let union = UNIONS.get(rules);
  if (union === undefined) {
    const unchecked = rules.filter((r) => !r.needs).map((r) => r.pattern);
    const plain = unchecked.every((re) => re.flags === '' && !/\\[1-9]|\(\?<[^=!]/.test(re.source));
    union = plain ? new RegExp(unchecked.map((re) => `(?:${re.source})`).join('|')) : null;
    UNIONS.set(rules, union);
  }
  return union;
}

const NEEDLES = new WeakMap<readonly string[], RegExp>();

/** Whether `text` contains one of `needles`: one regex of the escaped literals beats an `includes` each. */
function containsAny(text: string, needles: readonly string[]): boolean {
  if (needles.length === 0) return false;
  let re = NEEDLES.get(needles);
  if (re === undefined) {
    re = new RegExp(needles.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
    NEEDLES.set(needles, re);
  }
  return re.test(text);
}
