import type { EventName } from './schemas.ts';
import type {
  Action,
  Alert,
  BrandSignal,
  ComplianceEvent,
  DeadLetter,
  IdentityLink,
  Mention,
  ResolvedMention,
  ScoredMention,
} from './types.generated.ts';

/** The TypeScript type of each event in `schemas/`, by event name. */
export interface EventTypes {
  Mention: Mention;
  ScoredMention: ScoredMention;
  ResolvedMention: ResolvedMention;
  IdentityLink: IdentityLink;
  BrandSignal: BrandSignal;
  DeadLetter: DeadLetter;
  ComplianceEvent: ComplianceEvent;
  Action: Action;
  Alert: Alert;
}

/** The type of the event named `N`. */
export type EventOf<N extends EventName> = EventTypes[N];
