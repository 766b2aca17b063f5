/**
 * The closed list of hark error codes. Every code is documented in
 * `libs/errors/ERRORS.md`; a unit test fails when the two drift apart.
 * `retriable` is the default for the code; a throw site may override it.
 */
export const ERROR_CODES = {
  HARK_CONFIG_INVALID: { retriable: false, message: 'configuration is missing or malformed' },
  HARK_SERDE_NOT_FRAMED: { retriable: false, message: 'record is not in Confluent wire format' },
  HARK_SERDE_UNKNOWN_SCHEMA: { retriable: false, message: 'schema id is unknown to the registry' },
  HARK_SERDE_DECODE_FAILED: { retriable: false, message: 'record does not decode with its schema' },
  HARK_SERDE_INCOMPATIBLE_SCHEMA: {
    retriable: false,
    message: 'writer schema cannot be read with the reader schema',
  },
  HARK_SERDE_ENCODE_FAILED: { retriable: false, message: 'value does not match the schema' },
  HARK_REGISTRY_UNAVAILABLE: { retriable: true, message: 'schema registry did not answer' },
  HARK_REGISTRY_REJECTED: { retriable: false, message: 'schema registry rejected the request' },
  HARK_REGISTRY_SCHEMA_INVALID: {
    retriable: false,
    message: 'schema is not valid Avro or uses an unsupported feature',
  },
  HARK_REGISTRY_SCHEMA_INCOMPATIBLE: {
    retriable: false,
    message: 'schema breaks the compatibility level of its subject',
  },
  HARK_REGISTRY_NOT_FOUND: {
    retriable: false,
    message: 'subject, version, schema or config not found',
  },
  HARK_REGISTRY_BAD_REQUEST: { retriable: false, message: 'registry request is malformed' },
  HARK_KAFKA_UNAVAILABLE: { retriable: true, message: 'Kafka did not acknowledge in time' },
  HARK_STAGE_PROCESSING_FAILED: { retriable: false, message: 'record could not be processed' },
  HARK_STAGE_INVALID_RECORD: {
    retriable: false,
    message: 'a decoded record breaks its event contract',
  },
  HARK_STAGE_RETRIES_EXHAUSTED: {
    retriable: false,
    message: 'a retriable failure outlasted the retry budget',
  },
  HARK_DB_UNAVAILABLE: { retriable: true, message: 'PostgreSQL did not answer' },
  HARK_DB_MIGRATION_CHANGED: {
    retriable: false,
    message: 'an applied migration file was edited after it ran',
  },
  HARK_DB_MIGRATION_FAILED: { retriable: false, message: 'a migration failed to apply' },
  HARK_ROLLUP_TOO_LATE: {
    retriable: false,
    message: 'event time is older than the allowed rollup lateness',
  },
  HARK_ROLLUP_IN_FUTURE: {
    retriable: false,
    message: 'event time is further in the future than the clock-skew tolerance',
  },
  HARK_ROLLUP_WRITE_FAILED: { retriable: false, message: 'rollup transaction failed' },
  HARK_ROLLUP_API_UNAUTHORIZED: { retriable: false, message: 'missing or unknown API key' },
  HARK_ROLLUP_API_BAD_REQUEST: {
    retriable: false,
    message: 'corrections API request failed validation',
  },
  HARK_ROLLUP_MENTION_NOT_FOUND: {
    retriable: false,
    message: 'no counted mention with this id',
  },
  HARK_ROLLUP_API_FAILED: { retriable: false, message: 'corrections API request failed' },
  HARK_INGEST_INVALID: { retriable: false, message: 'an ingested item failed validation' },
  HARK_INGEST_MALFORMED_BODY: {
    retriable: false,
    message: 'request body is not valid JSON, NDJSON or XML',
  },
  HARK_INGEST_PAYLOAD_TOO_LARGE: {
    retriable: false,
    message: 'request body or item count is over the limit',
  },
  HARK_INGEST_UNSUPPORTED_MEDIA_TYPE: {
    retriable: false,
    message: 'request Content-Type is not supported',
  },
  HARK_INGEST_BAD_REQUEST: { retriable: false, message: 'a query parameter or header is invalid' },
  HARK_AUTH_UNAUTHORIZED: { retriable: false, message: 'missing or unknown API key' },
  HARK_WEBHOOK_SIGNATURE_INVALID: {
    retriable: false,
    message: 'webhook signature is missing or wrong',
  },
  HARK_WEBHOOK_UNKNOWN_SOURCE: { retriable: false, message: 'no webhook source by that name' },
  HARK_WEBHOOK_HANDSHAKE_REJECTED: {
    retriable: false,
    message: 'webhook subscription handshake refused',
  },
  HARK_POLLER_FETCH_FAILED: { retriable: true, message: 'a poller request failed' },
  HARK_POLLER_LEASE_LOST: {
    retriable: false,
    message: 'another collector instance took over a poller',
  },
  HARK_MODEL_INVALID: {
    retriable: false,
    message: 'a model file is missing, malformed or of an unsupported format',
  },
  HARK_SHUTDOWN_TIMEOUT: { retriable: false, message: 'graceful shutdown took too long' },
  HARK_IDENTITY_INVALID_AUTHOR: {
    retriable: false,
    message: 'a scored mention has no usable author to resolve',
  },
  HARK_IDENTITY_NOT_FOUND: {
    retriable: false,
    message: 'no social identity for that platform and author',
  },
  HARK_IDENTITY_API_UNAUTHORIZED: { retriable: false, message: 'missing or unknown API key' },
  HARK_IDENTITY_API_BAD_REQUEST: {
    retriable: false,
    message: 'the request does not match the route schema',
  },
  HARK_IDENTITY_API_FAILED: {
    retriable: false,
    message: 'an identity API request failed unexpectedly',
  },
  HARK_CRM_INVALID_CUSTOMER: { retriable: false, message: 'a customer record failed validation' },
  HARK_CRM_CUSTOMER_NOT_FOUND: { retriable: false, message: 'no customer with that external id' },
  HARK_CRM_IMPORT_FAILED: { retriable: false, message: 'the CRM file could not be imported' },
  HARK_RULES_INVALID: {
    retriable: false,
    message: 'a routing rules or examples file is malformed',
  },
  HARK_ACTION_DELIVERY_FAILED: {
    retriable: true,
    message: 'an action webhook delivery attempt failed',
  },
  HARK_ALERT_EVALUATION_FAILED: {
    retriable: true,
    message: 'a spike detection round could not read the rollups',
  },
  HARK_PRIVACY_MASTER_KEY_INVALID: {
    retriable: false,
    message: 'the privacy master key is missing or not 32 bytes of base64',
  },
  HARK_PRIVACY_KEY_UNWRAP_FAILED: {
    retriable: false,
    message: 'a data key does not open with any configured master key',
  },
  HARK_PRIVACY_CIPHERTEXT_INVALID: {
    retriable: false,
    message: 'an encrypted field is malformed or fails its authentication tag',
  },
  HARK_PRIVACY_ENVELOPE_VERSION_UNSUPPORTED: {
    retriable: false,
    message: 'a sealed envelope has a format version this reader does not know',
  },
  HARK_PRIVACY_KEY_UNKNOWN: {
    retriable: false,
    message: 'an encrypted field names a data key this database never held',
  },
  HARK_PRIVACY_BAD_REQUEST: {
    retriable: false,
    message: 'an erasure or export request is malformed',
  },
  HARK_PRIVACY_REQUEST_NOT_FOUND: { retriable: false, message: 'no erasure request with that id' },
} as const satisfies Record<string, { retriable: boolean; message: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export const errorCodes = Object.keys(ERROR_CODES) as ErrorCode[];
