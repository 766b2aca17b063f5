/**
 * hark privacy: erasure (right to be forgotten) and access (export) requests.
 * Exit codes: 0 done (or accepted, without --wait), 1 failed, 2 bad usage,
 * 3 still pending when --wait timed out (re-run the same command to resume).
 */
import { writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { commonSettings, loadConfigOrExit } from '@hark/config';
import { createPool, migrate } from '@hark/db';
import { isHarkError } from '@hark/errors';
import { createAvroSerde, createKafka, createProducer, createRegistryClient } from '@hark/kafka';
import { createLogger } from '@hark/observability';
import { migratePrivacy } from '@hark/privacy';
import { view } from '../adapters/privacy-api.ts';
import { createPrivacyRuntime } from '../adapters/privacy-runtime.ts';
import type { ErasureStatus } from '../adapters/privacy-service.ts';
import { configSpec } from '../config.ts';
import { parseAuthorRef, type ErasureSubject } from '../domain/erasure-plan.ts';
import { MIGRATIONS_DIR, SERVICE } from '../schema.ts';

const USAGE = `usage:
  hark privacy erase (--customer <external id> | --author <platform:authorId>)
                     [--requested-by <operator or ticket>] [--reason <code>] [--wait] [--timeout <seconds>]
  hark privacy status <requestId> [--wait] [--timeout <seconds>]
  hark privacy export --customer <external id> [--out <file.json>]

erase   removes the person's personal data everywhere (keys shredded, CRM fields emptied, links
        tombstoned, mentions erased and KPIs restated by metrics-rollup) and writes an audit record
        without personal data. Re-running the same erase resumes an unfinished request.
        --reason is a code (gdpr-art17, ccpa-delete, ticket:4711), never free text.
        --wait polls until metrics-rollup reported (default timeout 120 s).
export  prints (or writes) everything held about a customer as one JSON document.

Environment: DATABASE_URL, KAFKA_BROKERS, SCHEMA_REGISTRY_URL, HARK_PRIVACY_MASTER_KEY,
LINKS_TOPIC, COMPLIANCE_TOPIC (see services/identity-resolution/README.md).`;

function usage(message?: string): never {
  if (message) process.stderr.write(`error: ${message}\n\n`);
  process.stderr.write(`${USAGE}\n`);
  process.exit(message ? 2 : 0);
}

const [command, ...rest] = process.argv.slice(2);
if (!command || command === '-h' || command === '--help' || command === 'help') usage();
if (!['erase', 'status', 'export'].includes(command))
  usage(`unknown command 'hark privacy ${command}'`);

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      customer: { type: 'string' },
      author: { type: 'string' },
      'requested-by': { type: 'string' },
      reason: { type: 'string', default: 'erasure-request' },
      wait: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '120' },
      out: { type: 'string' },
    },
  });
}
try {
  parsed = parse();
} catch (err) {
  usage((err as Error).message);
}
const { values, positionals } = parsed;
const timeoutMs = Number(values.timeout) * 1000;
if (!Number.isFinite(timeoutMs) || timeoutMs <= 0)
  usage('--timeout must be a positive number of seconds');

function subjectFromArgs(): ErasureSubject {
  if ((values.customer === undefined) === (values.author === undefined))
    usage('name exactly one subject: --customer <external id> or --author <platform:authorId>');
  if (values.customer !== undefined) return { kind: 'customer', customerId: values.customer };
  const ref = parseAuthorRef(values.author!);
  if (!ref) usage(`--author must be platform:authorId (e.g. x:2244994945), got "${values.author}"`);
  return { kind: 'author', ...ref };
}

// Usage problems are reported before anything connects.
const subject = command === 'erase' ? subjectFromArgs() : undefined;
if (command === 'export' && values.customer === undefined)
  usage('export needs --customer <external id>');
if (command === 'status' && !positionals[0])
  usage('status needs the request id (er_…) that erase printed');

const config = loadConfigOrExit({
  databaseUrl: commonSettings.databaseUrl,
  kafkaBrokers: commonSettings.kafkaBrokers,
  schemaRegistryUrl: commonSettings.schemaRegistryUrl,
  linksTopic: configSpec.linksTopic,
  complianceTopic: configSpec.complianceTopic,
  privacyAuditSecret: configSpec.privacyAuditSecret,
  privacyMasterKey: configSpec.privacyMasterKey,
  privacyPreviousMasterKeys: configSpec.privacyPreviousMasterKeys,
});
// Errors only: the CLI reports progress itself, and kafkajs warns about settings it chose.
const logger = createLogger({
  service: 'hark-privacy',
  level: 'error',
  destination: process.stderr,
});
const pool = createPool({
  url: config.databaseUrl,
  logger,
  max: 3,
  applicationName: 'hark-privacy',
});
const kafka = createKafka({ clientId: 'hark-privacy', brokers: config.kafkaBrokers, logger });
const producer = createProducer(kafka);
const out = (line: string) => process.stdout.write(`${line}\n`);

function describe(s: ErasureStatus): string {
  const c = s.audit.counts;
  const parts = [
    `request ${s.requestId}: ${s.status}${s.resumed ? ' (resumed)' : ''}`,
    `  identity: ${c.customersErased ?? 0} customer record(s) emptied, ${c.linksRemoved ?? 0} link(s) and ${c.reviewItemsRemoved ?? 0} review item(s) removed, ${c.keysShredded ?? 0} key(s) shredded`,
    `  kafka:    ${s.audit.propagatedAt ? `${c.events ?? 0} erasure event(s) and the link tombstones acknowledged` : 'not yet produced'}`,
    s.status === 'completed'
      ? `  rollups:  ${c.factsRemoved ?? 0} mention fact(s) removed, ${c.windowsRestated ?? 0} window(s) restated`
      : `  rollups:  waiting for metrics-rollup to report ${s.waitingFor} of ${s.audit.eventIds.length} erasure event(s)`,
  ];
  return parts.join('\n');
}

let code = 0;
try {
  await migratePrivacy({ pool, logger });
  await migrate({ pool, scope: SERVICE, dir: MIGRATIONS_DIR, logger });
  if (command !== 'export') await producer.connect();
  const runtime = await createPrivacyRuntime({
    pool,
    producer,
    serde: createAvroSerde({ registry: createRegistryClient({ url: config.schemaRegistryUrl }) }),
    topics: { links: config.linksTopic, compliance: config.complianceTopic },
    masterKey: config.privacyMasterKey,
    previousMasterKeys: config.privacyPreviousMasterKeys,
    auditSecret: config.privacyAuditSecret,
    logger,
    listen: false,
  });
  try {
    if (command === 'export') {
      if (values.customer === undefined) usage('export needs --customer <external id>');
      const doc = await runtime.exportCustomer(values.customer);
      const text = `${JSON.stringify(doc, null, 2)}\n`;
      if (values.out) {
        await writeFile(values.out, text, { mode: 0o600 });
        process.stderr.write(
          `wrote ${values.out}: ${doc.identityLinks.length} link(s), ${doc.reviewItems.length} review item(s), ${doc.mentions.length} mention(s), ${doc.auditRecords.length} audit record(s)\n`,
        );
      } else {
        process.stdout.write(text);
      }
    } else {
      let status: ErasureStatus;
      if (command === 'status') {
        const id = positionals[0];
        if (!id) usage('status needs the request id (er_…) that erase printed');
        status = await runtime.service.status(id);
      } else {
        status = await runtime.service.erase({
          subject: subject!,
          requestedBy: values['requested-by'] ?? `cli:${userInfo().username}`,
          reason: values.reason,
          source: 'privacy-cli',
        });
        process.stderr.write(`${describe(status)}\n`);
      }
      if (values.wait && status.status !== 'completed') {
        let last = -1;
        status = await runtime.service.waitForCompletion(status.requestId, {
          timeoutMs,
          onProgress: (s) => {
            if (s.waitingFor !== last)
              process.stderr.write(
                `  … metrics-rollup has ${s.waitingFor} erasure event(s) to go\n`,
              );
            last = s.waitingFor;
          },
        });
        if (status.status !== 'completed') {
          process.stderr.write(
            `still pending after ${values.timeout} s: metrics-rollup has not reported ${status.waitingFor} erasure event(s).\n` +
              `Check that metrics-rollup runs and consumes ${config.complianceTopic} (its lag on /metrics), then run\n` +
              `  hark privacy status ${status.requestId} --wait\n` +
              `The identity side is erased and the events are on Kafka; nothing is lost by waiting.\n`,
          );
          code = 3;
        }
      }
      if (command === 'status' || values.wait) process.stderr.write(`${describe(status)}\n`);
      // stdout: the machine-readable status; stderr: the summary above.
      out(JSON.stringify(view(status)));
    }
  } finally {
    await runtime.close();
  }
} catch (err) {
  if (isHarkError(err)) {
    process.stderr.write(`error: ${err.code}: ${err.message}\n`);
    code = err.code === 'HARK_PRIVACY_BAD_REQUEST' ? 2 : 1;
  } else {
    process.stderr.write(
      `error: ${(err as Error).message}\n(check DATABASE_URL, KAFKA_BROKERS and SCHEMA_REGISTRY_URL; nothing is lost: re-run the same command)\n`,
    );
    code = 1;
  }
} finally {
  await producer.disconnect().catch(() => {});
  await pool.end().catch(() => {});
}
process.exit(code);
