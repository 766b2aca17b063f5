import { readFileSync } from 'node:fs';
import avro from 'avsc';

/** The event contracts in `schemas/`, by event name. The .avsc files are the source of truth. */
export const SCHEMA_FILES = {
  Mention: 'mention.avsc',
  ScoredMention: 'scored-mention.avsc',
  ResolvedMention: 'resolved-mention.avsc',
  IdentityLink: 'identity-link.avsc',
  BrandSignal: 'brand-signal.avsc',
  DeadLetter: 'dead-letter.avsc',
  ComplianceEvent: 'compliance-event.avsc',
  Action: 'action.avsc',
  Alert: 'alert.avsc',
} as const;

export type EventName = keyof typeof SCHEMA_FILES;

export const SCHEMAS_DIR = new URL('../../../schemas/', import.meta.url);

const cache = new Map<EventName, avro.Schema>();

/** The parsed JSON of an event's .avsc file. */
export function loadSchema(name: EventName): avro.Schema {
  let schema = cache.get(name);
  if (!schema) {
    schema = JSON.parse(
      readFileSync(new URL(SCHEMA_FILES[name], SCHEMAS_DIR), 'utf8'),
    ) as avro.Schema;
    cache.set(name, schema);
  }
  return schema;
}

/** An avsc Type for an event; unknown logical types fall back to their underlying type (timestamps stay epoch-ms numbers). */
export function eventType(name: EventName): avro.Type {
  return avro.Type.forSchema(loadSchema(name));
}
