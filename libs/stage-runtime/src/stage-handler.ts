import type { BatchHandler, BatchResult, Decoder, StageRecord } from '@hark/kafka';
import { openMentionBatch, type Keyring } from '@hark/privacy';
import type { EventName, Mention } from '@hark/events';
import type { EventMap, OpenedRecord, PersonalInput, PlainInput } from './declaration.ts';
import {
  encodeOutputs,
  type BoundOutput,
  type ExtendContext,
  type ExtensionPath,
  type TypedOutput,
} from './encode-outputs.ts';

type Failures = NonNullable<BatchResult<unknown>['failures']>;
/** A handler's result with its event types erased (the declaration checked them). */
interface AnyResult {
  outputs: TypedOutput[];
  failures?: Failures;
}

/**
 * The `@hark/kafka` batch handler of one declared input: opens the declared
 * personal fields (one keyring round trip per batch), calls the service's
 * handler, and encodes its typed outputs (appending to the consumed bytes where an output
 * extends the record and `decoder` says it was written with the current schema). An erased
 * author's record is dropped (its offset commits), a bad envelope is dead-lettered with the
 * handler's failures.
 */
export function createStageHandler<N extends EventName, M extends EventMap>(deps: {
  input: PlainInput<N, M> | PersonalInput<N, M>;
  outputs: Readonly<Record<string, BoundOutput>>;
  keyring: Pick<Keyring, 'keysForRead'> | undefined;
  onErased: (count: number) => void;
  /** The input's decoder: which consumed values carry the current schema (nothing appends without it). */
  decoder?: Pick<Decoder<unknown>, 'isReaderSchema'>;
  /** Counts extended outputs by how they were written, once per batch and path. */
  onExtended?: (output: string, path: ExtensionPath, count: number) => void;
}): BatchHandler<unknown> {
  const { input, outputs, onExtended } = deps;
  const isReaderSchema = deps.decoder?.isReaderSchema?.bind(deps.decoder);
  const toBatch = (
    records: StageRecord<unknown>[],
    result: AnyResult,
    opened: Failures | undefined,
  ): BatchResult<unknown> => {
    const failures: Failures = opened ? [...opened] : [];
    if (result.failures) for (const f of result.failures) failures.push(f);
    const extend: ExtendContext = {
      input: input.event,
      isReaderSchema,
      counts: new Map(),
      consumed: records,
    };
    const produced = encodeOutputs(result.outputs, outputs, failures, extend);
    if (onExtended)
      for (const [output, byPath] of extend.counts)
        for (const [path, n] of Object.entries(byPath))
          if (n > 0) onExtended(output, path as ExtensionPath, n);
    return { outputs: produced, failures };
  };
  if (!input.personal) {
    const handle = input.handle as unknown as (
      records: StageRecord<unknown>[],
    ) => Promise<AnyResult>;
    return async (records) => toBatch(records, await handle(records), undefined);
  }
  const fields = input.personal.fields;
  const mentionOf = input.personal.mentionOf as (value: unknown) => Mention;
  const onErased = input.personal.onErased ?? deps.onErased;
  const handle = input.handle as unknown as (
    records: OpenedRecord<unknown>[],
  ) => Promise<AnyResult>;
  const keyring = deps.keyring;
  if (!keyring) throw new TypeError(`input ${input.name} opens personal fields: declare keyring`);
  const nothing: AnyResult = { outputs: [] };
  return async (records) => {
    const opened = await openMentionBatch(records, (r) => mentionOf(r.value), keyring, fields);
    if (opened.erased.length > 0) onErased(opened.erased.length);
    const result = opened.clear.length > 0 ? await handle(opened.clear) : nothing;
    return toBatch(records, result, opened.failures);
  };
}
