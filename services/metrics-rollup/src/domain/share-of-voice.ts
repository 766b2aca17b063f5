/** One brand's volume in one window and platform (or across platforms). */
export interface BrandVolume {
  brand: string;
  mentions: number;
  /** likes + shares + replies: views are left out because most platforms do not publish them. */
  engagement: number;
}

export interface BrandShare extends BrandVolume {
  setMentions: number;
  setEngagement: number;
  /** mentions / setMentions; null when the set has no mentions. */
  share: number | null;
  /** engagement / setEngagement; null when the set has no engagement. */
  engagementShare: number | null;
}

/**
 * Each member's share of its competitive set's mentions and engagement.
 * Members without mentions get 0; brands outside the set are ignored, so a
 * post about an untracked rival never dilutes the set. The SQL view
 * `v_share_of_voice` computes the same numbers; tests hold them together.
 */
export function shareOfVoice(
  members: readonly string[],
  volumes: readonly BrandVolume[],
): BrandShare[] {
  const byBrand = new Map<string, BrandVolume>();
  for (const v of volumes) {
    if (!members.includes(v.brand)) continue;
    const prior = byBrand.get(v.brand);
    byBrand.set(v.brand, {
      brand: v.brand,
      mentions: (prior?.mentions ?? 0) + v.mentions,
      engagement: (prior?.engagement ?? 0) + v.engagement,
    });
  }
  const rows = [...new Set(members)].map(
    (brand) => byBrand.get(brand) ?? { brand, mentions: 0, engagement: 0 },
  );
  const setMentions = rows.reduce((n, r) => n + r.mentions, 0);
  const setEngagement = rows.reduce((n, r) => n + r.engagement, 0);
  return rows.map((r) => ({
    ...r,
    setMentions,
    setEngagement,
    share: setMentions > 0 ? r.mentions / setMentions : null,
    engagementShare: setEngagement > 0 ? r.engagement / setEngagement : null,
  }));
}
