/**
 * Creates hark's topics with their partition counts and configs, and
 * registers every event schema under its `<topic>-value` subject. Idempotent:
 * `stack up` runs it each time.
 */
import { commonSettings, parseConfig } from '@hark/config';
import { TOPICS, loadSchema, valueSubject } from '@hark/events';
import { createKafka, createRegistryClient, ensureTopics } from '@hark/kafka';
import { createLogger } from '@hark/observability';

const config = parseConfig({
  kafkaBrokers: commonSettings.kafkaBrokers,
  schemaRegistryUrl: commonSettings.schemaRegistryUrl,
});
const logger = createLogger({ service: 'bootstrap', level: 'warn' });
const kafka = createKafka({ clientId: 'hark-bootstrap', brokers: config.kafkaBrokers, logger });
const specs = Object.values(TOPICS);

const created = await ensureTopics({ kafka, logger, topics: specs });
const registry = createRegistryClient({ url: config.schemaRegistryUrl });
for (const spec of specs) {
  const id = await registry.register(valueSubject(spec.name), loadSchema(spec.event));
  console.log(
    `  topic ${spec.name.padEnd(18)} ${String(spec.partitions).padStart(2)} partitions${created.includes(spec.name) ? ' (created)' : ''}  ${valueSubject(spec.name)} → schema id ${id}`,
  );
}
