import { describe, expect, it } from 'vitest';
import { classifyTheme } from '../../src/domain/themes.ts';

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
});
