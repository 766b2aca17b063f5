import type { ConfigOf, CrossCheck } from '@hark/config';
import type { Pool } from '@hark/db';
import type { HarkError } from '@hark/errors';
import type { EventName, EventOf, Mention } from '@hark/events';
import type { AvroSerde, StageRecord } from '@hark/kafka';
import type { Logger } from '@hark/observability';
import type { Keyring, MentionPiiField } from '@hark/privacy';
import type { FastifyInstance } from 'fastify';
import type { Kafka, Producer } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { StageSettings } from './settings.ts';

/** A topic the stage writes, and the event on it. */
export interface OutputDeclaration<C = never> {
  event: EventName;
  topic: (config: C) => string;
  /**
   * The input event this output extends: the event holds that record as consumed plus
   * fields (nested first, as ScoredMention holds a Mention, or around its fields, as
   * ResolvedMention holds ScoredMention's). Handlers may then emit `{ extend: record, with }`
   * and the runtime appends the added fields to the consumed bytes. Checked at start.
   */
  extends?: EventName;
}

export type Outputs<C = never> = Record<string, OutputDeclaration<C>>;

/** Output name → event name: what a handler may emit (`{ scored: 'ScoredMention' }`). */
export type EventMap = Record<string, EventName>;

/** The event map of declared outputs. */
export type EventsOf<O extends Outputs<never>> = { [K in keyof O]: O[K]['event'] };

/** The field of `O` that holds a whole `I` (ScoredMention's `mention` for a Mention), if any. */
type NestedKey<O, I> = {
  [K in keyof O]-?: [O[K]] extends [I] ? ([I] extends [O[K]] ? K : never) : never;
}[keyof O];

/**
 * What an output `O` adds to the input `I` it extends: every field but the nested input
 * (ScoredMention over Mention: sentiment, intent, scoredAt, theme), or every field `I` does
 * not have (ResolvedMention over ScoredMention: customer, influence, resolvedAt).
 */
export type AddedFields<O, I> = [NestedKey<O, I>] extends [never]
  ? Omit<O, keyof I>
  : Omit<O, NestedKey<O, I>>;

/**
 * One record a handler asks the runtime to encode and produce: a full `value` (`null`
 * writes a tombstone), or, for an output declared to extend the input, the consumed record
 * it `extend`s and the fields it adds (`with`). The consumed part is then the record as
 * consumed: a handler cannot change it (fields of `with` that the input has are ignored);
 * to change it, emit a full `value`.
 */
export type Emit<M extends EventMap, T = unknown> = {
  [K in keyof M & string]:
    | {
        output: K;
        key: string | Buffer | null;
        value: EventOf<M[K]> | null;
        headers?: Record<string, string | Buffer>;
        /**
         * The input record this output is made from: when the value does not encode, that
         * record is dead-lettered and the batch goes on; without it the batch fails.
         */
        from?: StageRecord<T>;
        extend?: undefined;
      }
    | {
        output: K;
        key: string | Buffer | null;
        /** The consumed record, left as consumed; dead-lettered if the output does not encode. */
        extend: StageRecord<T>;
        with: AddedFields<EventOf<M[K]>, T>;
        headers?: Record<string, string | Buffer>;
        value?: undefined;
        from?: undefined;
      };
}[keyof M & string];

/** What a handler returns: typed outputs (`E`, a union of `Emit`s) and rejected records. */
export interface StageResult<T, E> {
  outputs: E[];
  /** Records rejected for good: the runtime dead-letters them (original bytes) and moves on. */
  failures?: { record: StageRecord<T>; error: HarkError }[];
}

/**
 * A handler's result for the outputs `M`. An alias over the union of emits, so a handler
 * that emits fewer outputs than its service declares fits.
 */
export type HandlerResult<T, M extends EventMap> = StageResult<T, Emit<M, T>>;

/**
 * A record whose personal fields were opened: `record.value` stays as consumed
 * (sealed, what outputs carry on), `mention` is the copy with the declared fields in clear.
 */
export interface OpenedRecord<T> {
  record: StageRecord<T>;
  mention: Mention;
}

interface InputBase<N extends EventName> {
  /** Short name: logs, and the key tests use to wrap a handler. */
  name: string;
  /** Label of the stage's metrics and dead letters; default `<service>.<name>`. */
  stage?: string;
  topic: string;
  event: N;
  /** Consumer group; default GROUP_ID. */
  group?: string;
  /** The event contract beyond the schema (`checkScoredMention`, …); a record with problems is dead-lettered. */
  check?: (value: EventOf<N>) => readonly string[];
  /** Records per partition in one handler call; default BATCH_SIZE. */
  batchSize?: number;
  /**
   * A topic that is mostly empty (erasure requests, brand signals): its fetches wait up to
   * FETCH_LOW_VOLUME_MAX_WAIT_MS instead of FETCH_MAX_WAIT_MS, since every empty fetch costs
   * its consumer a request, a response and their wake-ups (libs/stage-runtime README).
   */
  lowVolume?: boolean;
}

export interface PlainInput<N extends EventName, M extends EventMap> extends InputBase<N> {
  personal?: undefined;
  handle: (records: StageRecord<EventOf<N>>[]) => Promise<HandlerResult<EventOf<N>, M>>;
}

/** Which personal fields the handler reads; the others stay sealed. */
export interface PersonalFields<T> {
  fields: readonly MentionPiiField[];
  /** Where the mention is in the event (the event itself, or its `mention`). */
  mentionOf: (value: T) => Mention;
  /** Counts the records dropped because their author was erased; default `hark_privacy_erased_total`. */
  onErased?: (count: number) => void;
}

export interface PersonalInput<N extends EventName, M extends EventMap> extends InputBase<N> {
  personal: PersonalFields<EventOf<N>>;
  handle: (records: OpenedRecord<EventOf<N>>[]) => Promise<HandlerResult<EventOf<N>, M>>;
}

/** An input as the runtime holds it, its event type erased. */
export type Input<O extends Outputs<never>> =
  PlainInput<EventName, EventsOf<O>> | PersonalInput<EventName, EventsOf<O>>;

/** Something with a lifetime besides the consumers: a refresher, a timer, a worker. */
export interface Component {
  name: string;
  start(): Promise<void> | void;
  close(): Promise<void> | void;
}

/** A bound output: its topic and encoder, registered before any component or consumer starts. */
export interface OutputWriter<T> {
  topic: string;
  encode(value: T): Buffer;
  /** Produces with acks=all (outside a stage: HTTP decisions, timers). */
  send(records: { key: string | Buffer | null; value: T | null }[]): Promise<void>;
}

export type Writers<O extends Outputs<never>> = {
  [K in keyof O]: OutputWriter<EventOf<O[K]['event']>>;
};

/** What `setup` builds with. Writers answer once the producer is connected (before components start). */
export interface SetupContext<C, O extends Outputs<never>> {
  config: C;
  logger: Logger;
  registry: Registry;
  /** Present when the declaration asks for a database. */
  pool: Pool;
  /** Present when the declaration asks for a keyring. */
  keyring: Keyring;
  kafka: Kafka;
  producer: Producer;
  serde: AvroSerde;
  outputs: Writers<O>;
  /** Migrations ran and every component started: APIs may answer. */
  isStarted(): boolean;
  now: () => number;
  /** Declares an input, inferring its event type from `event`. */
  input<N extends EventName>(input: PersonalInput<N, EventsOf<O>>): Input<O>;
  input<N extends EventName>(input: PlainInput<N, EventsOf<O>>): Input<O>;
}

/** What `setup` returns: the inputs and what runs beside them. */
export interface Wiring<O extends Outputs<never>, X> {
  inputs: Input<O>[];
  /** Registers HTTP routes on the ops server's app (before it listens). */
  routes?: (app: FastifyInstance) => Promise<void> | void;
  /** Started in order after migrations and before the consumers; closed in reverse. */
  components?: Component[];
  /** Readiness checks beyond `consumers` and `database`. */
  readiness?: Record<string, () => Promise<boolean> | boolean>;
  /** What tests reach into (the customer index, the spike monitor, …). */
  exposed?: X;
}

/**
 * A consuming service: its settings, its needs, its outputs, and a `setup` that
 * builds its inputs and components from what the runtime made.
 */
export interface ServiceDeclaration<
  S extends StageSettings,
  O extends Outputs<ConfigOf<S>>,
  X = undefined,
> {
  name: string;
  /** Every setting: `stageSettings(...)` spread first, then the service's own. */
  config: S;
  /** Rules between settings. */
  configCheck?: CrossCheck<S>;
  /** A pool (DATABASE_URL, DB_POOL_MAX) and the service's migrations, applied at start. */
  database?: { migrations?: string };
  /** The privacy keyring (its migrations are applied with the service's). */
  keyring?: boolean;
  outputs: O;
  setup(ctx: SetupContext<ConfigOf<S>, O>): Promise<Wiring<O, X>> | Wiring<O, X>;
}

/** Declares a service; the identity function that gives `setup` and its handlers their types. */
export function defineService<
  S extends StageSettings,
  O extends Outputs<ConfigOf<S>>,
  X = undefined,
>(declaration: ServiceDeclaration<S, O, X>): ServiceDeclaration<S, O, X> {
  return declaration;
}
