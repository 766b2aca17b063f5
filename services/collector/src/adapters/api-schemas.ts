import { problem, problemSchema } from '@hark/http';
import { REJECT_REASONS } from '../domain/item-errors.ts';
import { FORMAT_NAMES } from '../domain/platforms/index.ts';

/*
 * The route schemas of the ingest API. They document it (GET /openapi.json)
 * and do not validate: bodies are read as raw bytes (webhook signatures are
 * computed over exactly what was sent) and checked item by item by the
 * domain validators, which refuse one bad item without the others, name the
 * field, and dead-letter what a platform signed.
 */

const nullableString = { type: ['string', 'null'] } as const;
const count = { type: 'integer', minimum: 0 } as const;
const timestamp = {
  oneOf: [
    {
      type: 'string',
      format: 'date-time',
      description: 'ISO-8601 with a time zone (Z or ±hh:mm).',
    },
    { type: 'integer', minimum: 100_000_000_000, description: 'Epoch milliseconds.' },
  ],
} as const;

const itemError = {
  type: 'object',
  required: ['index', 'id', 'path', 'reason', 'message'],
  properties: {
    index: {
      type: 'integer',
      description: '0-based position of the item in the request (NDJSON: among non-blank lines).',
    },
    id: {
      ...nullableString,
      description: 'mentionId or signalId when the item got far enough to have one.',
    },
    line: { type: 'integer', description: '1-based NDJSON line.' },
    path: {
      type: 'string',
      description: 'Dotted field path from the item root; empty for the item itself.',
    },
    reason: { type: 'string', enum: [...REJECT_REASONS] },
    message: { type: 'string' },
  },
} as const;
const itemErrors = { type: 'array', items: itemError } as const;

const mentionResult = {
  type: 'object',
  required: ['received', 'accepted', 'unmatched', 'rejected', 'items', 'errors'],
  properties: {
    received: count,
    accepted: { ...count, description: 'Items written to Kafka and acknowledged.' },
    unmatched: { ...count, description: 'Valid items that named no tracked brand: not forwarded.' },
    rejected: { ...count, description: 'Items refused; `errors` has one entry per bad field.' },
    items: {
      type: 'array',
      items: {
        type: 'object',
        required: ['index', 'mentionId', 'status'],
        properties: {
          index: { type: 'integer' },
          mentionId: { type: 'string' },
          status: { type: 'string', enum: ['accepted', 'unmatched'] },
          brands: { type: 'array', items: { type: 'string' } },
          keywords: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    errors: itemErrors,
    code: { type: 'string', description: 'On 400 only.' },
    message: { type: 'string', description: 'On 400 only.' },
    statusCode: { type: 'integer', description: 'On 400 only.' },
  },
} as const;

/** The answer of a batch whose accepted items are named by `idField` (eventId, signalId). */
const acceptedBatch = (idField: string) =>
  ({
    received: count,
    accepted: count,
    rejected: count,
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          index: { type: 'integer' },
          [idField]: { type: 'string' },
          status: { const: 'accepted' },
        },
      },
    },
    errors: itemErrors,
  }) as const;

const complianceBatch = acceptedBatch('eventId');
const complianceResult = {
  type: 'object',
  properties: {
    ...complianceBatch,
    ignored: {
      ...count,
      description: 'Native events understood and not acted on (profile edits, …).',
    },
    items: {
      ...complianceBatch.items,
      items: {
        ...complianceBatch.items.items,
        properties: { ...complianceBatch.items.items.properties, kind: { type: 'string' } },
      },
    },
    mentions: { ...mentionResult, description: 'Edited posts of the body (post_edited).' },
  },
} as const;

const signalResult = { type: 'object', properties: acceptedBatch('signalId') } as const;

const post = {
  type: 'object',
  required: ['platform', 'id', 'author', 'text', 'createdAt'],
  description: 'The generic post. Unknown fields are ignored. mentionId = `platform:id`.',
  properties: {
    platform: {
      type: 'string',
      pattern: '^[a-z0-9][a-z0-9._-]{0,31}$',
      examples: ['x', 'reddit', 'review'],
    },
    id: {
      type: 'string',
      maxLength: 512,
      description: 'Post id on its platform (alias: postId). Integers are accepted up to 2^53.',
    },
    url: { ...nullableString, format: 'uri' },
    kind: {
      type: 'string',
      enum: ['post', 'reply', 'repost', 'quote', 'comment', 'review', 'article', 'other'],
      default: 'post',
    },
    parentId: {
      ...nullableString,
      description: "Parent's id on the same platform, or its mentionId.",
    },
    author: {
      type: 'object',
      required: ['id'],
      properties: {
        id: { type: 'string' },
        handle: { ...nullableString, description: 'Without @; defaults to id.' },
        name: nullableString,
        followers: count,
        verified: { type: 'boolean' },
        location: nullableString,
        email: { ...nullableString, format: 'email' },
        profileUrl: { ...nullableString, format: 'uri' },
      },
    },
    title: { ...nullableString, maxLength: 1000 },
    text: {
      type: 'string',
      description:
        'Required; may be empty when title is set. Limit: COLLECTOR_MAX_TEXT_LENGTH code points.',
    },
    lang: { ...nullableString, description: 'ISO 639-1, BCP 47 tags accepted (pt-BR → pt).' },
    createdAt: timestamp,
    engagement: {
      type: 'object',
      properties: { likes: count, shares: count, replies: count, views: count },
    },
    rating: { type: ['number', 'null'], minimum: 1, maximum: 5 },
    editedAt: {
      ...timestamp,
      description:
        'When the post was edited; its epoch ms become Mention.revision, so the edit replaces the earlier version downstream.',
    },
    revision: {
      ...count,
      description: 'Mention.revision directly (higher = later edit); or send editedAt.',
    },
  },
} as const;

const complianceItem = {
  type: 'object',
  required: ['kind', 'platform'],
  description:
    'A platform deletion, edit or account change. Post events need postId; account events need authorId. Ids only: never text, names or handles.',
  properties: {
    kind: { enum: ['post_deleted', 'post_edited', 'account_deleted', 'account_private'] },
    platform: { type: 'string' },
    postId: { type: 'string', description: 'The post id on its platform (or its mentionId).' },
    authorId: { type: 'string' },
    occurredAt: { ...timestamp, description: 'When it happened; now when absent.' },
    revision: {
      ...count,
      description: 'post_edited: the revision of the edited post re-sent on /v1/mentions.',
    },
    editedAt: {
      ...timestamp,
      description: 'post_edited: the edit time (its ms are the revision).',
    },
  },
} as const;

const signal = {
  type: 'object',
  required: ['brand', 'metric', 'value', 'observedAt'],
  properties: {
    brand: { type: 'string', description: 'A brand id from the brands config.' },
    platform: { type: 'string', default: 'all' },
    metric: {
      type: 'string',
      pattern: '^[a-z][a-z0-9_.-]{0,63}$',
      examples: ['followers', 'web_visits', 'search_volume', 'repeat_visits', 'conversions'],
    },
    value: {
      type: 'number',
      description: 'Counts (followers, web_visits, …) must not be negative.',
    },
    aggregation: {
      type: 'string',
      enum: ['last', 'sum'],
      description: 'Default: last for levels (followers), sum otherwise.',
    },
    observedAt: timestamp,
    source: { type: 'string', description: 'e.g. ga4, x-api; defaults to the API key name.' },
  },
} as const;

/** One item, a JSON array of them, or NDJSON. */
const items = (schema: object) => ({
  content: {
    'application/json': { schema: { oneOf: [schema, { type: 'array', items: schema }] } },
    'application/x-ndjson': { schema: { type: 'string', description: 'One JSON item per line.' } },
  },
});

const unavailable = {
  description:
    'Kafka did not acknowledge within the send timeout, or is known to be down: nothing was acknowledged. Retry after Retry-After seconds.',
  headers: { 'Retry-After': { type: 'integer', description: 'Seconds to wait before retrying.' } },
  ...problemSchema,
  properties: {
    ...problemSchema.properties,
    retryAfterSeconds: { type: 'integer', description: 'When to retry (also in Retry-After).' },
  },
} as const;

/** The answers of every item-batch endpoint (mentions, compliance, signals): same limits, its own result. */
const batchResponses = (result: object) => ({
  202: { description: 'Every item was valid; accepted ones are durable in Kafka.', ...result },
  207: {
    description: 'Some items were refused (see errors); the others are durable in Kafka.',
    ...result,
  },
  400: { description: 'No item was valid, or the body is malformed.', ...result },
  401: problem('Missing or unknown API key.'),
  413: problem('Body over COLLECTOR_BODY_LIMIT_BYTES or more than COLLECTOR_MAX_ITEMS items.'),
  415: problem('Unsupported Content-Type.'),
  503: unavailable,
});

const sourceHeader = {
  type: 'object',
  properties: {
    'x-hark-source': {
      type: 'string',
      pattern: '^(http|replay):.+$',
      description: 'Ingest path and name recorded in Mention.source (replay uses replay:<file>).',
    },
  },
} as const;

export const mentionsSchema = {
  summary: 'Ingest posts',
  description:
    "One post, a JSON array, or NDJSON. With `format` other than generic the body is the platform's own payload (an X API v2 response, a Reddit Listing, Mastodon statuses, Bluesky postViews, RSS/Atom XML). One bad item never rejects the others.",
  querystring: {
    type: 'object',
    properties: {
      format: { type: 'string', enum: [...FORMAT_NAMES, 'rss', 'atom'], default: 'generic' },
      platform: { type: 'string', description: 'Platform name for feed items (default rss).' },
    },
  },
  headers: sourceHeader,
  body: {
    content: {
      ...items(post).content,
      'application/rss+xml': { schema: { type: 'string' } },
      'application/atom+xml': { schema: { type: 'string' } },
    },
  },
  response: batchResponses(mentionResult),
};

export const complianceSchema = {
  summary: 'Ingest platform deletions, edits and account changes',
  description:
    'One item, an array or NDJSON of ComplianceItem (format=generic), or a native payload with ?format=x|mastodon|bluesky (X tweet_delete_events and compliance stream, ActivityPub Delete/Update, Bluesky delete commits). Written to the compliance topic keyed by platform:postId or platform:authorId; eventId is `<kind>:<platform>:<id>[:<revision>]`. Erasure requests go to identity-resolution (POST /v1/privacy/erasures).',
  querystring: {
    type: 'object',
    properties: { format: { enum: ['generic', 'x', 'mastodon', 'bluesky'] } },
  },
  headers: sourceHeader,
  body: items(complianceItem),
  response: batchResponses(complianceResult),
};

export const signalsSchema = {
  summary: 'Ingest brand KPI observations',
  headers: sourceHeader,
  body: items(signal),
  response: batchResponses(signalResult),
};

const sourceParams = {
  type: 'object',
  required: ['source'],
  properties: { source: { type: 'string', description: 'A webhook source of COLLECTOR_SOURCES.' } },
} as const;

export const webhookDeliverySchema = {
  summary: 'Platform webhook',
  description:
    'Signed with HMAC-SHA256 of the raw body: `X-Hub-Signature-256: sha256=<hex>` or `X-Twitter-Webhooks-Signature: sha256=<base64>`. Answers 202 once every item is durable, as a mention or as a dead letter on the dlq topic (so platforms do not retry items that can never pass).',
  params: sourceParams,
  headers: {
    type: 'object',
    properties: {
      'x-hub-signature-256': { type: 'string' },
      'x-hub-signature': { type: 'string', description: 'WebSub sha1=<hex>.' },
      'x-twitter-webhooks-signature': { type: 'string' },
    },
  },
  body: {
    content: {
      'application/json': { schema: {} },
      'application/x-ndjson': { schema: { type: 'string' } },
      'application/rss+xml': { schema: { type: 'string' } },
    },
  },
  response: {
    202: { description: 'Durable.', ...mentionResult },
    400: problem('Body unreadable (kept on the dlq topic).'),
    401: problem('Bad or missing signature; nothing produced.'),
    404: problem('Unknown source.'),
    413: problem('Too large.'),
    503: unavailable,
  },
};

export const webhookHandshakeSchema = {
  summary: 'Subscription handshakes',
  description:
    "Each source answers its own platform's handshake only. X sources: `crc_token=…` (8–128 base64/base64url characters, never JSON) answers `{ response_token: \"sha256=\" + base64(HMAC-SHA256(secret, crc_token)) }`. Every other source: WebSub verification (`hub.mode=subscribe|unsubscribe&hub.topic=…&hub.challenge=…[&hub.lease_seconds=…]`, confirmed for the source's `topic`) or a `hub.verify_token` equal to the source's; the challenge is echoed verbatim as text/plain. `hub.mode=denied` is acknowledged with 200.",
  params: sourceParams,
  querystring: {
    type: 'object',
    properties: {
      'hub.mode': { enum: ['subscribe', 'unsubscribe', 'denied'] },
      'hub.topic': { type: 'string' },
      'hub.challenge': { type: 'string', pattern: '^[\\x21-\\x7e]{1,255}$' },
      'hub.lease_seconds': { type: 'string', pattern: '^[0-9]{1,10}$' },
      'hub.verify_token': { type: 'string' },
      'hub.reason': { type: 'string' },
      crc_token: { type: 'string', pattern: '^[A-Za-z0-9_+/-]{8,128}={0,2}$' },
    },
  },
  response: {
    200: { description: 'Challenge echoed (text/plain) or CRC response (JSON).' },
    400: problem("Not this source's handshake, or a malformed token, challenge or lease."),
    403: problem('Wrong verify token, or a topic this source does not subscribe to.'),
    404: problem('Unknown source.'),
  },
};
