/**
 * The output encoding alone: a ScoredMention made from a consumed Mention, and a
 * ResolvedMention from a consumed ScoredMention, encoded in full by the serde's encoder
 * against appended to the consumed bytes (`@hark/kafka`'s `createExtension`), over
 * generated traffic sealed as the collector seals it. µs per record, interleaved rounds.
 *
 *   npx tsx deploy/bench/append-vs-encode.ts
 */
import { randomBytes } from 'node:crypto';
import { loadSchema, valueSubject, type EventName } from '@hark/events';
import { createAvroSerde, createExtension } from '@hark/kafka';
import { encryptMentionPii, mentionAuthorRef } from '@hark/privacy';
import { makeResolvedMention, makeScoredMention, memoryRegistry } from '@hark/testing';
import { trafficMentions } from './stage-path.ts';

const ROUNDS = 7;
const serde = createAvroSerde({ registry: memoryRegistry() });
const mentions = trafficMentions(2000).map(({ mention: m }) =>
  encryptMentionPii(m, {
    keyId: randomBytes(16).toString('base64url'),
    authorRef: mentionAuthorRef(m),
    key: randomBytes(32),
  }),
);
const { mention: _m, ...scores } = makeScoredMention();
const { customer, influence, resolvedAt } = makeResolvedMention();

async function pair(input: EventName, output: EventName, values: unknown[], added: object) {
  const inEnc = await serde.encoder<unknown>(valueSubject(input), loadSchema(input));
  const outEnc = await serde.encoder<unknown>(valueSubject(output), loadSchema(output));
  const decoder = serde.decoder<unknown>(loadSchema(input));
  const ext = createExtension({
    output: loadSchema(output),
    input: loadSchema(input),
    schemaId: outEnc.schemaId,
  });
  const raws = values.map((v) => inEnc.encode(v));
  const decoded = await Promise.all(raws.map((r) => decoder.decode(r)));
  return {
    name: `${output} over ${input}`,
    bytes: raws.reduce((a, r) => a + r.length, 0) / raws.length,
    full: (i: number) => outEnc.encode(ext.compose(decoded[i], added)),
    append: (i: number) =>
      decoder.isReaderSchema!(raws[i]!) && ext.append(raws[i]!, decoded[i], added),
    n: raws.length,
  };
}

const cases = [
  await pair('Mention', 'ScoredMention', mentions, scores),
  await pair(
    'ScoredMention',
    'ResolvedMention',
    mentions.map((mention) => ({ ...scores, mention })),
    { customer, influence, resolvedAt },
  ),
];

function time(f: (i: number) => unknown, n: number): number {
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < 20; k++) for (let i = 0; i < n; i++) f(i);
  return Number(process.hrtime.bigint() - t0) / (20 * n) / 1000;
}

const out = (line: string) => process.stdout.write(`${line}\n`);
out(`node ${process.version}; ${mentions.length} sealed mentions, ${ROUNDS} interleaved rounds`);
out('| output | consumed bytes | full encode µs (min / median) | append µs (min / median) |');
out('|---|---|---|---|');
for (const c of cases) {
  for (let w = 0; w < 3; w++) {
    time(c.full, c.n);
    time(c.append, c.n);
  }
  const full: number[] = [];
  const append: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    full.push(time(c.full, c.n));
    append.push(time(c.append, c.n));
  }
  const fmt = (xs: number[]) => {
    xs.sort((a, b) => a - b);
    return `${xs[0]!.toFixed(2)} / ${xs[Math.floor(xs.length / 2)]!.toFixed(2)}`;
  };
  out(`| ${c.name} | ${Math.round(c.bytes)} | ${fmt(full)} | ${fmt(append)} |`);
}
