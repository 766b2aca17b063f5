import { describe, expect, it } from 'vitest';
import { createPublishQueue, measureRecords } from '../../src/domain/publish-queue.ts';

const ticket = () => ({ settled: false });
const records = (n: number, bytes: number) =>
  Array.from({ length: n }, (_, i) => ({ key: null, value: Buffer.alloc(bytes - 64), i }));

function queueOf(...publishes: { n: number; bytes: number; t?: { settled: boolean } }[]) {
  const queue = createPublishQueue<{ key: null; value: Buffer; i: number }, { settled: boolean }>();
  for (const p of publishes) {
    const rs = records(p.n, p.bytes);
    queue.push(rs, measureRecords(rs), p.t ?? ticket());
  }
  return queue;
}

describe('publish queue', () => {
  it('measures a record as its key and value plus 64 bytes of framing', () => {
    expect(measureRecords([{ key: 'ab', value: Buffer.alloc(10) }])).toEqual({
      bytes: [76],
      size: 76,
    });
  });

  it('takes whole publishes while they fit in one request', () => {
    const queue = queueOf({ n: 2, bytes: 100 }, { n: 1, bytes: 100 }, { n: 5, bytes: 100 });
    const parts = queue.take(300);
    expect(parts.map((p) => p.records.length)).toEqual([2, 1]);
    expect(queue.length).toBe(1);
    expect(queue.bytes).toBe(500);
  });

  it('splits a publish larger than the room left, keeping the rest queued under its ticket', () => {
    const t = ticket();
    const queue = queueOf({ n: 1, bytes: 100 }, { n: 5, bytes: 100, t });
    const parts = queue.take(350);
    expect(parts.map((p) => p.records.length)).toEqual([1, 2]);
    expect(parts[1]!.ticket).toBe(t);
    expect(queue.bytes).toBe(300);
    expect(queue.take(1000).map((p) => p.records.map((r) => r.i))).toEqual([[2, 3, 4]]);
  });

  it('when one record is larger than a request, it still goes alone', () => {
    const queue = queueOf({ n: 2, bytes: 500 });
    expect(queue.take(100).map((p) => p.records.length)).toEqual([1]);
    expect(queue.bytes).toBe(500);
  });

  it('skips publishes whose caller was already answered, and drops or clears by ticket', () => {
    const gone = { settled: true };
    const dropped = ticket();
    const kept = ticket();
    const queue = queueOf(
      { n: 1, bytes: 100, t: gone },
      { n: 1, bytes: 100, t: dropped },
      { n: 1, bytes: 100, t: kept },
    );
    queue.drop(dropped);
    expect(queue.bytes).toBe(200);
    expect(queue.take(1000).map((p) => p.ticket)).toEqual([kept]);
    expect(queue.bytes).toBe(0);
    const again = queueOf({ n: 1, bytes: 100, t: kept });
    expect(again.clear()).toEqual([kept]);
    expect([again.length, again.bytes]).toEqual([0, 0]);
  });
});
