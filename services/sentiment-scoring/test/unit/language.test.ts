import { beforeAll, describe, expect, it } from 'vitest';
import { detectLanguage, resolveLanguage, type LanguageGuess } from '../../src/domain/language.ts';
import type { ScoringModel } from '../../src/domain/model.ts';
import { scoreText } from '../../src/domain/score-mention.ts';
import { testModel } from './model.ts';

let model: ScoringModel;
beforeAll(async () => {
  model = await testModel();
});

describe('language detection', () => {
  it.each([
    ['The app keeps crashing and nobody answers my emails', 'en'],
    ['El servicio al cliente es muy malo, llevo una hora esperando', 'es'],
    ['O atendimento foi ótimo, muito obrigado pela ajuda', 'pt'],
    ['Le service client est vraiment nul, je suis très déçu', 'fr'],
    ['Der Kundendienst ist wirklich schlecht und ich warte seit einer Stunde', 'de'],
    ['Il servizio clienti è molto lento, ho aspettato per un’ora', 'it'],
    ['De klantenservice is echt slecht, ik wacht al een uur', 'nl'],
    ['El servei és molt dolent, però el personal és amable', 'ca'],
    ['O servizo é moi malo, non funciona nada', 'gl'],
    ['Zerbitzua oso ona da eta langileak oso atseginak dira', 'eu'],
    ['Kundtjänsten är inte bra och jag har väntat länge', 'sv'],
    ['Obsługa klienta jest bardzo słaba, czekam już godzinę', 'pl'],
    ['Служба поддержки ужасная', 'ru'],
    ['客服太差了', 'zh'],
    ['カスタマーサービスが最悪です', 'ja'],
    ['고객 서비스가 정말 좋아요', 'ko'],
    ['خدمة العملاء سيئة جدا', 'ar'],
  ])('%s → %s', (text, lang) => {
    expect(detectLanguage(text).lang).toBe(lang);
  });

  it('when there are no words to go by, the language is undetermined', () => {
    expect(detectLanguage('😡😡 @acme https://acme.com')).toEqual({ lang: 'und', confidence: 0 });
  });

  it('handles and URLs do not count as words', () => {
    expect(detectLanguage('@elservicio https://la.de/el/la').lang).toBe('und');
  });

  it.each<[LanguageGuess, string | null, string, string]>([
    [{ lang: 'es', confidence: 0.9 }, 'en', 'es', 'a confident guess beats the platform tag'],
    [{ lang: 'da', confidence: 0.1 }, 'en-GB', 'en', 'a weak guess yields to the platform tag'],
    [{ lang: 'da', confidence: 0.1 }, null, 'und', 'a weak guess without a tag is undetermined'],
    [{ lang: 'und', confidence: 0 }, 'FR', 'fr', 'no evidence takes the tag, lower-cased'],
  ])('resolve %j with hint %s → %s (%s)', (guess, hint, expected) => {
    expect(resolveLanguage(guess, hint)).toBe(expected);
  });
});

describe('scoring by language', () => {
  it.each([
    ['El servicio es muy malo, nunca más', 'es', 'negative'],
    ['Obrigado pelo atendimento, muito bom', 'pt', 'positive'],
    ['Le service client est vraiment génial', 'fr', 'positive'],
    ['Das ist wirklich nicht gut', 'de', 'negative'],
    ['Heel erg bedankt, top service', 'nl', 'positive'],
    ['Moltes gràcies, molt bé', 'ca', 'positive'],
  ])('%s is scored in %s as %s', (text, lang, expected) => {
    const r = scoreText(text, null, model);
    expect(r.lang).toBe(lang);
    expect(r.sentiment.label).toBe(expected);
    expect(r.sentiment.model).toBe(`hark-social-${lang}@1`);
  });

  it.each([
    ['Obsługa klienta jest bardzo słaba i nie polecam', 'pl'],
    ['Служба поддержки ужасная', 'ru'],
    ['カスタマーサービスが最悪です', 'ja'],
  ])(
    'when the language has no vocabulary (%s), it is labelled unknown with score 0',
    (text, lang) => {
      const r = scoreText(text, null, model);
      expect(r.lang).toBe(lang);
      expect(r.sentiment).toEqual({ score: 0, label: 'unknown', model: 'hark-social@1' });
      expect(r.intent.model).toBe('hark-intent-fallback@1');
    },
  );

  it('when the language is undetermined, the English model scores it and the language stays und', () => {
    const r = scoreText('😡😡😡', null, model);
    expect(r.lang).toBe('und');
    expect(r.sentiment.label).toBe('negative');
    expect(r.sentiment.model).toBe('hark-social-en@2');
  });

  it('when the platform tags a short post, the tag decides', () => {
    expect(scoreText('top!', 'nl', model).lang).toBe('nl');
  });

  it('other languages get a punctuation and sentiment intent fallback with low confidence', () => {
    const r = scoreText('¿Dónde está mi pedido?', 'es', model);
    expect(r.intent).toMatchObject({ label: 'question', model: 'hark-intent-fallback@1' });
    expect(r.intent.confidence).toBeLessThan(0.5);
  });
});
