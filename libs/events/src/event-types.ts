import type { EventName } from './schemas.ts';
import type * as Generated from './types.generated.ts';

/** The TypeScript type of each event in `schemas/`, by event name. */
export interface EventTypes {
  Mention: Generated.Mention;
  ScoredMention: Generated.ScoredMention;
  ResolvedMention: Generated.ResolvedMention;
  IdentityLink: Generated.IdentityLink;
  BrandSignal: Generated.BrandSignal;
  DeadLetter: Generated.DeadLetter;
  ComplianceEvent: Generated.ComplianceEvent;
  Action: Generated.Action;
  Alert: Generated.Alert;
}

/** The type of the event named `N`. */
export type EventOf<N extends EventName> = EventTypes[N];
