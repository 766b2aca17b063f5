import type { BatchHandler, BatchResult, StageRecord } from '@hark/kafka';
import { openMentionBatch, type Keyring } from '@hark/privacy';
import type { EventName, Mention } from '@hark/events';
import type { EventMap, OpenedRecord, PersonalInput, PlainInput } from './declaration.ts';
import { encodeOutputs, type BoundOutput, type TypedOutput } from './encode-outputs.ts';

type Failures = NonNullable<BatchResult<unknown>['failures']>;
/** A handler's result with its event types erased (the declaration checked them). */
interface AnyResult {
  outputs: TypedOutput[];
  failures?: Failures;
}

/**
 * The `@hark/kafka` batch handler of one declared input: opens the declared
 * personal fields (one keyring round trip per batch), calls the service's
 * handler, and encodes its typed outputs. An erased author's record is dropped
 * (its offset commits), a bad envelope is dead-lettered with the handler's failures.
 */
export function createStageHandler<N extends EventName, M extends EventMap>(deps: {
  input: PlainInput<N, M> | PersonalInput<N, M>;
  outputs: Readonly<Record<string, BoundOutput>>;
  keyring: Pick<Keyring, 'keysForRead'> | undefined;
  onErased: (count: number) => void;
}): BatchHandler<unknown> {
  const { input, outputs } = deps;
  const toBatch = (result: AnyResult, opened: Failures | undefined): BatchResult<unknown> => {
    const failures: Failures = opened ? [...opened] : [];
    if (result.failures) for (const f of result.failures) failures.push(f);
    return { outputs: encodeOutputs(result.outputs, outputs, failures), failures };
  };
  if (!input.personal) {
    const handle = input.handle as unknown as (
      records: StageRecord<unknown>[],
    ) => Promise<AnyResult>;
    return async (records) => toBatch(await handle(records), undefined);
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
    return toBatch(result, opened.failures);
  };
}
