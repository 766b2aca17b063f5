import { HarkError, isHarkError } from '@hark/errors';
import { loadSchema, type EventName } from '@hark/events';
import {
  createExtension,
  type Encoder,
  type Extension,
  type OutputRecord,
  type StageRecord,
} from '@hark/kafka';

/** An output as the runtime holds it: its topic and encoder. */
export interface BoundOutput {
  topic: string;
  encode(value: never): Buffer;
  /** Present when the output is declared as an extension of an input event (`extends`). */
  extension?: { input: EventName; extension: Extension };
}

/** A typed output as a handler returns it (see `Emit`): a full value, or a record extended. */
export interface TypedOutput {
  output: string;
  key: string | Buffer | null;
  value?: unknown;
  /** The consumed record this output extends with the fields in `with`. */
  extend?: StageRecord<unknown>;
  with?: unknown;
  headers?: Record<string, string | Buffer>;
  from?: StageRecord<unknown>;
}

/** How the extended outputs of a batch were written: appended, or encoded in full and why. */
export type ExtensionPath = 'appended' | 'writer_schema' | 'schema_drift' | 'bytes_differ';

/** What `encodeOutputs` needs beyond the outputs to append to consumed bytes. */
export interface ExtendContext {
  /** The handler's input event: an extension declared for another input is a bug. */
  input: EventName;
  /**
   * Whether a consumed value was written with the input's reader schema itself (the decoder's
   * `isReaderSchema`); without it nothing is appended.
   */
  isReaderSchema?: (raw: Buffer) => boolean;
  /** Counts each extended output by path, per output name; the caller adds them to a metric. */
  counts: Map<string, Record<ExtensionPath, number>>;
  /**
   * The records the handler was given: an output may extend only one of them, as consumed
   * (a copy with another value would make the appended and the full encode differ).
   */
  consumed?: readonly StageRecord<unknown>[];
  /** `consumed` as a set, made on the first extended output. */
  consumedSet?: ReadonlySet<StageRecord<unknown>>;
}

/**
 * Binds a declared output to its registered encoder; an output that `extends` an input
 * event gets the extension worked out from the two schemas (a mismatch fails the start).
 */
export function bindOutput(out: {
  topic: string;
  event: EventName;
  extends?: EventName;
  encoder: Encoder<unknown>;
}): BoundOutput {
  const { encoder } = out;
  const bound: BoundOutput = { topic: out.topic, encode: (v: never) => encoder.encode(v) };
  if (out.extends)
    bound.extension = {
      input: out.extends,
      extension: createExtension({
        output: loadSchema(out.event),
        input: loadSchema(out.extends),
        schemaId: encoder.schemaId,
      }),
    };
  return bound;
}

/**
 * Encodes each typed output with its declared output's encoder. A value that
 * does not encode dead-letters the record it was made from (`from`, or the
 * record it extends), as a handler that encoded itself would; without one it
 * fails the batch. An output name the declaration does not have, or an
 * extension it does not declare, is a bug: it throws non-retriable, stopping
 * the consumer before anything of the batch is produced or committed.
 */
export function encodeOutputs(
  outputs: readonly TypedOutput[],
  bound: Readonly<Record<string, BoundOutput>>,
  failures: { record: StageRecord<unknown>; error: HarkError }[],
  extend?: ExtendContext,
): OutputRecord[] {
  const records: OutputRecord[] = [];
  for (const o of outputs) {
    const out = bound[o.output];
    if (!out)
      throw new HarkError('HARK_STAGE_PROCESSING_FAILED', `no output named ${o.output}`, {
        context: { output: o.output },
      });
    let value: Buffer | null = null;
    const from = o.extend ?? o.from;
    if (o.extend) checkExtends(o, out, extend);
    try {
      if (o.extend) value = extended(o, out.extension!, out, extend!);
      else if (o.value !== null && o.value !== undefined) value = out.encode(o.value as never);
    } catch (err) {
      if (!from || !isHarkError(err) || err.retriable) throw err;
      failures.push({ record: from, error: err });
      continue;
    }
    records.push({ topic: out.topic, key: o.key, value, headers: o.headers });
  }
  return records;
}

/** An extension the declaration does not have, or of a record not consumed as is, is a bug. */
function checkExtends(o: TypedOutput, out: BoundOutput, ctx: ExtendContext | undefined): void {
  let problem: string | undefined;
  if (!out.extension || out.extension.input !== ctx?.input)
    problem = `output ${o.output} is not declared to extend ${ctx?.input ?? 'this input'}`;
  else if (ctx.consumed) {
    ctx.consumedSet ??= new Set(ctx.consumed);
    if (!ctx.consumedSet.has(o.extend!))
      problem = `output ${o.output} extends a record the handler was not given (a copy?): emit a full value to change the consumed one`;
  }
  if (problem)
    throw new HarkError('HARK_STAGE_PROCESSING_FAILED', problem, {
      context: { output: o.output },
    });
}

/**
 * The consumed bytes with the added fields spliced in, when the record was written with the
 * exact schema the output embeds; otherwise the composed value encoded in full.
 */
function extended(
  o: TypedOutput,
  ext: NonNullable<BoundOutput['extension']>,
  out: BoundOutput,
  ctx: ExtendContext,
): Buffer {
  const record = o.extend!;
  let path: ExtensionPath;
  let bytes: Buffer | undefined;
  if (!ext.extension.exact) path = 'schema_drift';
  else if (!record.raw || !ctx.isReaderSchema?.(record.raw)) path = 'writer_schema';
  else {
    try {
      bytes = ext.extension.append(record.raw, record.value, o.with);
    } catch {
      // The added fields do not encode: the full encode throws saying where, for the dead letter.
      return out.encode(ext.extension.compose(record.value, o.with) as never);
    }
    path = bytes ? 'appended' : 'bytes_differ';
  }
  let counts = ctx.counts.get(o.output);
  if (!counts) {
    counts = { appended: 0, writer_schema: 0, schema_drift: 0, bytes_differ: 0 };
    ctx.counts.set(o.output, counts);
  }
  counts[path]++;
  return bytes ?? out.encode(ext.extension.compose(record.value, o.with) as never);
}
