import { describe, expect, it } from 'vitest';
import { loadEvalSet } from '../../bench/lib/datasets.ts';
import { normalizeText } from '../../src/domain/normalize.ts';
import { classifyTheme, THEME_RULES } from '../../src/domain/themes.ts';
import { testModel } from './model.ts';

describe('classifyTheme', () => {
  it.each([
    ['flight delayed again , 3 hours late', 'delay'],
    ['holding for over 2 hours each day', 'delay'],
    ['they cancelled my order without telling me', 'cancellation'],
    ['charged me twice for one month', 'billing'],
    ['is your website down ?', 'outage'],
    ["can't log in since the update", 'account_login'],
    ['the parcel says delivered but the tracking is wrong', 'delivery'],
    ['my suitcase arrived smashed', 'lost_or_damaged'],
    ['lost my bag', 'lost_or_damaged'],
    ['the agent was so rude and hung up on me', 'staff_service'],
    ['way too expensive for what you get', 'price'],
    ['the headphones stopped working after a week', 'quality'],
    ['ugh . just ugh .', 'other'],
  ] as const)('"%s" is about %s', (text, theme) => {
    expect(classifyTheme(text)).toBe(theme);
  });

  it('when a refund is asked for a cancelled order, cancellation wins over billing', () => {
    expect(classifyTheme('still no refund for my cancelled order')).toBe('cancellation');
  });

  it('the shared scan never hides a theme: on every evaluation post, the theme is that of the first rule matching', async () => {
    const model = await testModel();
    const counts = new Map<string, number>();
    for (const p of loadEvalSet()) {
      const clean = normalizeText(p.text, model.normalize).clean;
      const want = THEME_RULES.find((r) => r.pattern.test(clean))?.theme ?? 'other';
      expect(classifyTheme(clean), p.text).toBe(want);
      counts.set(want, (counts.get(want) ?? 0) + 1);
    }
    // The set exercises both paths: posts with a theme and posts without.
    expect(counts.get('other')).toBeGreaterThan(100);
    expect(counts.size).toBeGreaterThan(8);
  });
});
