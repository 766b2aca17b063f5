export {
  createKeyring,
  SHRED_CHANNEL,
  type DataKey,
  type Keyring,
  type KeyringOptions,
} from './keyring.ts';
export {
  generateMasterKey,
  parseMasterKey,
  unwrapDataKey,
  wrapDataKey,
  type MasterKey,
} from './master-key.ts';
export {
  decryptField,
  decryptIdentityLinkPii,
  decryptIdentityLinkPiiWith,
  decryptMentionPii,
  decryptMentionPiiWith,
  decryptMentions,
  openMentionBatch,
  type OpenedBatch,
  encryptField,
  encryptIdentityLinkPii,
  encryptMentionPii,
  encryptMentionPiiFields,
  envelopeKeyId,
  identityLinkAuthorRef,
  identityLinkKeyIds,
  IDENTITY_LINK_PII_FIELDS,
  isEnvelope,
  mentionAuthorRef,
  mentionKeyIds,
  MENTION_PII_FIELDS,
  type MentionPiiField,
  ENVELOPE_PREFIX,
  type BatchDecrypted,
  type Decrypted,
  type KeySource,
} from './codec.ts';
export {
  SEALED_FIELDS,
  SEALED_TEXT_PREFIX,
  SEALED_VERSION,
  sealedFromText,
  sealedKeyId,
  sealedToText,
} from './mention-envelope.ts';
export { hashEmail, isHashedEmail, redactContacts } from './minimise.ts';
export { createPrivacyMetrics, type PrivacyMetrics } from './metrics.ts';
export { privacySettings } from './settings.ts';
export { migratePrivacy, PRIVACY_MIGRATIONS_DIR } from './migrate.ts';
export { TEST_MASTER_KEY } from './dev-keys.ts';
