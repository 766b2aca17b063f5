import type { ComplianceEvent, ComplianceKind } from '@hark/events';
import { FieldReader } from '../fields.ts';
import type { FieldError } from '../item-errors.ts';

/** A validated compliance event before the collector stamps receivedAt and source. */
export type ComplianceDraft = Omit<ComplianceEvent, 'receivedAt' | 'source'>;

/** Kinds a platform (or a client relaying one) may report; `erasure` has its own audited path. */
export const PLATFORM_KINDS = [
  'post_deleted',
  'post_edited',
  'account_deleted',
  'account_private',
] as const satisfies readonly ComplianceKind[];

export type PlatformKind = (typeof PLATFORM_KINDS)[number];

export type ComplianceValidation =
  | { ok: true; draft: ComplianceDraft; key: string }
  | { ok: false; eventId: string | null; errors: FieldError[] };

const PLATFORM = /^[a-z0-9][a-z0-9._-]{0,31}$/;
const PLATFORM_ALIASES: Record<string, string> = { twitter: 'x' };
const MAX_ID = 512;

/**
 * Validates one compliance item of the generic shape:
 * `{ kind, platform, postId | id, authorId, occurredAt, revision | editedAt }`.
 * Post events name a post (`postId`), account events an author
 * (`authorId`); a `post_edited` names the revision of the re-sent Mention
 * (`revision`, or `editedAt` whose epoch milliseconds are the revision).
 * The eventId is `<kind>:<platform>:<id>[:<revision>]`, so the same event
 * from a webhook and from a relay is recognised as one. Returns the Kafka key
 * too: `platform:postId` for posts, `platform:authorId` for accounts.
 */
export function validateCompliance(
  input: unknown,
  opts: { now: number; maxFutureSkewMs: number },
): ComplianceValidation {
  const r = new FieldReader();
  const o = r.item(input);
  if (!o) return { ok: false, eventId: null, errors: r.errors };

  let kind: PlatformKind | undefined;
  const kindRaw = r.string(o.kind, 'kind', { required: true });
  if (kindRaw !== undefined) {
    if ((PLATFORM_KINDS as readonly string[]).includes(kindRaw)) kind = kindRaw as PlatformKind;
    else if (kindRaw === 'erasure')
      r.fail(
        'kind',
        'invalid_value',
        'erasure requests are not platform events: use `hark privacy erase` or POST /v1/privacy/erasures on identity-resolution (they leave an audit record)',
      );
    else r.fail('kind', 'invalid_value', `kind must be one of ${PLATFORM_KINDS.join(', ')}`);
  }

  let platform: string | undefined;
  const platformRaw = r.string(o.platform, 'platform', { required: true });
  if (platformRaw !== undefined) {
    const lower = platformRaw.toLowerCase();
    if (!PLATFORM.test(lower))
      r.fail('platform', 'invalid_value', `platform must match ${PLATFORM.source}`);
    else platform = PLATFORM_ALIASES[lower] ?? lower;
  }

  const isPost = kind === 'post_deleted' || kind === 'post_edited';
  let postId: string | undefined;
  if (o.id !== undefined && o.postId !== undefined) {
    r.fail('postId', 'invalid_value', 'send one of id and postId');
  } else {
    const path = o.id !== undefined ? 'id' : 'postId';
    postId = r.string(o[path], path, { required: isPost, allowInteger: true, maxLength: MAX_ID });
  }
  // A mentionId given as the id is taken as it is (`x:123` for post 123 on x).
  if (postId !== undefined && platform !== undefined && postId.startsWith(`${platform}:`)) {
    postId = postId.slice(platform.length + 1);
  }
  const authorId = r.string(o.authorId, 'authorId', {
    required: kind !== undefined && !isPost,
    allowInteger: true,
    maxLength: MAX_ID,
  });

  const occurredAt =
    o.occurredAt === undefined || o.occurredAt === null
      ? opts.now
      : r.timestamp(o.occurredAt, 'occurredAt', opts);

  let revision = 0;
  if (kind === 'post_edited') {
    const fromRevision =
      o.revision === undefined || o.revision === null ? undefined : r.count(o.revision, 'revision');
    const fromEdited =
      o.editedAt === undefined || o.editedAt === null
        ? undefined
        : r.timestamp(o.editedAt, 'editedAt', opts);
    if (fromRevision !== undefined && fromEdited !== undefined && fromRevision !== fromEdited) {
      r.fail('revision', 'invalid_value', 'revision and editedAt disagree; send one of them');
    }
    const given = fromRevision ?? fromEdited;
    if (given === undefined && r.errors.length === 0) {
      r.fail(
        'revision',
        'missing_field',
        'post_edited needs revision (the re-sent Mention’s revision) or editedAt',
      );
    } else if (given !== undefined && given <= 0) {
      r.fail('revision', 'invalid_value', 'revision must be above 0 (0 is the original post)');
    } else if (given !== undefined) {
      revision = given;
    }
  }

  const subject = isPost ? postId : authorId;
  const eventId =
    kind && platform && subject
      ? `${kind}:${platform}:${subject}${kind === 'post_edited' && revision > 0 ? `:${revision}` : ''}`
      : null;
  if (r.errors.length > 0 || !kind || !platform || !subject || occurredAt === undefined) {
    return { ok: false, eventId, errors: r.errors };
  }
  return {
    ok: true,
    key: `${platform}:${subject}`,
    draft: {
      eventId: eventId!,
      kind,
      platform,
      postId: isPost ? postId! : null,
      mentionId: isPost ? `${platform}:${postId}` : null,
      authorId: authorId ?? null,
      customerId: null,
      revision,
      requestId: null,
      occurredAt,
    },
  };
}
