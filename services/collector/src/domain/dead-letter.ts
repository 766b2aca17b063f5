import type { DeadLetter, Source } from '@hark/events';

export const COLLECTOR_STAGE = 'collector';

/**
 * The dead letter of an item the collector refused: the item's own bytes (a
 * buffer or string as received, anything else as JSON), its source in the
 * headers, and the reason. It came from an HTTP request, a webhook or a
 * poller, not from Kafka, hence the `http` topic and the -1 partition and offset.
 */
export function collectorDeadLetter(refused: {
  id: string | null;
  native: unknown;
  source: Source;
  code: string;
  message: string;
  at: number;
}): DeadLetter {
  return {
    stage: COLLECTOR_STAGE,
    sourceTopic: 'http',
    sourcePartition: -1,
    sourceOffset: -1,
    key: refused.id === null ? null : Buffer.from(refused.id),
    value: toBytes(refused.native),
    headers: {
      'hark-source-kind': Buffer.from(refused.source.kind),
      'hark-source-name': Buffer.from(refused.source.name),
    },
    errorCode: refused.code,
    errorMessage: refused.message,
    attempts: 1,
    failedAt: refused.at,
  };
}

function toBytes(native: unknown): Buffer | null {
  if (native === undefined || native === null) return null;
  if (Buffer.isBuffer(native)) return native;
  if (typeof native === 'string') return Buffer.from(native);
  return Buffer.from(JSON.stringify(native));
}
