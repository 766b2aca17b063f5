export interface LanguageGuess {
  /** ISO 639-1 code, or `und` when the text gives no evidence. */
  lang: string;
  /** 0..1: how clearly the best language beat the runner-up. */
  confidence: number;
}

/**
 * Function words per language. Short posts rarely contain more than a few, so
 * the lists favour words that are frequent in chat and reviews; words shared
 * by several languages count for each of them, divided by how many share it.
 * Unsupported Latin-script languages are listed too, so a Swedish post is
 * recognised as Swedish (and labelled `unknown`) instead of scored as English.
 */
// prettier-ignore
const FUNCTION_WORDS: Record<string, string> = {
  en: "a the and is are was were to of in it my i you for on this that with have has be just so but at from they we what why how can do your me been had will would about get got again still an its it's i'm im don't dont not very really their there our us he she his her them than then when which who if or out up because only also even any been did does can't won't i've ive your you're should could my am after all more one now time today day new like know need want go going back every over never always please thanks again since without much off here these those them ever",
  es: 'el la los las de que y en un una por con para es no lo se del al mi muy pero más ya está son ha me te su sus como este esta eso hay todo porque cuando también nos fue ser estoy tengo gracias nada hace donde desde hasta sin sobre qué mis le',
  pt: 'o os as de que e em um uma por com para é não do da dos das no na nos mais muito mas já está são foi eu meu minha você seu sua isso ele ela tem tenho obrigado obrigada nada quando também porque até sem sobre pra pelo pela ao aos vocês',
  fr: "le la les de des du et est un une en que qui dans pour pas ne sur avec ce cette mais je tu il elle nous vous mon ma mes très plus ça c'est j'ai suis au aux ont sont était merci rien toujours encore parce quand aussi chez sans n'est vraiment",
  de: 'der die das und ist nicht ein eine zu den von mit sich des auf für im dem es ich du wir ihr sie mein meine sehr aber auch noch schon wie nach bei nur oder wenn kein keine habe hat war sind danke immer wieder gibt heute mir mich',
  it: 'il lo la gli le di che e è un una per non con sono del della dei nel nella mi mio mia molto ma anche più ho ha hanno questo questa perché quando sempre ancora grazie niente sia essere tutto così',
  nl: 'de het een en is van in op te niet dat die met voor zijn er maar ook bij nog al mijn je jij wij ze hij heel erg naar dan wel geen heb heeft was waren bedankt altijd weer kan moet echt',
  ca: "el la els les de del que i en un una per amb és no al em molt però més ja està són ha jo meu meva seu això aquest aquesta perquè quan també gràcies res fins sense sobre hi ho m'ha",
  gl: 'o a os as de do da dos das que e en un unha por con para é non no na nos nas máis moi pero xa está son foi eu meu miña ti seu isto iso tamén porque cando grazas nada ata sen sobre coa polo pola',
  eu: 'eta da ez bat du dut dira zen ere baina oso hau hori nire zure gure bere ditu dute izan egin gabe eskerrik asko zer nola non baino gehiago beti berriz dago daude zerbitzua ona txarra langileak nahi behar',
  sv: 'och är att det som en ett på för med inte jag du vi har var men till av om så mycket tack alltid också bara',
  da: 'og er at det som en et på for med ikke jeg du vi har var men til af om så meget tak altid også bare',
  no: 'og er at det som en et på for med ikke jeg du vi har var men til av om så veldig takk alltid også bare',
  fi: 'ja on ei se että en olen mutta kun myös tämä minä sinä me he oli ovat kiitos aina vain niin kuin',
  pl: 'i w nie na się jest to że z do jak ale co tak mi mnie jestem już bardzo dziękuję zawsze tylko który',
  tr: 've bir bu da de ile için ama çok ne gibi daha ben sen biz var yok değil teşekkürler her zaman mı mi',
  id: 'dan yang di ini itu dengan untuk tidak ada saya aku kamu kami dari ke akan sudah juga tapi sangat terima kasih selalu',
  ro: 'și este în nu un o pe la cu că de mai foarte dar eu tu noi sunt am mulțumesc mereu doar pentru',
  cs: 'a je v na se to že s do jak ale co tak mi jsem už velmi děkuji vždy jen který není',
  hu: 'és a az egy nem van hogy de is meg már nagyon én te mi köszönöm mindig csak ez azt',
};

// prettier-ignore
const CHAR_HINTS: readonly [RegExp, Readonly<Record<string, number>>][] = [
  [/ñ/u, { es: 1, gl: 0.5 }],
  [/[ãõ]/u, { pt: 1.5 }],
  [/ç/u, { pt: 0.4, fr: 0.4, ca: 0.4, tr: 0.3 }],
  [/ß/u, { de: 2 }],
  [/[äöü]/u, { de: 0.8, sv: 0.3, fi: 0.3, tr: 0.2, hu: 0.2 }],
  [/[łąęśżźćń]/u, { pl: 2 }],
  [/[ğşı]/u, { tr: 2 }],
  [/[őű]/u, { hu: 2 }],
  [/[řůěť]/u, { cs: 2 }],
  [/[ășț]/u, { ro: 2 }],
  [/å/u, { sv: 1, da: 0.5, no: 0.5 }],
  [/[øæ]/u, { da: 1, no: 1 }],
  [/l·l/u, { ca: 2 }],
  [/[èò]/u, { it: 0.3, ca: 0.5, fr: 0.3 }],
  [/[êôâûœ]/u, { fr: 0.6, pt: 0.3 }],
  [/[ìù]/u, { it: 0.6 }],
];

const LANGS: readonly string[] = Object.keys(FUNCTION_WORDS);
const EN = LANGS.indexOf('en');

/** Word → [language index, weight] pairs; a word shared by n languages weighs 1/n for each. */
const WEIGHTS: ReadonlyMap<string, readonly (readonly [number, number])[]> = (() => {
  const owners = new Map<string, number[]>();
  LANGS.forEach((lang, i) => {
    for (const w of new Set(FUNCTION_WORDS[lang]!.split(' ')))
      owners.set(w, [...(owners.get(w) ?? []), i]);
  });
  const out = new Map<string, [number, number][]>();
  for (const [w, langs] of owners)
    out.set(
      w,
      langs.map((l) => [l, 1 / langs.length]),
    );
  return out;
})();

const ASCII_ENGLISH_PRIOR = 0.5;
const NON_ASCII = /[^\t\n\r\x20-\x7e]/;
const NON_LATIN_LETTER = /[^\P{L}\p{Script=Latin}]/u;
const WORDS = /[\p{L}']+/gu;
const URLS_AND_HANDLES = /(?:https?:\/\/|www\.)\S+|[@#][\p{L}\p{N}_]+/gu;

// prettier-ignore
const SCRIPTS: readonly [RegExp, (text: string) => string][] = [
  [/\p{Script=Cyrillic}/gu, (t) => (/[ієїґ]/iu.test(t) ? 'uk' : /[ўђћџљњ]/iu.test(t) ? 'sr' : 'ru')],
  [/\p{Script=Greek}/gu, () => 'el'],
  [/\p{Script=Arabic}/gu, (t) => (/[پچژگ]/u.test(t) ? 'fa' : 'ar')],
  [/\p{Script=Hebrew}/gu, () => 'he'],
  [/\p{Script=Devanagari}/gu, () => 'hi'],
  [/\p{Script=Bengali}/gu, () => 'bn'],
  [/\p{Script=Tamil}/gu, () => 'ta'],
  [/\p{Script=Thai}/gu, () => 'th'],
  [/\p{Script=Hangul}/gu, () => 'ko'],
  [/[\p{Script=Hiragana}\p{Script=Katakana}]/gu, () => 'ja'],
  [/\p{Script=Han}/gu, () => 'zh'],
  [/\p{Script=Armenian}/gu, () => 'hy'],
  [/\p{Script=Georgian}/gu, () => 'ka'],
];

/**
 * Guesses the language of a short post: the writing system first (Cyrillic,
 * CJK, Arabic, …), then, for Latin script, weighted function-word votes
 * plus a few letters that only some languages use (ñ, ã, ß, ł, …). Cheap
 * enough to run on every mention; returns `und` when nothing gives evidence.
 */
export function detectLanguage(text: string): LanguageGuess {
  const body = text.replace(URLS_AND_HANDLES, ' ');
  const words = body.toLowerCase().replace(/’/g, "'").match(WORDS) ?? [];
  return guessLanguage(
    words.map((w) => ({ kind: 'word', text: w })),
    body,
  );
}

const SCORES = new Float64Array(LANGS.length);

/**
 * The same guess from tokens already made (lower-case words, without URLs
 * and handles) plus the raw text for script and letter checks: the scoring
 * path tokenises once and reuses the tokens here.
 */
export function guessLanguage(
  tokens: readonly { kind: string; text: string }[],
  text: string,
): LanguageGuess {
  const ascii = !NON_ASCII.test(text);
  if (!ascii && NON_LATIN_LETTER.test(text)) {
    const body = text.replace(URLS_AND_HANDLES, ' ');
    const latin = body.match(/\p{Script=Latin}/gu)?.length ?? 0;
    let best = '';
    let bestCount = 0;
    let total = latin;
    for (const [re, pick] of SCRIPTS) {
      const c = body.match(re)?.length ?? 0;
      total += c;
      if (c > bestCount) {
        bestCount = c;
        best = pick(body);
      }
    }
    // Japanese mixes kana with Han: any kana makes it Japanese.
    if (best === 'zh' && /[\p{Script=Hiragana}\p{Script=Katakana}]/u.test(body)) best = 'ja';
    if (bestCount > latin)
      return { lang: best, confidence: Math.min(1, bestCount / Math.max(1, total)) };
  }

  // One buffer per thread (scoring is synchronous): a typed array per call costs more than the votes.
  const scores = SCORES.fill(0);
  let any = false;
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t]!;
    if (token.kind !== 'word') continue;
    const owners = WEIGHTS.get(token.text);
    if (!owners) continue;
    any = true;
    for (let k = 0; k < owners.length; k++) scores[owners[k]![0]]! += owners[k]![1];
  }
  if (!ascii) {
    const lower = text.toLowerCase();
    for (const [re, hints] of CHAR_HINTS) {
      if (!re.test(lower)) continue;
      any = true;
      for (const [lang, w] of Object.entries(hints)) scores[LANGS.indexOf(lang)]! += w;
    }
  }
  // Mentions are mostly English: a plain-ASCII post needs clear evidence to be called something else.
  if (any && ascii) scores[EN]! += ASCII_ENGLISH_PRIOR;
  let best = -1;
  let bestScore = 0;
  let second = 0;
  for (let i = 0; i < scores.length; i++) {
    const sc = scores[i]!;
    if (sc > bestScore) {
      second = bestScore;
      bestScore = sc;
      best = i;
    } else if (sc > second) {
      second = sc;
    }
  }
  if (best < 0 || bestScore < 0.5) return { lang: 'und', confidence: 0 };
  return {
    lang: LANGS[best]!,
    confidence: ((bestScore - second) / bestScore) * Math.min(1, bestScore / 2),
  };
}

/**
 * The language to score in: a confident guess wins; otherwise the platform's
 * own tag (e.g. `en-GB` → `en`) when it has one; otherwise `und`. A weak
 * guess is not enough to call a post unscorable ("slow af" is not Danish).
 */
export function resolveLanguage(
  guess: LanguageGuess,
  hint: string | null | undefined,
  minConfidence = 0.3,
): string {
  if (guess.lang !== 'und' && guess.confidence >= minConfidence) return guess.lang;
  const tag = hint?.trim().toLowerCase().slice(0, 2);
  if (tag && /^[a-z]{2}$/.test(tag)) return tag;
  return 'und';
}

/** The function words the detector knows for a language (used as a word list for hashtag splitting). */
export function functionWords(lang: string): readonly string[] {
  return FUNCTION_WORDS[lang]?.split(' ') ?? [];
}

/** Every language the detector can name from function words. */
export const DETECTABLE_LATIN_LANGUAGES: readonly string[] = LANGS;
