import { hkdfSync } from 'node:crypto';
import type { Pool } from '@hark/db';
import { loadSchema, valueSubject, type ComplianceEvent } from '@hark/events';
import type { AvroSerde } from '@hark/kafka';
import { createKeyring, type Keyring, type MasterKey } from '@hark/privacy';
import type { Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { exportCustomer, type CustomerExport } from './privacy-export.ts';
import { createPrivacyService, type PrivacyService } from './privacy-service.ts';
import type { Shredder } from './privacy-repository.ts';

export interface PrivacyRuntime {
  keyring: Keyring;
  secret: Buffer;
  shred: Shredder;
  service: PrivacyService;
  exportCustomer(customerId: string): Promise<CustomerExport>;
  close(): Promise<void>;
}

/**
 * The audit digest key: PRIVACY_AUDIT_SECRET when set, else derived from the
 * master key (HKDF, its own label), so a deployment has one secret less to
 * manage and the digest never equals anything else derived from that key.
 */
export function auditSecret(configured: string, master: MasterKey): Buffer {
  if (configured !== '') return Buffer.from(configured, 'utf8');
  return Buffer.from(
    hkdfSync('sha256', master.key, Buffer.alloc(0), 'hark/privacy-audit-digest/v1', 32),
  );
}

/**
 * Keyring, erasure orchestrator and export over one pool and producer (service and CLI alike).
 * The caller applies `migratePrivacy` first, beside its own migrations, so a process runs it once.
 */
export async function createPrivacyRuntime(deps: {
  pool: Pool;
  producer: Pick<Producer, 'send'>;
  serde: AvroSerde;
  topics: { links: string; compliance: string };
  masterKey: MasterKey;
  previousMasterKeys: readonly MasterKey[];
  auditSecret: string;
  logger: Logger;
  /** Subscribe to shred notifications (long-running processes); the CLI reads keys once. */
  listen: boolean;
  /** The process's keyring when it has one already (the service shares its own); else one is made. */
  keyring?: Keyring;
}): Promise<PrivacyRuntime> {
  const owned = deps.keyring === undefined;
  const keyring =
    deps.keyring ??
    createKeyring({
      pool: deps.pool,
      masterKey: deps.masterKey,
      previousMasterKeys: deps.previousMasterKeys,
      logger: deps.logger,
      listen: deps.listen,
    });
  const secret = auditSecret(deps.auditSecret, deps.masterKey);
  const shred: Shredder = (refs, client) => keyring.shred(refs, client);
  const complianceEncoder = await deps.serde.encoder<ComplianceEvent>(
    valueSubject(deps.topics.compliance),
    loadSchema('ComplianceEvent'),
  );
  const service = createPrivacyService({
    pool: deps.pool,
    producer: deps.producer,
    complianceEncoder,
    topics: deps.topics,
    secret,
    shred,
    logger: deps.logger,
  });
  return {
    keyring,
    secret,
    shred,
    service,
    exportCustomer: (customerId) =>
      exportCustomer({ pool: deps.pool, keyring, secret }, customerId),
    close: () => (owned ? keyring.close() : Promise.resolve()),
  };
}
