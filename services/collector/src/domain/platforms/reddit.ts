import {
  get,
  isRecord,
  num,
  str,
  unsupported,
  type GenericPost,
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
export const mapReddit: PlatformAdapter = (payload) => {
  const out: NativeEntry[] = [];
  walk(payload, out, 0);
  return out;
};

function walk(node: unknown, out: NativeEntry[], depth: number): void {
  if (depth > 64) return;
  if (Array.isArray(node)) {
    for (const n of node) walk(n, out, depth + 1);
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
      for (const c of children) walk(c, out, depth + 1);
      return;
    }
    case 't3':
      out.push({ native: node, post: mapLink(data ?? {}) });
      return;
    case 't1':
      out.push({ native: node, post: mapComment(data ?? {}) });
      if (isRecord(data?.replies)) walk(data.replies, out, depth + 1);
      return;
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
  return {
    platform: 'reddit',
    id: (str(d.name) ?? (str(d.id) ? `${prefix}_${d.id as string}` : d.id)) as string,
    url: str(d.permalink) ? `${REDDIT}${d.permalink as string}` : null,
    author: {
      id: (str(d.author_fullname) ?? author) as string,
      handle: author ?? null,
      profileUrl: author && author !== '[deleted]' ? `${REDDIT}/user/${author}` : null,
    },
    // created_utc is epoch seconds, often with a fractional part.
    createdAt: createdUtc === undefined ? (d.created_utc as number) : Math.round(createdUtc * 1000),
  };
}

function mapLink(d: Record<string, unknown>): GenericPost {
  return {
    ...base(d, 't3'),
    kind: 'post',
    title: str(d.title) ?? null,
    text: typeof d.selftext === 'string' ? d.selftext : '',
    engagement: {
      likes: Math.max(0, num(d.ups) ?? num(d.score) ?? 0),
      replies: num(d.num_comments) ?? 0,
      shares: num(d.num_crossposts) ?? 0,
    },
  };
}

function mapComment(d: Record<string, unknown>): GenericPost {
  const replies = get(d, 'replies', 'data', 'children');
  return {
    ...base(d, 't1'),
    kind: 'comment',
    parentId: str(d.parent_id) ?? null,
    title: str(d.link_title) ?? null,
    text: d.body as string,
    engagement: {
      // Downvoted comments have negative scores; engagement counts are non-negative.
      likes: Math.max(0, num(d.ups) ?? num(d.score) ?? 0),
      replies: Array.isArray(replies)
        ? replies.filter((r) => isRecord(r) && r.kind === 't1').length
        : 0,
    },
  };
}
