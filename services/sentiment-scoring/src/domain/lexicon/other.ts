import type { LexiconSpec } from '../sentiment.ts';

/**
 * The social rules for the other languages natural has vocabularies for. The
 * vocabularies themselves (AFINN for es/pt, Pattern for fr/de/it/nl, Senticon
 * for es/ca/gl/eu) come from natural and are rescaled to AFINN's range by the
 * model loader; emoji, emoticons, capitals and "!" work the same everywhere.
 */
// prettier-ignore
export const OTHER_LANGUAGES: readonly Omit<LexiconSpec, 'base'>[] = [
  {
    lang: 'es',
    negators: ['no', 'nunca', 'jamás', 'jamas', 'ni', 'nada', 'nadie', 'sin', 'tampoco', 'ningún', 'ninguna'],
    intensifiers: { muy: 0.3, súper: 0.3, super: 0.3, tan: 0.3, demasiado: 0.2, bastante: 0.1, re: 0.2, poco: -0.5, algo: -0.2, 'un poco': -0.3 },
    contrast: ['pero', 'embargo', 'sino'],
    concessive: ['aunque'],
    phrases: { 'nunca más': -2.5, 'no funciona': -2, 'muchas gracias': 2.5, 'de lujo': 2.5, 'una mierda': -3 },
  },
  {
    lang: 'pt',
    negators: ['não', 'nao', 'nunca', 'jamais', 'nem', 'nada', 'ninguém', 'ninguem', 'sem', 'nenhum', 'nenhuma'],
    intensifiers: { muito: 0.3, super: 0.3, tão: 0.3, bem: 0.2, demais: 0.2, bastante: 0.1, pouco: -0.5, meio: -0.3 },
    contrast: ['mas', 'porém', 'porem', 'contudo', 'entretanto'],
    concessive: ['embora'],
    phrases: { 'nunca mais': -2.5, 'não funciona': -2, 'muito obrigado': 2.5, 'muito obrigada': 2.5 },
  },
  {
    lang: 'fr',
    negators: ['pas', 'ne', 'jamais', 'rien', 'aucun', 'aucune', 'personne', 'sans', 'ni'],
    intensifiers: { très: 0.3, trop: 0.2, vraiment: 0.3, super: 0.3, tellement: 0.3, hyper: 0.3, assez: 0.1, peu: -0.5, 'un peu': -0.3, plutôt: -0.1 },
    contrast: ['mais', 'cependant', 'pourtant', 'toutefois'],
    concessive: ['quoique', 'bien que'],
    phrases: { 'plus jamais': -2.5, 'ne marche pas': -2, 'ça marche': 1, 'merci beaucoup': 2.5, 'nul à chier': -4 },
  },
  {
    lang: 'de',
    negators: ['nicht', 'kein', 'keine', 'keinen', 'keinem', 'keiner', 'nie', 'niemals', 'nichts', 'niemand', 'ohne'],
    intensifiers: { sehr: 0.3, echt: 0.3, wirklich: 0.3, total: 0.3, extrem: 0.3, super: 0.3, so: 0.3, ziemlich: 0.1, zu: 0.2, etwas: -0.3, bisschen: -0.3 },
    contrast: ['aber', 'jedoch', 'doch', 'trotzdem'],
    concessive: ['obwohl', 'obgleich'],
    phrases: { 'nie wieder': -2.5, 'funktioniert nicht': -2, 'vielen dank': 2.5 },
  },
  {
    lang: 'it',
    negators: ['non', 'mai', 'nessuno', 'nessuna', 'niente', 'nulla', 'senza', 'né'],
    intensifiers: { molto: 0.3, troppo: 0.2, davvero: 0.3, veramente: 0.3, super: 0.3, così: 0.3, proprio: 0.2, poco: -0.5, abbastanza: 0.1 },
    contrast: ['ma', 'però', 'tuttavia'],
    concessive: ['sebbene', 'benché', 'nonostante'],
    phrases: { 'mai più': -2.5, 'non funziona': -2, 'grazie mille': 2.5 },
  },
  {
    lang: 'nl',
    negators: ['niet', 'nooit', 'geen', 'niemand', 'niets', 'zonder'],
    intensifiers: { heel: 0.3, erg: 0.3, zeer: 0.3, echt: 0.3, super: 0.3, zo: 0.3, te: 0.2, nogal: 0.1, beetje: -0.3, redelijk: -0.1 },
    contrast: ['maar', 'echter'],
    concessive: ['hoewel', 'ofschoon'],
    phrases: { 'nooit meer': -2.5, 'werkt niet': -2, 'heel erg bedankt': 3 },
  },
  {
    lang: 'ca',
    negators: ['no', 'mai', 'cap', 'res', 'ningú', 'sense', 'ni'],
    intensifiers: { molt: 0.3, massa: 0.2, super: 0.3, tan: 0.3, força: 0.1, bastant: 0.1, poc: -0.5, 'una mica': -0.3 },
    contrast: ['però', 'tanmateix'],
    concessive: ['encara'],
    phrases: { 'mai més': -2.5, 'no funciona': -2, 'moltes gràcies': 2.5 },
  },
  {
    lang: 'gl',
    negators: ['non', 'nunca', 'xamais', 'nada', 'ninguén', 'sen', 'nin'],
    intensifiers: { moi: 0.3, moito: 0.3, super: 0.3, tan: 0.3, demasiado: 0.2, bastante: 0.1, pouco: -0.5 },
    contrast: ['pero', 'mais'],
    concessive: ['aínda'],
    phrases: { 'nunca máis': -2.5, 'non funciona': -2, 'moitas grazas': 2.5 },
  },
  {
    lang: 'eu',
    negators: ['ez', 'inoiz', 'ezer', 'inor', 'gabe'],
    intensifiers: { oso: 0.3, benetan: 0.3, izugarri: 0.3, super: 0.3, nahiko: 0.1, gutxi: -0.3 },
    contrast: ['baina'],
    concessive: ['nahiz'],
    phrases: { 'eskerrik asko': 2.5, 'ez dabil': -2 },
  },
];
