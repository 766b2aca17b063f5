import { Writable } from 'node:stream';
import { makeMention, makeResolvedMention } from '@hark/testing';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/index.ts';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { lines, logger: createLogger({ service: 'redact-test', level: 'debug', destination }) };
}

const mention = makeMention({
  text: 'My secret post text about Acme',
  title: 'A personal title',
  author: {
    ...makeMention().author,
    handle: 'secret_handle',
    name: 'Secret Person',
    email: 'secret.person@example.org',
    location: 'Secretville',
    profileUrl: 'https://x.com/secret_handle',
  },
});
const SECRETS = [
  'My secret post text',
  'A personal title',
  'secret_handle',
  'Secret Person',
  'secret.person@example.org',
  'Secretville',
];

describe('service logger redaction', () => {
  it.each([
    ['a mention at the top', mention],
    ['a mention under a key', { mention }],
    [
      'a stage record holding a resolved mention',
      { record: { value: { ...makeResolvedMention(), mention } } },
    ],
    ['a scored mention under a key', { scored: { mention } }],
    ['loose contact fields', { email: mention.author.email, handle: mention.author.handle }],
  ])('when %s is logged at info, no personal value appears', (_, obj) => {
    const { lines, logger } = capture();
    logger.info(obj as object, 'logged');
    logger.child({ component: 'x' }).warn(obj as object, 'child logged');
    const out = lines.join('');
    expect(out).toContain('[redacted]');
    for (const s of SECRETS) expect(out).not.toContain(s);
  });

  it('when a mention is logged, its ids and counters stay visible', () => {
    const { lines, logger } = capture();
    logger.info({ mention }, 'logged');
    expect(lines.join('')).toContain(mention.mentionId);
  });
});
