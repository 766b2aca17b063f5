export { createKafka, createProducer } from './client.ts';
export { createRegistryClient, splitRegistryUrl, type RegistryClient } from './registry-client.ts';
export { createAvroSerde, type AvroSerde, type Decoder, type Encoder } from './avro-serde.ts';
export { createExtension, type Extension, type ExtensionLayout } from './avro-extension.ts';
export { ensureTopics, type TopicToEnsure } from './topics-admin.ts';
export {
  createStage,
  DEFAULT_FETCH,
  toDeadLetter,
  type BatchHandler,
  type BatchResult,
  type OutputRecord,
  type Stage,
  type StageDeps,
  type StageRecord,
} from './stage.ts';
export { deadLetterCounter, stageMetrics, type StageMetrics } from './stage-metrics.ts';
export { MAX_REQUEST_BYTES } from './produce.ts';
