import type { LexiconSpec } from '../sentiment.ts';

/**
 * English on top of AFINN-165 (natural's English vocabulary). AFINN was built
 * from tweets in 2009–2011; brand mentions need three kinds of changes:
 * words that are neutral in customer talk ("support", "care", "help",
 * "please", "like" as a filler), service words AFINN lacks ("laggy",
 * "outage", "overcharged", "seamless"), and slang ("smh", "goated", "mid").
 * Values are on AFINN's -5..5 scale.
 */
export const ENGLISH: Omit<LexiconSpec, 'base'> = {
  lang: 'en',
  inflections: englishInflections,
  // prettier-ignore
  overrides: {
    // neutral in customer talk
    like: 0, please: 0, help: 0, support: 0, care: 0, top: 0, want: 0, wish: 0, kind: 0, matter: 0,
    matters: 0, god: 0, jesus: 0, no: 0, pay: 0, fire: 0, yes: 0.5, free: 0.5, hope: 1, hopefully: 0.5,
    interested: 0.5, true: 0.5, dear: 0, clear: 0.5, mercy: 0, justice: 0, yeah: 0.5, sure: 0.5,
    // softened: often ironic or filler in complaints
    lol: 0.5, lmao: 1, lmfao: 1, rofl: 1, haha: 1.5, hahaha: 1.5, hehe: 1.5, ha: 0.5, funny: 1,
    hilarious: 1, joke: -1.5, jokes: -1, joking: -1, wow: 1.5, fun: 3, win: 2, winner: 2, luck: 1,
    lucky: 2, pretty: 1.5, super: 2, fine: 1, charged: -1, charges: -0.5, charge: 0, sorry: -0.5,
    cut: -0.5, cuts: -0.5, hard: -0.5, limited: -0.5, crazy: -1, insane: -1, sick: -1, dead: -1,
    kill: -1.5, killing: -1, mad: -2, hell: -2, shit: -3, fucking: -2, damn: -1.5, lost: -2,
    crying: -1.5, cry: -1, avoid: -1.5, easy: 1.5, trust: 1, thank: 2, thanks: 2,
    // service and product problems
    slow: -1.5, slower: -1.5, slowest: -2, sluggish: -2, laggy: -2, lag: -1.5, lagging: -1.5,
    lags: -1.5, buggy: -2, bug: -1, bugs: -1.5, glitch: -1.5, glitches: -1.5, glitchy: -2,
    janky: -2, clunky: -1.5, crashes: -2, crashed: -2, crashing: -2, freezes: -2, froze: -1.5,
    frozen: -1, unresponsive: -2, unusable: -3, broken: -2, breaks: -1.5, outage: -2.5,
    outages: -2.5, offline: -1, disconnects: -2, disconnected: -1.5, disconnecting: -2, dropped: -1.5,
    dropping: -1.5, drops: -1.5, spotty: -1.5, patchy: -1.5, unreliable: -2, unstable: -1.5,
    delayed: -2, delay: -1.5, delays: -1.5, late: -1.5, cancelled: -1.5, canceled: -1.5,
    overbooked: -2.5, stranded: -2.5, missing: -1.5, damaged: -2, smashed: -2, leaking: -2,
    leaks: -1.5, cracked: -1.5, defective: -2.5, faulty: -2.5, stale: -2, soggy: -2,
    undercooked: -2, overcooked: -1.5, greasy: -1.5, bland: -1.5, tasteless: -2, inedible: -3,
    burnt: -1.5, incorrect: -1.5, error: -1.5, errors: -1.5, failed: -2, failing: -2, fails: -2,
    fail: -2.5, unhelpful: -2.5, useless: -2.5, rude: -2.5, incompetent: -3, clueless: -2,
    ignored: -2, ignoring: -2, ghosted: -2.5, overcharged: -2.5, overcharging: -2.5, fees: -0.5,
    scam: -3, scammed: -3, scammers: -3, scammy: -2.5, ripoff: -3, dirty: -2, filthy: -3,
    smelly: -2, stinks: -2, mouldy: -2.5, moldy: -2.5, noisy: -1.5, cramped: -1.5,
    uncomfortable: -2, itchy: -1.5, rash: -2, irritation: -2, irritated: -2, sticky: -1,
    streaky: -1.5, flaky: -1.5, counterfeit: -2.5, drained: -1.5, draining: -1.5,
    overheating: -2, overheats: -2, throttled: -2, throttling: -2, nightmare: -3, disaster: -3,
    mess: -2, shambles: -3, clown: -2, clowns: -2, trash: -2.5, garbage: -2.5, rubbish: -2.5,
    meh: -1, mid: -1, ugh: -2, smh: -1.5, ffs: -2.5, fml: -2.5, yikes: -2, oof: -1.5, bruh: -0.5,
    sigh: -1, sus: -1, shady: -2, sketchy: -2, dodgy: -2, bs: -2.5, hassle: -2, infuriating: -3,
    infuriated: -3, livid: -3.5, fuming: -3, gutted: -2.5, unacceptable: -3, disgraceful: -3,
    shameful: -3, appalling: -3, atrocious: -3.5, abysmal: -3.5, horrendous: -3.5, dreadful: -3,
    lousy: -2.5, subpar: -2, mediocre: -1.5, underwhelming: -2, underwhelmed: -2, overrated: -1.5,
    disappointment: -2.5, regretting: -2, waste: -2, wasted: -2, lies: -2.5, lied: -2.5, liars: -3,
    misleading: -2.5, unprofessional: -2.5, waiting: -0.5, overpriced: -2.5, pricey: -1,
    expensive: -1, worst: -3.5, wtf: -3, idiots: -3, hold: 0, queue: -0.5, queues: -1,
    downgrade: -1, downgraded: -1.5, bricked: -3, sucks: -3, sucked: -3, sucky: -2.5,
    // things going right
    fast: 1.5, faster: 1.5, fastest: 2, quickly: 1, speedy: 2, smooth: 2, smoothly: 2,
    seamless: 2.5, seamlessly: 2.5, snappy: 2, responsive: 1.5, reliable: 2, stable: 1,
    intuitive: 2, painless: 2, effortless: 2, polite: 2, courteous: 2, attentive: 2,
    professional: 1.5, knowledgeable: 2, patient: 1, accommodating: 2, helpful: 2.5, helped: 1.5,
    helps: 1, lifesaver: 3, legend: 2.5, legends: 2.5, goat: 2, goated: 3, slaps: 2.5, banger: 2.5,
    lit: 1.5, dope: 2, tasty: 2.5, yummy: 2.5, yum: 2, crispy: 1, comfy: 2, comfortable: 2,
    cozy: 2, spotless: 2.5, spacious: 1.5, glowing: 2, flawless: 3, flawlessly: 3, affordable: 1.5,
    bargain: 1.5, upgraded: 1, refunded: 1, resolved: 1.5, sorted: 1.5, fixed: 1, solved: 1.5,
    works: 0.5, recommend: 2.5, recommended: 2, recommending: 2, obsessed: 2.5, gamechanger: 3,
    kudos: 3, props: 2, shoutout: 2, bravo: 3, thx: 2, ty: 2, tysm: 3, thnx: 2, thanx: 2, luv: 3,
    gr8: 3, yay: 2.5, woohoo: 2.5, woo: 2, perfectly: 3, stellar: 3, superb: 3, topnotch: 3,
    likes: 2, liked: 2, liking: 2, loving: 3, impressed: 3, impressive: 3, refreshing: 2,
    ok: 0.5, okay: 0.5, decent: 1, solid: 1.5, cheaper: 0.5, reasonable: 1, generous: 2,
    // common misspellings and chat spellings
    dissapointed: -2, disapointed: -2, dissapointing: -2, disapointing: -2, terible: -3, horible: -3,
    awsome: 4, amazin: 3, realy: 0, definately: 0, pls: 0, plz: 0, tbh: 0, ngl: 0, fr: 0, imo: 0,
    // service words AFINN lacks
    issue: -1, issues: -1.5, declined: -1.5, pending: -0.5, extortionate: -3, interest: 0,
    early: 0.5, credited: 0.5, promptly: 2, prompt: 1.5, efficient: 2, simple: 1,
    honestly: 0, chance: 0.5, wonder: 0, wondering: 0, console: 0, huge: 0, quick: 0.5,
    nothing: -1, nope: -1, nah: -0.5, nada: -1, promised: 0, promise: 0, promises: -0.5,
    cheers: 0.5, straight: 0, grand: 1, suites: 0, suite: 0,
  },
  // prettier-ignore
  phrases: {
    'never again': -2.5, 'waste of time': -3, 'waste of money': -3, 'rip off': -3, 'ripped off': -3,
    'on hold': -1.5, 'not working': -2, "doesn't work": -2, 'does not work': -2, 'stopped working': -2.5,
    'still waiting': -2, 'took forever': -2, 'takes forever': -2, 'taking forever': -2,
    'highly recommend': 3, 'well done': 2.5, 'shout out': 2, 'game changer': 3, 'hats off': 3,
    '5 stars': 3, 'five stars': 3, '4 stars': 2, 'four stars': 2, '1 star': -3, 'one star': -3,
    'zero stars': -3, '0 stars': -3, '2 stars': -1.5, 'two stars': -1.5, "can't wait": 2,
    'cant wait': 2, 'can not wait': 2, "can't complain": 1.5, 'cant complain': 1.5,
    "couldn't be happier": 3, 'couldnt be happier': 3, "couldn't be better": 3,
    "couldn't be worse": -3, "don't care": -2, "doesn't care": -2, 'do not care': -2,
    "couldn't care less": -2.5, 'fed up': -3, 'sick of': -3, 'tired of': -2.5, 'let down': -2,
    'thanks for nothing': -3, 'out of stock': -1, 'on time': 1.5, 'ahead of schedule': 2,
    'up and running': 1.5, 'spot on': 2.5, 'top notch': 3, 'above and beyond': 3,
    'hit or miss': -1, 'worth it': 2, 'worth every penny': 3, 'value for money': 2,
    'a steal': 2, 'killing it': 3, 'killed it': 3, 'nailed it': 3, 'hassle free': 2.5,
    'no brainer': 2, "chef's kiss": 3, 'chefs kiss': 3, 'customer service': 0,
    'customer support': 0, 'customer care': 0, 'tech support': 0, 'help desk': 0,
    // "a loyal customer" frames a grievance, not praise (issue 19)
    'loyal customer': 0, 'loyal customers': 0,
    'no problem': 1, 'no worries': 1, 'thank you': 2, 'thank u': 2, 'over it': -1.5,
    'had enough': -2, 'hidden fees': -2.5, 'hidden charges': -2.5, 'pain in the ass': -3,
    'what a joke': -2.5, 'for hours': -1, 'for days': -1, 'for weeks': -1.5,
    'cancelled my flight': -1.5, 'the worst': -3.5, 'blown away': 3, 'over the moon': 3,
    'fingers crossed': 0.5, "don't get me wrong": 0, 'dont get me wrong': 0, 'kind of': 0,
    'sort of': 0, 'fucking up': -3, 'messed up': -2.5, 'screwed up': -3, 'screwed over': -3,
    'went down': -1.5, 'is down': -2, 'are down': -2, 'still down': -2.5, 'down again': -2.5,
    'keeps crashing': -3, 'keeps dropping': -2.5, 'keeps freezing': -2.5, 'go to': 0,
    'thanks a million': 3, 'much appreciated': 2.5, 'love it': 3, 'love this': 3,
    'no thanks': -1, 'good luck': 0, 'good grief': -1.5, 'oh well': -0.5, 'not bad': 1.5,
    "can't believe": 0, 'cant believe': 0, 'can not believe': 0, "can't even": -1, 'cant even': -1,
    'not sure': -0.3, 'no idea': -0.5, 'no wonder': -0.5, 'no matter': 0, 'not to mention': 0,
    'nothing but': 0, 'no doubt': 1, 'thanks in advance': 0.5, 'thank you in advance': 0.5,
    'raising prices': -1.5, 'raised prices': -1.5, 'raised the price': -1.5, 'price hike': -2,
    'price increase': -1.5, 'prices up': -1.5, 'broke me out': -2.5, 'broke out': -1.5,
    'this is how you treat': -2, 'would be great': 0.5, 'would be nice': 0.5, 'would be awesome': 0.5,
    'would be cool': 0.5, 'would be amazing': 0.5, 'would be helpful': 0.3, 'would be better': 0,
    "it'd be great": 0.5, "it'd be nice": 0.5, 'would love': 0.5, "i'd love": 0.5, 'id love': 0.5,
    'locked out': -2, 'hung up': -2, 'hung up on me': -2.5, 'daylight robbery': -3, 'sold out': -0.5,
    'without warning': -1.5, 'without notice': -1.5, 'logs me out': -1.5, 'logged me out': -1.5,
    'quick question': 0, 'torn between': 0, 'gluten free': 0, 'cruelty free': 1, 'fragrance free': 0.5,
    'would be lovely': 0.5, 'would be fantastic': 0.5, 'be able to': 0,
  },
  // prettier-ignore
  negators: [
    'not', 'never', 'neither', 'nor', 'none', 'nobody', 'nothing', 'nowhere', 'without', 'cannot',
    'cant', 'dont', 'doesnt', 'didnt', 'isnt', 'wasnt', 'arent', 'werent', 'wont', 'wouldnt',
    'shouldnt', 'couldnt', 'havent', 'hasnt', 'hadnt', 'aint', 'barely', 'hardly', 'neva', 'no',
    'nope', 'nah', 'lacks', 'lacking', 'zero',
  ],
  // prettier-ignore
  intensifiers: {
    absolutely: 0.3, completely: 0.3, totally: 0.3, extremely: 0.3, very: 0.3, really: 0.3,
    so: 0.3, super: 0.3, incredibly: 0.3, insanely: 0.3, ridiculously: 0.3, seriously: 0.3,
    truly: 0.3, utterly: 0.3, highly: 0.3, hugely: 0.3, massively: 0.3, mega: 0.3, way: 0.2,
    too: 0.2, such: 0.2, most: 0.2, literally: 0.15, damn: 0.3, fucking: 0.3, freaking: 0.3,
    friggin: 0.3, frickin: 0.3, bloody: 0.3, hella: 0.3, deeply: 0.2, genuinely: 0.2,
    especially: 0.2, quite: 0.1, pretty: 0.15, real: 0.15, exceptionally: 0.3, beyond: 0.2,
    slightly: -0.3, somewhat: -0.3, kinda: -0.3, sorta: -0.3, 'kind of': -0.3, 'sort of': -0.3,
    'a bit': -0.3, 'a little': -0.3, 'a tad': -0.3, 'little bit': -0.3, fairly: -0.1,
    huge: 0.2, marginally: -0.3, partly: -0.3, mostly: -0.1, occasionally: -0.3,
  },
  // Intensifiers written after the word: "slow af".
  postIntensifiers: { af: 0.4, asf: 0.4 },
  // prettier-ignore
  interjections: [
    'smh', 'ugh', 'lol', 'lmao', 'lmfao', 'rofl', 'haha', 'hehe', 'ffs', 'wtf', 'fml', 'yikes', 'oof',
    'sigh', 'meh', 'bruh', 'omg', 'yay', 'woohoo', 'wow', 'ty', 'thx', 'tysm', 'kudos', 'bravo',
  ],
  contrast: ['but', 'however', 'except', 'otherwise', 'nevertheless', 'nonetheless'],
  concessive: ['although', 'though', 'tho'],
  // Neutral words that turn negative when negated: expectations that were not met.
  // prettier-ignore
  negatedNegative: [
    'work', 'works', 'worked', 'working', 'load', 'loads', 'loading', 'arrive', 'arrived',
    'arrives', 'show', 'showed', 'shown', 'respond', 'responded', 'responds', 'responding',
    'reply', 'replied', 'replies', 'answer', 'answered', 'answers', 'answering', 'deliver',
    'delivered', 'connect', 'connected', 'connecting', 'charging', 'ship', 'shipped', 'received',
    'receive', 'got', 'get', 'refund', 'signal', 'service', 'internet', 'wifi', 'connection',
    'coverage', 'response', 'help', 'update', 'fix', 'resolve', 'resolved', 'sound', 'power',
    'open', 'opens', 'start', 'starts', 'boot', 'boots', 'sync', 'syncs', 'syncing', 'print',
    'login', 'log', 'sign', 'come', 'came', 'back', 'return', 'returned', 'call', 'called',
    'contact', 'contacted', 'honor', 'honored', 'honour', 'honoured', 'applied', 'apply',
    'processed', 'recognize', 'recognized', 'accepted', 'accept', 'found', 'available', 'stock',
    'option', 'options', 'heat', 'water', 'reception', 'data', 'updates', 'compensation',
    'apology', 'explanation', 'communication', 'info', 'information', 'progress', 'luck',
    'tracking', 'notification', 'confirmation', 'email', 'update', 'clue', 'idea', 'sense',
    'listen', 'listening', 'care', 'bother', 'bothered', 'acknowledge', 'acknowledged', 'fixed',
    'renew', 'renewing', 'recommend', 'recommending', 'refunded', 'helped', 'solved',
  ],
  contextual: {
    // "like" is a filler or a preposition unless someone likes something.
    like: {
      valence: 2,
      // prettier-ignore
      after: [
        'i', 'we', 'you', 'they', 'u', 'really', 'totally', 'also', 'do', 'does', 'did', 'would',
        "i'd", "we'd", 'just', 'kinda', 'actually', 'still', 'definitely', 'honestly', 'absolutely',
        'genuinely', 'truly', 'def', 'so', 'dont', "don't", 'didnt', "didn't", 'doesnt', "doesn't",
        'not', 'everyone', 'people', 'folks', 'kids', 'ppl', 'who', 'gonna', 'to', 'might',
        'may', 'will', "i'll", 'surprisingly',
      ],
    },
  },
};

/** Base forms an English word may be an inflection of, most likely first. */
export function englishInflections(w: string): string[] {
  const out: string[] = [];
  const n = w.length;
  if (w.endsWith("'s")) out.push(w.slice(0, -2));
  if (w.endsWith('ies') || w.endsWith('ied')) out.push(`${w.slice(0, -3)}y`);
  if (w.endsWith('es')) out.push(w.slice(0, -2));
  if (w.endsWith('s') && !w.endsWith('ss')) out.push(w.slice(0, -1));
  if (w.endsWith('ed')) out.push(w.slice(0, -2), w.slice(0, -1));
  if (w.endsWith('ing')) out.push(w.slice(0, -3), `${w.slice(0, -3)}e`);
  if (w.endsWith('ly'))
    out.push(w.slice(0, -2), w.endsWith('ily') ? `${w.slice(0, -3)}y` : w.slice(0, -2));
  if (w.endsWith('er') || w.endsWith('est')) {
    const stem = w.endsWith('er') ? w.slice(0, -2) : w.slice(0, -3);
    out.push(stem, `${stem}e`);
    if (stem.endsWith('i')) out.push(`${stem.slice(0, -1)}y`);
  }
  // Doubled consonant before -ed/-ing/-er: "stopped" → "stop", "bigger" → "big".
  for (const suffix of ['ed', 'ing', 'er', 'est']) {
    if (w.endsWith(suffix) && n > suffix.length + 2) {
      const stem = w.slice(0, -suffix.length);
      if (stem[stem.length - 1] === stem[stem.length - 2]) out.push(stem.slice(0, -1));
    }
  }
  return out;
}
