import { describe, expect, it } from 'vitest';
import { shareOfVoice } from '../../src/domain/share-of-voice.ts';

const members = ['acme', 'globex', 'initech'];

describe('share of voice within a competitive set', () => {
  it('each member gets its share of the set mentions and of the set engagement', () => {
    const rows = shareOfVoice(members, [
      { brand: 'acme', mentions: 6, engagement: 10 },
      { brand: 'globex', mentions: 3, engagement: 30 },
      { brand: 'initech', mentions: 1, engagement: 60 },
    ]);
    expect(rows.map((r) => [r.brand, r.share, r.engagementShare])).toEqual([
      ['acme', 0.6, 0.1],
      ['globex', 0.3, 0.3],
      ['initech', 0.1, 0.6],
    ]);
    expect(rows.every((r) => r.setMentions === 10 && r.setEngagement === 100)).toBe(true);
  });

  it('a member without mentions appears with a share of 0', () => {
    const rows = shareOfVoice(members, [{ brand: 'acme', mentions: 4, engagement: 0 }]);
    expect(rows.find((r) => r.brand === 'initech')).toMatchObject({ mentions: 0, share: 0 });
  });

  it('when nobody engaged, the engagement share is undefined (null), not 0', () => {
    const rows = shareOfVoice(members, [{ brand: 'acme', mentions: 4, engagement: 0 }]);
    expect(rows.map((r) => r.engagementShare)).toEqual([null, null, null]);
  });

  it('when the set has no mentions at all, every share is null', () => {
    expect(shareOfVoice(members, []).map((r) => r.share)).toEqual([null, null, null]);
  });

  it('brands outside the set never dilute it', () => {
    const rows = shareOfVoice(members, [
      { brand: 'acme', mentions: 1, engagement: 1 },
      { brand: 'globex', mentions: 1, engagement: 1 },
      { brand: 'umbrella', mentions: 98, engagement: 98 },
    ]);
    expect(rows.find((r) => r.brand === 'acme')?.share).toBe(0.5);
  });

  it('volumes of one brand on several platforms add up (the "all" platform)', () => {
    const rows = shareOfVoice(members, [
      { brand: 'acme', mentions: 2, engagement: 5 },
      { brand: 'acme', mentions: 1, engagement: 5 },
      { brand: 'globex', mentions: 1, engagement: 10 },
    ]);
    expect(rows.find((r) => r.brand === 'acme')).toMatchObject({
      mentions: 3,
      share: 0.75,
      engagementShare: 0.5,
    });
  });

  it('shares of a set add up to 1', () => {
    const rows = shareOfVoice(members, [
      { brand: 'acme', mentions: 7, engagement: 13 },
      { brand: 'globex', mentions: 11, engagement: 17 },
      { brand: 'initech', mentions: 13, engagement: 19 },
    ]);
    expect(rows.reduce((s, r) => s + r.share!, 0)).toBeCloseTo(1, 12);
    expect(rows.reduce((s, r) => s + r.engagementShare!, 0)).toBeCloseTo(1, 12);
  });
});
