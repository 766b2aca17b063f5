/** Records of one publish waiting for a request (a publish larger than a request is split). */
export interface QueuedPart<R, T> {
  records: R[];
  bytes: number[];
  size: number;
  ticket: T;
}

/** What a publish's caller waits on; a settled one (timed out, failed) needs no request any more. */
export interface QueueTicket {
  settled: boolean;
}

export interface PublishQueue<R, T extends QueueTicket> {
  readonly length: number;
  /** Bytes waiting, by the estimate of `measureRecords`. */
  readonly bytes: number;
  push(records: R[], sizes: RecordSizes, ticket: T): void;
  /**
   * Takes the records of one request: whole publishes while they fit in
   * `maxBytes`, then as many records of the next as fit (at least one when
   * the request would otherwise be empty, so an oversize record still goes).
   * Publishes whose ticket is settled are dropped on the way.
   */
  take(maxBytes: number): QueuedPart<R, T>[];
  /** Removes what waits for `ticket` (its caller gave up). */
  drop(ticket: T): void;
  /** Empties the queue; returns the tickets that were waiting, to fail them. */
  clear(): T[];
}

export interface RecordSizes {
  /** Per record, in order. */
  bytes: number[];
  size: number;
}

/** Bytes records add to a produce request: key and value plus a fixed framing allowance each. */
export function measureRecords(
  records: readonly { key: string | null; value: Buffer }[],
): RecordSizes {
  const bytes = records.map((r) => r.value.length + (r.key?.length ?? 0) + 64);
  return { bytes, size: bytes.reduce((n, b) => n + b, 0) };
}

export function createPublishQueue<R, T extends QueueTicket>(): PublishQueue<R, T> {
  const queue: QueuedPart<R, T>[] = [];
  let bytes = 0;

  function shift(): QueuedPart<R, T> {
    const head = queue.shift()!;
    bytes -= head.size;
    return head;
  }

  /** As many of the head's records as fit in `room`; at least one when `mustTake`. */
  function splitHead(room: number, mustTake: boolean): QueuedPart<R, T> | undefined {
    const head = queue[0]!;
    let n = 0;
    let size = 0;
    while (n < head.records.length && (size + head.bytes[n]! <= room || (n === 0 && mustTake))) {
      size += head.bytes[n]!;
      n++;
    }
    if (n === 0) return undefined;
    head.size -= size;
    bytes -= size;
    const part = { records: head.records.splice(0, n), bytes: head.bytes.splice(0, n), size };
    return { ...part, ticket: head.ticket };
  }

  return {
    get length() {
      return queue.length;
    },
    get bytes() {
      return bytes;
    },
    push(records, sizes, ticket) {
      queue.push({ records, bytes: sizes.bytes, size: sizes.size, ticket });
      bytes += sizes.size;
    },
    take(maxBytes) {
      const parts: QueuedPart<R, T>[] = [];
      let room = maxBytes;
      while (queue.length > 0) {
        const head = queue[0]!;
        if (head.ticket.settled) {
          shift();
        } else if (head.size <= room) {
          parts.push(shift());
          room -= head.size;
        } else {
          const part = splitHead(room, parts.length === 0);
          if (part) parts.push(part);
          break;
        }
      }
      return parts;
    },
    drop(ticket) {
      for (let i = queue.length - 1; i >= 0; i--) {
        if (queue[i]!.ticket === ticket) {
          bytes -= queue[i]!.size;
          queue.splice(i, 1);
        }
      }
    },
    clear() {
      bytes = 0;
      return queue.splice(0).map((q) => q.ticket);
    },
  };
}
