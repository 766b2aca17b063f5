import {
  fitText,
  get,
  isRecord,
  num,
  str,
  unsupported,
  type GenericPost,
  type AdapterOptions,
  type NativeEntry,
  type PlatformAdapter,
} from './types.ts';

const REDDIT = 'https://www.reddit.com';

/**
 * Reddit. Accepts a Listing (`{ kind: 'Listing', data: { children } }`, as
 * search.json and /new.json return), the comments page's array of two
 * Listings (the post, then its comment tree), a bare thing
 * (`{ kind: 't3' | 't1', data }`) or an array of things. Comment trees are
 * flattened depth-first; `more` stubs are skipped. Ids are fullnames
 * (`t3_…`, `t1_…`) so posts and comments never collide.
 */
export const mapReddit: PlatformAdapter = (payload, opts = {}) => {
  const out: NativeEntry[] = [];
  walk(payload, out, 0, opts);
  return out;
};

/** What Reddit leaves in place of an author or a text that is gone. */
const GONE = new Set(['[deleted]', '[removed]']);

function walk(node: unknown, out: NativeEntry[], depth: number, opts: AdapterOptions): void {
  if (depth > 64) return;
  if (Array.isArray(node)) {
    for (const n of node) walk(n, out, depth + 1, opts);
    return;
  }
  // /api/morechildren answers { json: { errors, data: { things } } }.
  const things = get(node, 'json', 'data', 'things');
  if (Array.isArray(things)) {
    for (const n of things) walk(n, out, depth + 1, opts);
    return;
  }
  if (!isRecord(node) || typeof node.kind !== 'string') {
    out.push(unsupported(node, 'kind', 'expected a Reddit Listing or thing ({ kind, data })'));
    return;
  }
  const data = isRecord(node.data) ? node.data : undefined;
  switch (node.kind) {
    case 'Listing': {
      const children = data?.children;
      if (!Array.isArray(children)) {
        out.push(unsupported(node, 'data.children', 'a Listing needs data.children'));
        return;
      }
      for (const c of children) walk(c, out, depth + 1, opts);
      return;
    }
    case 't3':
      out.push({ native: node, post: mapLink(data ?? {}, opts) });
      return;
    case 't1': {
      const d = data ?? {};
      out.push(
        typeof d.body === 'string' && GONE.has(d.body.trim())
          ? {
              native: node,
              error: {
                path: 'data.body',
                reason: 'not_public',
                message: `the comment was ${d.body.trim().slice(1, -1)}: its text is gone`,
              },
            }
          : { native: node, post: mapComment(d, opts) },
      );
      if (isRecord(d.replies)) walk(d.replies, out, depth + 1, opts);
      return;
    }
    case 'more':
      return;
    default:
      out.push(
        unsupported(node, 'kind', `Reddit kind "${node.kind}" is not a post (t3) or comment (t1)`),
      );
  }
}

function base(d: Record<string, unknown>, prefix: 't1' | 't3'): Omit<GenericPost, 'text'> {
  const author = str(d.author);
  const createdUtc = num(d.created_utc);
  const id = (str(d.name) ?? (str(d.id) ? `${prefix}_${d.id as string}` : d.id)) as string;
  const gone = author !== undefined && GONE.has(author);
  return {
    platform: 'reddit',
    id,
    url: permalink(d, prefix),
    author: gone
      ? // A deleted account is nobody in particular: one author per post, not one for them all.
        { id: `deleted:${id}`, handle: null, profileUrl: null }
      : {
          // The username, not author_fullname (t2_…): older payloads lack the latter, and one
          // person must be one author whatever the payload. Reddit usernames never change.
          id: (author ?? str(d.author_fullname)) as string,
          handle: author ?? null,
          profileUrl: author ? `${REDDIT}/user/${author}` : null,
        },
    // created_utc is epoch seconds, often with a fractional part.
    createdAt: createdUtc === undefined ? (d.created_utc as number) : Math.round(createdUtc * 1000),
  };
}

/**
 * The thread's permalink, or one derived from the ids: comments fetched
 * through /api/morechildren and older listings carry none.
 */
function permalink(d: Record<string, unknown>, prefix: 't1' | 't3'): string | null {
  const given = str(d.permalink);
  if (given) return given.startsWith('http') ? given : `${REDDIT}${given}`;
  const sub = str(d.subreddit);
  const id = str(d.id);
  const at = sub ? `${REDDIT}/r/${encodeURIComponent(sub)}` : REDDIT;
  if (prefix === 't3') return id ? `${at}/comments/${id}/` : null;
  // The thread: link_id, or the parent when the comment answers the post itself.
  const parent = str(d.parent_id);
  const link = (str(d.link_id) ?? (parent?.startsWith('t3_') ? parent : undefined))?.replace(
    /^t3_/,
    '',
  );
  return link && id ? `${at}/comments/${link}/_/${id}/` : null;
}

function mapLink(d: Record<string, unknown>, opts: AdapterOptions): GenericPost {
  const self = typeof d.selftext === 'string' && !GONE.has(d.selftext.trim()) ? d.selftext : '';
  return {
    ...base(d, 't3'),
    kind: 'post',
    title: str(d.title) ?? null,
    text: fitText(self, opts.maxTextLength),
    engagement: {
      likes: Math.max(0, num(d.ups) ?? num(d.score) ?? 0),
      replies: num(d.num_comments) ?? 0,
      shares: num(d.num_crossposts) ?? 0,
    },
  };
}

function mapComment(d: Record<string, unknown>, opts: AdapterOptions): GenericPost {
  const replies = get(d, 'replies', 'data', 'children');
  return {
    ...base(d, 't1'),
    kind: 'comment',
    parentId: str(d.parent_id) ?? null,
    // Not the thread's title (link_title): a comment names a brand in its own words or not at all.
    text: typeof d.body === 'string' ? fitText(d.body, opts.maxTextLength) : (d.body as string),
    engagement: {
      // Downvoted comments have negative scores; engagement counts are non-negative.
      likes: Math.max(0, num(d.ups) ?? num(d.score) ?? 0),
      replies: Array.isArray(replies)
        ? replies.filter((r) => isRecord(r) && r.kind === 't1').length
        : 0,
    },
  };
}
