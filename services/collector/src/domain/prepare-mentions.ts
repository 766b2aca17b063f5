import type { Mention, Source } from '@hark/events';
import type { BrandMatcher } from './brand-matcher.ts';
import type { FieldError } from './item-errors.ts';
import type { NativeEntry } from './platforms/types.ts';
import { validatePost, type PostDraft, type PostLimits } from './validate-post.ts';

/** A native entry in request order; `line` when it came from an NDJSON line or a file. */
export interface SourcedEntry {
  entry: NativeEntry;
  line?: number;
}

export interface PreparedMentions {
  /** Valid and matched: to produce. */
  mentions: { index: number; mention: Mention }[];
  /** Valid but no tracked brand: counted, answered, not produced. */
  unmatched: { index: number; mentionId: string }[];
  rejected: {
    index: number;
    id: string | null;
    line?: number;
    errors: FieldError[];
    native: unknown;
  }[];
}

export interface PrepareContext {
  matcher: BrandMatcher;
  limits: PostLimits;
  now: number;
  source: Source;
  /**
   * Brand a source is dedicated to (a review page for one brand, a brand's
   * tag timeline): its items carry it even when their text does not name it,
   * unless one of the brand's exclusion phrases appears.
   */
  brand?: string;
}

/** Validates, matches and stamps a batch of entries. Pure: the caller produces the result. */
export function prepareMentions(
  entries: readonly SourcedEntry[],
  ctx: PrepareContext,
): PreparedMentions {
  const out: PreparedMentions = { mentions: [], unmatched: [], rejected: [] };
  const validation = { ...ctx.limits, now: ctx.now };
  entries.forEach(({ entry, line }, index) => {
    if ('error' in entry) {
      out.rejected.push({ index, id: null, line, errors: [entry.error], native: entry.native });
      return;
    }
    const result = validatePost(entry.post, validation);
    if (!result.ok) {
      out.rejected.push({
        index,
        id: result.mentionId,
        line,
        errors: result.errors,
        native: entry.native,
      });
      return;
    }
    const draft = result.draft;
    const found = ctx.matcher.match(draft.title ? `${draft.title}\n${draft.text}` : draft.text);
    let brands = found.brands;
    if (ctx.brand && !brands.includes(ctx.brand) && !found.vetoed.includes(ctx.brand)) {
      const assigned = ctx.brand;
      brands = ctx.matcher.brandIds.filter((id) => id === assigned || found.brands.includes(id));
    }
    if (brands.length === 0) {
      out.unmatched.push({ index, mentionId: draft.mentionId });
      return;
    }
    out.mentions.push({ index, mention: stampMention(draft, brands, found.keywords, ctx) });
  });
  return out;
}

/**
 * The draft as a Mention, written field by field in the schema's order: one object of
 * a fixed shape, where a spread copied the draft and then grew it by five fields.
 */
function stampMention(
  d: PostDraft,
  brands: string[],
  keywords: string[],
  ctx: PrepareContext,
): Mention {
  return {
    mentionId: d.mentionId,
    platform: d.platform,
    postId: d.postId,
    kind: d.kind,
    url: d.url,
    parentId: d.parentId,
    author: d.author,
    title: d.title,
    text: d.text,
    lang: d.lang,
    rating: d.rating,
    createdAt: d.createdAt,
    collectedAt: ctx.now,
    engagement: d.engagement,
    brands,
    keywords,
    source: ctx.source,
    revision: d.revision,
    sealed: null,
  };
}

export interface AnswerItem {
  index: number;
  mentionId: string;
  status: 'accepted' | 'unmatched';
  brands?: string[];
  keywords?: string[];
}

/**
 * The per-item answer: accepted and unmatched items in request order (refused ones are
 * errors). Both lists are in request order already, so they are merged, not sorted.
 */
export function answerItems(prepared: PreparedMentions): AnswerItem[] {
  const { mentions, unmatched } = prepared;
  const items: AnswerItem[] = new Array(mentions.length + unmatched.length);
  let a = 0;
  let u = 0;
  for (let i = 0; i < items.length; i++) {
    const accepted = mentions[a];
    if (accepted && (u >= unmatched.length || accepted.index < unmatched[u]!.index)) {
      const { index, mention } = accepted;
      items[i] = {
        index,
        mentionId: mention.mentionId,
        status: 'accepted',
        brands: mention.brands,
        keywords: mention.keywords,
      };
      a++;
    } else {
      const { index, mentionId } = unmatched[u++]!;
      items[i] = { index, mentionId, status: 'unmatched' };
    }
  }
  return items;
}
