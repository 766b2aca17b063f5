import { HarkError, isHarkError } from '@hark/errors';
import type { OutputRecord, StageRecord } from '@hark/kafka';

/** An output as the runtime holds it: its topic and encoder. */
export interface BoundOutput {
  topic: string;
  encode(value: never): Buffer;
}

/** A typed output as a handler returns it (see `Emit`). */
export interface TypedOutput {
  output: string;
  key: string | Buffer | null;
  value: unknown;
  headers?: Record<string, string | Buffer>;
  from?: StageRecord<unknown>;
}

/**
 * Encodes each typed output with its declared output's encoder. A value that
 * does not encode dead-letters the record it was made from (`from`), as a
 * handler that encoded itself would; without `from` it fails the batch. An
 * output name the declaration does not have is a bug: it throws non-retriable,
 * stopping the consumer before anything of the batch is produced or committed.
 */
export function encodeOutputs(
  outputs: readonly TypedOutput[],
  bound: Readonly<Record<string, BoundOutput>>,
  failures: { record: StageRecord<unknown>; error: HarkError }[],
): OutputRecord[] {
  const records: OutputRecord[] = [];
  for (const o of outputs) {
    const out = bound[o.output];
    if (!out)
      throw new HarkError('HARK_STAGE_PROCESSING_FAILED', `no output named ${o.output}`, {
        context: { output: o.output },
      });
    let value: Buffer | null = null;
    try {
      if (o.value !== null) value = out.encode(o.value as never);
    } catch (err) {
      if (!o.from || !isHarkError(err) || err.retriable) throw err;
      failures.push({ record: o.from, error: err });
      continue;
    }
    records.push({ topic: out.topic, key: o.key, value, headers: o.headers });
  }
  return records;
}
