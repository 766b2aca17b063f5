import type { FieldError } from '../item-errors.ts';
import { htmlToText } from '../platforms/html-to-text.ts';
import type { FormatName } from '../platforms/index.ts';
import { mastodonActorId, mastodonAuthorId } from '../platforms/mastodon.ts';
import { get, isRecord, num, str, type GenericPost, type NativeEntry } from '../platforms/types.ts';

/** One compliance item found in a native payload, in the generic compliance shape, or why not. */
export type ComplianceEntry =
  { native: unknown; item: Record<string, unknown> } | { native: unknown; error: FieldError };

export interface SplitPayload {
  /** Deletions, edits and account changes, to validate and produce on `compliance`. */
  compliance: ComplianceEntry[];
  /** Edited posts carried by the compliance event itself (ActivityPub Update), for mentions.raw. */
  posts: NativeEntry[];
  /** What is left for the format's post adapter (undefined when nothing is). */
  remainder: unknown;
  /** Events understood and deliberately not acted on (a profile edit, an account suspension). */
  ignored: number;
}

const POST_COLLECTION = 'app.bsky.feed.post';

/**
 * Separates the compliance events of a platform payload from its posts.
 * Pure. Knows the X Account Activity `tweet_delete_events`, the X v2
 * compliance stream (`delete`, `user_delete`, `user_protect`) and v1.1
 * `delete` notices; ActivityPub `Delete` and `Update` as Mastodon servers
 * deliver them, and Mastodon's `status.updated` webhook; Bluesky Jetstream
 * commits (`delete`/`update` of app.bsky.feed.post), Jetstream account
 * events, and firehose commits whose ops delete posts. Anything else is
 * left for the post adapter as it was.
 */
export function splitCompliance(format: FormatName, payload: unknown): SplitPayload {
  const out: SplitPayload = { compliance: [], posts: [], remainder: undefined, ignored: 0 };
  if (Array.isArray(payload)) {
    const rest: unknown[] = [];
    for (const p of payload) {
      const one = splitCompliance(format, p);
      out.compliance.push(...one.compliance);
      out.posts.push(...one.posts);
      out.ignored += one.ignored;
      if (one.remainder !== undefined) rest.push(one.remainder);
    }
    out.remainder = rest.length > 0 ? rest : undefined;
    return out;
  }
  if (!isRecord(payload)) {
    out.remainder = payload;
    return out;
  }
  switch (format) {
    case 'x':
      return splitX(payload, out);
    case 'mastodon':
      return splitMastodon(payload, out);
    case 'bluesky':
      return splitBluesky(payload, out);
    default:
      out.remainder = payload;
      return out;
  }
}

function splitX(p: Record<string, unknown>, out: SplitPayload): SplitPayload {
  let handled = false;
  if (Array.isArray(p.tweet_delete_events)) {
    handled = true;
    for (const e of p.tweet_delete_events) {
      const status = get(e, 'status');
      out.compliance.push({
        native: e,
        item: {
          kind: 'post_deleted',
          platform: 'x',
          postId: idOf(get(status, 'id_str') ?? get(status, 'id')),
          authorId: idOf(get(status, 'user_id_str') ?? get(status, 'user_id')),
          occurredAt: epochMs(get(e, 'timestamp_ms')),
        },
      });
    }
  }
  // v1.1 streaming delete notice: { delete: { status: { id_str, user_id_str }, timestamp_ms } }.
  if (isRecord(p.delete) && isRecord(p.delete.status)) {
    handled = true;
    const s = p.delete.status;
    out.compliance.push({
      native: p,
      item: {
        kind: 'post_deleted',
        platform: 'x',
        postId: idOf(s.id_str ?? s.id),
        authorId: idOf(s.user_id_str ?? s.user_id),
        occurredAt: epochMs(p.delete.timestamp_ms),
      },
    });
  }
  // v2 compliance streams: { data: { delete | user_delete | user_protect | …: {…, event_at} } }.
  const data = p.data;
  if (isRecord(data) && !('id' in data) && !('text' in data)) {
    const tweetDelete = data.delete;
    const userEvent = (['user_delete', 'user_protect'] as const).find((k) => isRecord(data[k]));
    if (isRecord(tweetDelete)) {
      handled = true;
      out.compliance.push({
        native: p,
        item: {
          kind: 'post_deleted',
          platform: 'x',
          postId: idOf(get(tweetDelete, 'tweet', 'id')),
          authorId: idOf(get(tweetDelete, 'tweet', 'author_id')),
          occurredAt: tweetDelete.event_at,
        },
      });
    } else if (userEvent) {
      handled = true;
      const e = data[userEvent] as Record<string, unknown>;
      out.compliance.push({
        native: p,
        item: {
          kind: userEvent === 'user_delete' ? 'account_deleted' : 'account_private',
          platform: 'x',
          authorId: idOf(get(e, 'user', 'id')),
          occurredAt: e.event_at,
        },
      });
    } else if (Object.keys(data).some((k) => isRecord(data[k]) && 'event_at' in data[k])) {
      // withheld, drop, undrop, user_suspend, user_profile_modification, …: not a deletion by the person.
      handled = true;
      out.ignored++;
    }
  }
  if (Array.isArray(p.tweet_create_events)) {
    out.remainder = { for_user_id: p.for_user_id, tweet_create_events: p.tweet_create_events };
  } else if (!handled) {
    out.remainder = p;
  }
  return out;
}

function splitMastodon(p: Record<string, unknown>, out: SplitPayload): SplitPayload {
  const type = str(p.type);
  if (type === 'Delete') {
    const actorUri = idOf(p.actor);
    const actor = mastodonActorId(actorUri);
    const object = p.object;
    const objectId = typeof object === 'string' ? object : idOf(get(object, 'id'));
    const objectType = str(get(object, 'type'));
    const isAccount = objectType === 'Person' || (objectId !== undefined && objectId === actorUri);
    out.compliance.push({
      native: p,
      item: isAccount
        ? {
            kind: 'account_deleted',
            platform: 'mastodon',
            authorId: mastodonActorId(objectId) ?? actor,
          }
        : {
            kind: 'post_deleted',
            platform: 'mastodon',
            postId: objectId,
            authorId: actor,
            occurredAt: str(p.published) ?? str(get(object, 'deleted')),
          },
    });
    return out;
  }
  if (type === 'Update') {
    const note = p.object;
    if (!isRecord(note) || (note.type !== 'Note' && note.type !== 'Article')) {
      out.ignored++; // a profile (Person) or a poll update: nothing to erase or re-score
      return out;
    }
    const postId = idOf(note.id);
    const authorId = mastodonActorId(idOf(note.attributedTo) ?? idOf(p.actor));
    const editedAt = str(note.updated) ?? str(p.published);
    out.compliance.push({
      native: p,
      item: { kind: 'post_edited', platform: 'mastodon', postId, authorId, editedAt },
    });
    const actorUri = idOf(note.attributedTo) ?? idOf(p.actor);
    out.posts.push({ native: note, post: noteToPost(note, authorId, actorUri, editedAt) });
    return out;
  }
  if (p.event === 'status.updated' && isRecord(p.object)) {
    const s = p.object;
    out.compliance.push({
      native: p,
      item: {
        kind: 'post_edited',
        platform: 'mastodon',
        postId: str(s.uri) ?? str(s.url) ?? idOf(s.id),
        authorId: isRecord(s.account) ? mastodonAuthorId(s.account, str(s.url)) : undefined,
        editedAt: str(s.edited_at),
      },
    });
    out.remainder = p; // mapMastodon takes the status, with its edited_at as the revision
    return out;
  }
  out.remainder = p;
  return out;
}

function noteToPost(
  note: Record<string, unknown>,
  authorId: string | undefined,
  actorUri: string | undefined,
  editedAt: string | undefined,
): GenericPost {
  const url = Array.isArray(note.url) ? note.url.find((u) => typeof u === 'string') : note.url;
  const contentMap = isRecord(note.contentMap) ? Object.keys(note.contentMap) : [];
  return {
    platform: 'mastodon',
    id: note.id as string,
    url: str(url) ?? str(note.id) ?? null,
    kind: str(note.inReplyTo) ? 'reply' : 'post',
    // The actor URI is all an Update says of the author; the handle is unknown here.
    author: { id: authorId as string, profileUrl: actorUri ?? null },
    title: str(note.summary) ?? null,
    text: htmlToText(typeof note.content === 'string' ? note.content : ''),
    lang: contentMap[0] ?? null,
    createdAt: note.published as string,
    editedAt: editedAt ?? null,
  };
}

/** A Jetstream post commit as an event: a deletion at its time, an edit with it as its revision. */
function blueskyPostEvent(
  p: Record<string, unknown>,
  c: Record<string, unknown>,
  kind: 'post_deleted' | 'post_edited',
): Record<string, unknown> {
  const did = str(p.did);
  const rkey = str(c.rkey);
  const at = microsToMs(p.time_us);
  return {
    kind,
    platform: 'bluesky',
    postId: did && rkey ? `at://${did}/${POST_COLLECTION}/${rkey}` : undefined,
    authorId: did,
    ...(kind === 'post_deleted' ? { occurredAt: at } : { editedAt: at }),
  };
}

function splitBluesky(p: Record<string, unknown>, out: SplitPayload): SplitPayload {
  // Jetstream commit: { did, time_us, kind: 'commit', commit: { operation, collection, rkey } }.
  if (p.kind === 'commit' && isRecord(p.commit)) {
    const c = p.commit;
    if (c.collection !== POST_COLLECTION) {
      out.ignored++; // likes, reposts, follows, profiles, other apps' records: not posts
      return out;
    }
    if (c.collection === POST_COLLECTION && c.operation === 'delete') {
      out.compliance.push({ native: p, item: blueskyPostEvent(p, c, 'post_deleted') });
      return out;
    }
    if (c.collection === POST_COLLECTION && c.operation === 'update') {
      out.compliance.push({ native: p, item: blueskyPostEvent(p, c, 'post_edited') });
      out.remainder = p; // mapBluesky re-sends the updated record with time_us as its revision
      return out;
    }
    out.remainder = p;
    return out;
  }
  // Jetstream identity event (a handle or DID document changed): nothing to collect or erase.
  if (p.kind === 'identity' && isRecord(p.identity)) {
    out.ignored++;
    return out;
  }
  // Jetstream account event: { did, kind: 'account', account: { active, status } }.
  if (p.kind === 'account' && isRecord(p.account)) {
    const status = str(p.account.status);
    if (p.account.active === false && (status === 'deleted' || status === 'deactivated')) {
      out.compliance.push({
        native: p,
        item: {
          kind: status === 'deleted' ? 'account_deleted' : 'account_private',
          platform: 'bluesky',
          authorId: str(p.did) ?? str(p.account.did),
          occurredAt: microsToMs(p.time_us) ?? str(p.account.time),
        },
      });
    } else {
      out.ignored++; // reactivation, takedown by a moderator: not the person's request
    }
    return out;
  }
  // Firehose (com.atproto.sync.subscribeRepos#commit): { repo, time, ops: [{ action, path }] }.
  if (typeof p.repo === 'string' && Array.isArray(p.ops)) {
    for (const op of p.ops) {
      const path = str(get(op, 'path'));
      if (get(op, 'action') === 'delete' && path?.startsWith(`${POST_COLLECTION}/`)) {
        out.compliance.push({
          native: op,
          item: {
            kind: 'post_deleted',
            platform: 'bluesky',
            postId: `at://${p.repo}/${path}`,
            authorId: p.repo,
            occurredAt: str(p.time),
          },
        });
      } else {
        out.ignored++;
      }
    }
    return out;
  }
  out.remainder = p;
  return out;
}

function idOf(v: unknown): string | undefined {
  if (typeof v === 'string' && v !== '') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  return undefined;
}

function epochMs(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : num(v);
  return n === undefined ? undefined : n;
}

function microsToMs(v: unknown): number | undefined {
  const n = num(v);
  return n === undefined ? undefined : Math.floor(n / 1000);
}
