/** Field paths of the generic post shape, by normalized CSV header (lower case, letters and digits only). */
const COLUMNS: Record<string, string> = {
  platform: 'platform',
  id: 'id',
  postid: 'id',
  url: 'url',
  kind: 'kind',
  parentid: 'parentId',
  authorid: 'author.id',
  authorhandle: 'author.handle',
  handle: 'author.handle',
  authorname: 'author.name',
  authorfollowers: 'author.followers',
  followers: 'author.followers',
  authorverified: 'author.verified',
  verified: 'author.verified',
  authorlocation: 'author.location',
  location: 'author.location',
  authoremail: 'author.email',
  email: 'author.email',
  authorprofileurl: 'author.profileUrl',
  title: 'title',
  text: 'text',
  lang: 'lang',
  createdat: 'createdAt',
  likes: 'engagement.likes',
  engagementlikes: 'engagement.likes',
  shares: 'engagement.shares',
  engagementshares: 'engagement.shares',
  replies: 'engagement.replies',
  engagementreplies: 'engagement.replies',
  views: 'engagement.views',
  engagementviews: 'engagement.views',
  rating: 'rating',
};

const NUMERIC = new Set([
  'author.followers',
  'engagement.likes',
  'engagement.shares',
  'engagement.replies',
  'engagement.views',
  'rating',
]);

/** Maps CSV headers to generic field paths; unknown headers are reported so a typo is not silent. */
export function mapCsvHeaders(headers: readonly string[]): {
  paths: (string | null)[];
  unknown: string[];
} {
  const paths = headers.map((h) => COLUMNS[h.toLowerCase().replace(/[^a-z0-9]/g, '')] ?? null);
  return { paths, unknown: headers.filter((_, i) => paths[i] === null) };
}

/**
 * One CSV row as a generic post. Cells are text, so numbers and booleans are
 * read here; a cell that does not read as its type is passed on as text, and
 * validation reports it with its field path. Empty cells are absent fields.
 */
export function csvRowToPost(
  cells: readonly string[],
  paths: readonly (string | null)[],
): Record<string, unknown> {
  const post: Record<string, unknown> = {};
  paths.forEach((path, i) => {
    const raw = cells[i]?.trim();
    if (!path || raw === undefined || raw === '') return;
    let value: unknown = raw;
    if (NUMERIC.has(path) && /^-?\d+(\.\d+)?$/.test(raw)) value = Number(raw);
    else if (path === 'author.verified' && /^(true|false|1|0|yes|no)$/i.test(raw))
      value = /^(true|1|yes)$/i.test(raw);
    else if (path === 'createdAt' && /^\d{11,}$/.test(raw)) value = Number(raw);
    setPath(post, path, value);
  });
  return post;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const k of keys.slice(0, -1)) {
    node = (node[k] ??= {}) as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}
