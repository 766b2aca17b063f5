/**
 * The closed list of hark error codes. Every code is documented in
 * `libs/errors/ERRORS.md`; a unit test fails when the two drift apart.
 * `retriable` and `httpStatus` are the defaults for the code; a throw site may
 * override them. `httpStatus` is what an HTTP API answers when the error
 * reaches its error handler (500 for codes that never do).
 */
export const ERROR_CODES = {
  HARK_CONFIG_INVALID: {
    retriable: false,
    httpStatus: 500,
    message: 'configuration is missing or malformed',
  },
  HARK_SERDE_NOT_FRAMED: {
    retriable: false,
    httpStatus: 500,
    message: 'record is not in Confluent wire format',
  },
  HARK_SERDE_UNKNOWN_SCHEMA: {
    retriable: false,
    httpStatus: 500,
    message: 'schema id is unknown to the registry',
  },
  HARK_SERDE_DECODE_FAILED: {
    retriable: false,
    httpStatus: 500,
    message: 'record does not decode with its schema',
  },
  HARK_SERDE_INCOMPATIBLE_SCHEMA: {
    retriable: false,
    httpStatus: 500,
    message: 'writer schema cannot be read with the reader schema',
  },
  HARK_SERDE_ENCODE_FAILED: {
    retriable: false,
    httpStatus: 500,
    message: 'value does not match the schema',
  },
  HARK_REGISTRY_UNAVAILABLE: {
    retriable: true,
    httpStatus: 503,
    message: 'schema registry did not answer',
  },
  HARK_REGISTRY_REJECTED: {
    retriable: false,
    httpStatus: 500,
    message: 'schema registry rejected the request',
  },
  HARK_REGISTRY_SCHEMA_INVALID: {
    retriable: false,
    httpStatus: 422,
    message: 'schema is not valid Avro or uses an unsupported feature',
  },
  HARK_REGISTRY_SCHEMA_INCOMPATIBLE: {
    retriable: false,
    httpStatus: 409,
    message: 'schema breaks the compatibility level of its subject',
  },
  HARK_REGISTRY_NOT_FOUND: {
    retriable: false,
    httpStatus: 404,
    message: 'subject, version, schema or config not found',
  },
  HARK_REGISTRY_BAD_REQUEST: {
    retriable: false,
    httpStatus: 400,
    message: 'registry request is malformed',
  },
  HARK_KAFKA_UNAVAILABLE: {
    retriable: true,
    httpStatus: 503,
    message: 'Kafka did not acknowledge in time',
  },
  HARK_STAGE_PROCESSING_FAILED: {
    retriable: false,
    httpStatus: 500,
    message: 'record could not be processed',
  },
  HARK_STAGE_INVALID_RECORD: {
    retriable: false,
    httpStatus: 500,
    message: 'a decoded record breaks its event contract',
  },
  HARK_STAGE_RETRIES_EXHAUSTED: {
    retriable: false,
    httpStatus: 500,
    message: 'a retriable failure outlasted the retry budget',
  },
  HARK_DB_UNAVAILABLE: { retriable: true, httpStatus: 503, message: 'PostgreSQL did not answer' },
  HARK_DB_MIGRATION_CHANGED: {
    retriable: false,
    httpStatus: 500,
    message: 'an applied migration file was edited after it ran',
  },
  HARK_DB_MIGRATION_FAILED: {
    retriable: false,
    httpStatus: 500,
    message: 'a migration failed to apply',
  },
  HARK_ROLLUP_TOO_LATE: {
    retriable: false,
    httpStatus: 500,
    message: 'event time is older than the allowed rollup lateness',
  },
  HARK_ROLLUP_IN_FUTURE: {
    retriable: false,
    httpStatus: 500,
    message: 'event time is further in the future than the clock-skew tolerance',
  },
  HARK_ROLLUP_WRITE_FAILED: {
    retriable: false,
    httpStatus: 500,
    message: 'rollup transaction failed',
  },
  HARK_ROLLUP_API_UNAUTHORIZED: {
    retriable: false,
    httpStatus: 401,
    message: 'missing or unknown API key',
  },
  HARK_ROLLUP_API_BAD_REQUEST: {
    retriable: false,
    httpStatus: 400,
    message: 'corrections API request failed validation',
  },
  HARK_ROLLUP_MENTION_NOT_FOUND: {
    retriable: false,
    httpStatus: 404,
    message: 'no counted mention with this id',
  },
  HARK_ROLLUP_API_FAILED: {
    retriable: false,
    httpStatus: 500,
    message: 'corrections API request failed',
  },
  HARK_INGEST_INVALID: {
    retriable: false,
    httpStatus: 400,
    message: 'an ingested item failed validation',
  },
  HARK_INGEST_MALFORMED_BODY: {
    retriable: false,
    httpStatus: 400,
    message: 'request body is not valid JSON, NDJSON or XML',
  },
  HARK_INGEST_PAYLOAD_TOO_LARGE: {
    retriable: false,
    httpStatus: 413,
    message: 'request body or item count is over the limit',
  },
  HARK_INGEST_UNSUPPORTED_MEDIA_TYPE: {
    retriable: false,
    httpStatus: 415,
    message: 'request Content-Type is not supported',
  },
  HARK_INGEST_BAD_REQUEST: {
    retriable: false,
    httpStatus: 400,
    message: 'a query parameter or header is invalid',
  },
  HARK_AUTH_UNAUTHORIZED: {
    retriable: false,
    httpStatus: 401,
    message: 'missing or unknown API key',
  },
  HARK_WEBHOOK_SIGNATURE_INVALID: {
    retriable: false,
    httpStatus: 401,
    message: 'webhook signature is missing or wrong',
  },
  HARK_WEBHOOK_UNKNOWN_SOURCE: {
    retriable: false,
    httpStatus: 404,
    message: 'no webhook source by that name',
  },
  HARK_WEBHOOK_HANDSHAKE_REJECTED: {
    retriable: false,
    httpStatus: 403,
    message: 'webhook subscription handshake refused',
  },
  HARK_POLLER_FETCH_FAILED: {
    retriable: true,
    httpStatus: 503,
    message: 'a poller request failed',
  },
  HARK_POLLER_LEASE_LOST: {
    retriable: false,
    httpStatus: 500,
    message: 'another collector instance took over a poller',
  },
  HARK_MODEL_INVALID: {
    retriable: false,
    httpStatus: 500,
    message: 'a model file is missing, malformed or of an unsupported format',
  },
  HARK_SHUTDOWN_TIMEOUT: {
    retriable: false,
    httpStatus: 500,
    message: 'graceful shutdown took too long',
  },
  HARK_IDENTITY_INVALID_AUTHOR: {
    retriable: false,
    httpStatus: 500,
    message: 'a scored mention has no usable author to resolve',
  },
  HARK_IDENTITY_NOT_FOUND: {
    retriable: false,
    httpStatus: 404,
    message: 'no social identity for that platform and author',
  },
  HARK_IDENTITY_API_UNAUTHORIZED: {
    retriable: false,
    httpStatus: 401,
    message: 'missing or unknown API key',
  },
  HARK_IDENTITY_API_BAD_REQUEST: {
    retriable: false,
    httpStatus: 400,
    message: 'the request does not match the route schema',
  },
  HARK_IDENTITY_API_FAILED: {
    retriable: false,
    httpStatus: 500,
    message: 'an identity API request failed unexpectedly',
  },
  HARK_CRM_INVALID_CUSTOMER: {
    retriable: false,
    httpStatus: 400,
    message: 'a customer record failed validation',
  },
  HARK_CRM_CUSTOMER_NOT_FOUND: {
    retriable: false,
    httpStatus: 404,
    message: 'no customer with that external id',
  },
  HARK_CRM_IMPORT_FAILED: {
    retriable: false,
    httpStatus: 500,
    message: 'the CRM file could not be imported',
  },
  HARK_RULES_INVALID: {
    retriable: false,
    httpStatus: 500,
    message: 'a routing rules or examples file is malformed',
  },
  HARK_ACTION_DELIVERY_FAILED: {
    retriable: true,
    httpStatus: 503,
    message: 'an action webhook delivery attempt failed',
  },
  HARK_ALERT_EVALUATION_FAILED: {
    retriable: true,
    httpStatus: 503,
    message: 'a spike detection round could not read the rollups',
  },
  HARK_PRIVACY_MASTER_KEY_INVALID: {
    retriable: false,
    httpStatus: 500,
    message: 'the privacy master key is missing or not 32 bytes of base64',
  },
  HARK_PRIVACY_KEY_UNWRAP_FAILED: {
    retriable: false,
    httpStatus: 500,
    message: 'a data key does not open with any configured master key',
  },
  HARK_PRIVACY_CIPHERTEXT_INVALID: {
    retriable: false,
    httpStatus: 500,
    message: 'an encrypted field is malformed or fails its authentication tag',
  },
  HARK_PRIVACY_ENVELOPE_VERSION_UNSUPPORTED: {
    retriable: false,
    httpStatus: 500,
    message: 'a sealed envelope has a format version this reader does not know',
  },
  HARK_PRIVACY_KEY_UNKNOWN: {
    retriable: false,
    httpStatus: 500,
    message: 'an encrypted field names a data key this database never held',
  },
  HARK_PRIVACY_BAD_REQUEST: {
    retriable: false,
    httpStatus: 400,
    message: 'an erasure or export request is malformed',
  },
  HARK_PRIVACY_REQUEST_NOT_FOUND: {
    retriable: false,
    httpStatus: 404,
    message: 'no erasure request with that id',
  },
} as const satisfies Record<string, { retriable: boolean; httpStatus: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const errorCodes = Object.keys(ERROR_CODES) as ErrorCode[];
