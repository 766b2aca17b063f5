export { SCHEMA_FILES, SCHEMAS_DIR, eventType, loadSchema, type EventName } from './schemas.ts';
export { TOPICS, valueSubject, type TopicId, type TopicSpec } from './topics.ts';
export * from './types.generated.ts';
export {
  checkMention,
  checkResolvedMention,
  checkScoredMention,
  MAX_CUSTOMER_VALUE,
  type EventProblems,
} from './check-events.ts';
export type { EventOf, EventTypes } from './event-types.ts';
