export {
  makeAction,
  makeAlert,
  makeBrandSignal,
  makeComplianceEvent,
  makeDeadLetter,
  makeIdentityLink,
  makeMention,
  makeProspectMatch,
  makeResolvedMention,
  makeScoredMention,
} from './samples.ts';
export { createTestDatabase, testEnv, uniqueName, waitFor } from './env.ts';
export { createTestTopics, readMessages, type ReadMessage } from './kafka.ts';
export { memoryRegistry } from './memory-registry.ts';
export { freePort } from './ports.ts';
export { startPrivateBroker, type PrivateBroker } from './private-broker.ts';
export { startPrivatePostgres, type PrivatePostgres } from './private-postgres.ts';
export { slowClient, type SlowClientResult } from './slow-client.ts';
export {
  createStepClock,
  decodeFramed,
  formatCpuReport,
  frameAvro,
  measureCpu,
  measureGc,
  profileCpu,
  type GcFigures,
  type StepClock,
} from './cpu-bench.ts';
