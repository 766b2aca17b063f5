// Cues a lexicon cannot see: a failure reported without a sentiment word,
// politeness wrapped around a complaint, sarcastic thanks. They run on
// `NormalizedText.clean` (lower case, URLs and handles gone, punctuation as
// separate tokens) and become features of the learned model and of the themes.

export interface ServiceCues {
  /** Distinct service-failure phrases ("still waiting", "on hold", "can't log in"), capped at 3. */
  failure: number;
  /** Polite framing around a request ("would be nice if", "i'd appreciate", "please help"). */
  polite: boolean;
  /** Praise words aimed at a failure ("thanks for the seat that doesn't recline"). */
  sarcasm: boolean;
  /** A complaint asked as a question or plea ("is your website down ?", "when will …"). */
  plea: boolean;
}

// Each pattern with the substrings it cannot match without, so most posts
// skip most regexes (the cues run on every English mention).
// prettier-ignore
export const FAILURE_PATTERNS: readonly { needs: readonly string[]; re: RegExp }[] = [
  { needs: ['delay', 'late', 'behind'], re: /\b(?:delay(?:ed|s)?|late again|running late|behind schedule)\b/ },
  { needs: ['cancel', 'called off'], re: /\b(?:cancel+(?:ed|ation|led)|called off)\b/ },
  { needs: ['hold', 'wait'], re: /\b(?:on hold|holding for|hold times?|kept (?:me )?waiting|still waiting|been waiting|waiting (?:for|on) (?:over|more than|\d+|a refund|my|an? answer|a reply|a response))\b/ },
  { needs: ['stuck', 'strand', 'trapped'], re: /\b(?:stuck|stranded|trapped)\b/ },
  { needs: ['still '], re: /\bstill (?:on the ground|no|not|nothing|haven'?t|hasn'?t|hadn'?t|isn'?t|aren'?t|doesn'?t|don'?t|can'?t|waiting|broken|down|missing)\b/ },
  { needs: ['lost', 'losing', 'misplaced', 'missing'], re: /\b(?:lost|losing|misplaced|missing) (?:my|our|the|a|an|his|her|their)?\s?\w+/ },
  { needs: ['refund', 'chargeback', 'money back', 'charg'], re: /\b(?:refund|chargeback|money back|overcharg\w*|double charged|charged (?:me )?twice|charged me)\b/ },
  { needs: ['outage', 'down', 'no '], re: /\b(?:outage|is down|are down|went down|goes down|been down|site down|app down|servers? down|no (?:signal|service|internet|power|wifi|connection))\b/ },
  { needs: ["'t", 'nt ', 'cannot', 'can not', 'unable', 'not able'], re: /\b(?:can'?t|cannot|can not|couldn'?t|unable to|won'?t let (?:me|us)|wouldn'?t let (?:me|us)|not able to|haven'?t been able to) (?:log ?in|sign ?in|login|access|get (?:in|through|on|a|an|my|any)|check ?in|connect|reach|talk|speak|use|pay|order|book|find|download|open|load|see|watch|cancel|return|track)\b/ },
  { needs: [' let '], re: /\b(?:won'?t|wouldn'?t|didn'?t|would not|will not) let (?:me|us)\b/ },
  { needs: ["n't", 'nt ', 'not '], re: /\b(?:doesn'?t|don'?t|won'?t|didn'?t|wouldn'?t|does not|will not) (?:recline|open|load|charge|turn on|start|fit|close|lock|connect|respond|update|sync|ship|refund)\b/ },
  { needs: ['work'], re: /\b(?:not working|doesn'?t work|didn'?t work|does not work|did not work|stopped working|won'?t work|isn'?t working|aren'?t working|never works?)\b/ },
  { needs: ['broke', 'crash', 'freez', 'froze', 'glitch', 'error', 'bug', 'faulty', 'defective', 'damaged', 'smashed', 'cracked'], re: /\b(?:broken|broke|crash(?:es|ed|ing)?|freez(?:es|ing)|froze|glitch(?:es|y|ing)?|error|bug(?:gy)?|faulty|defective|damaged|smashed|cracked)\b/ },
  { needs: ['never', "n't", 'nt ', 'not ', 'no '], re: /\b(?:never (?:arrived|came|showed|received|got|delivered|answered|responded|replied|called back)|hasn'?t (?:arrived|come|shipped)|haven'?t (?:received|got(?:ten)?|heard)|not (?:arrived|received|delivered)|no (?:response|reply|answer|one (?:answers|picks up|replies|responds)))\b/ },
  { needs: ['hung', 'hang', 'disconnect', 'dropped', 'keep'], re: /\b(?:hung up|hangs up|hang up on|disconnected|dropped (?:my |the )?call|keeps? (?:dropping|crashing|freezing|failing|hanging|cutting|buffering))\b/ },
  { needs: ['wrong', 'missing'], re: /\b(?:wrong (?:order|item|size|address|product|charge|bill|amount)|missing (?:items?|parts?|order|package|parcel|bag|luggage))\b/ },
  { needs: ['hour', 'hrs', 'day', 'week', 'month'], re: /\b(?:over|more than|almost|nearly|for) (?:an?|\d+|two|three|four|five|six|several) (?:hours?|hrs?|days?|weeks?|months?)\b/ },
];

const ANY_FAILURE = new RegExp(FAILURE_PATTERNS.map((p) => p.re.source).join('|'));

// prettier-ignore
export const POLITE_PATTERNS: readonly RegExp[] = [
  /\b(?:would be nice if|it would be (?:nice|great|good) (?:if|to)|i'?d appreciate|i would appreciate|would appreciate|kindly|please (?:help|fix|respond|reply|advise|look into|check|sort|get back)|could (?:you|someone|somebody) (?:please )?(?:help|fix|look|check|tell|explain|respond|get back)|any (?:update|news|indication|idea when)|i have been a (?:loyal|long ?time|good) customer|as a loyal customer)\b/,
];

const POLITE_NEEDS = [
  'would be',
  'nice',
  'appreciat',
  'kindly',
  'please',
  'could',
  'any ',
  'loyal',
  'long time',
  'longtime',
  'good customer',
];

const SARCASM_OPENERS =
  /\b(?:thanks? (?:for|again|a lot|so much)|thank you (?:for|so much)|great job|good job|nice job|well done|love (?:how|that|it when|the way)|so glad|just great|oh great|fantastic|brilliant|awesome|impressive|what a (?:great|wonderful|fantastic)|way to go|keep up the good work|appreciate (?:it|that|the))\b/;
const SARCASM_MARKERS =
  /(?:#\s?not\b|\byeah right\b|\bthanks for nothing\b|\bjust what i needed\b|\bsaid no one\b|\bas always\b|\bas usual\b|\bof course\b|\bsarcasm\b)/;
// Praise aimed at what a customer pays on top ("what an impressive list of fees").
const EXTRA_COSTS = /\b(?:fees|surcharges|hidden charges|extra charges|add-?on charges)\b/;
const PLEA_PATTERNS =
  /(?:\bis (?:your|the) (?:website|site|app|service|server|system|network|portal|page)s? down\b|\bwhy (?:is|are|does|do|can'?t|won'?t|isn'?t|aren'?t|hasn'?t|haven'?t|did|would) (?:my|our|the|your|it|i|we|this|there)\b|\bwhen (?:will|is|are|can) (?:my|our|i|we|you|the|it)\b|\bhow (?:long|much longer|many more) (?:do|will|does|should|must|is|are)\b|\bwhat (?:is going on|'s going on|happened to)\b|\bwhere is my\b|\bhelp !|\bsomeone help\b)/;

// The substrings as one regex of escaped literals: one scan instead of an `includes` each.
const POLITE_NEED = new RegExp(
  POLITE_NEEDS.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
);

/** Reads the service cues of one post's clean text. Pure; a few regex tests per post. */
export function detectServiceCues(clean: string): ServiceCues {
  let failure = 0;
  // One scan says whether any failure pattern matches (most posts: none); only then count them.
  if (ANY_FAILURE.test(clean)) {
    for (const p of FAILURE_PATTERNS) {
      if (p.needs.some((n) => clean.includes(n)) && p.re.test(clean) && ++failure >= 3) break;
    }
  }
  const polite = POLITE_NEED.test(clean) && POLITE_PATTERNS.some((re) => re.test(clean));
  const sarcasm =
    SARCASM_MARKERS.test(clean) ||
    ((failure > 0 || EXTRA_COSTS.test(clean)) && SARCASM_OPENERS.test(clean));
  const plea = PLEA_PATTERNS.test(clean);
  return { failure, polite, sarcasm, plea };
}
