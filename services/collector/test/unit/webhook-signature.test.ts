import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  crcResponseToken,
  hubSignature,
  secretsEqual,
  verifyHubSignature,
  verifySignature,
} from '../../src/domain/webhook-signature.ts';

const secret = "It's a Secret to Everybody";
const body = Buffer.from('Hello, World!');

describe('webhook signatures', () => {
  it('matches the documented X-Hub-Signature-256 example (GitHub docs)', () => {
    expect(hubSignature(secret, body)).toBe(
      'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
    );
    expect(
      verifySignature(
        secret,
        body,
        'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
        'hex',
      ),
    ).toBe(true);
  });

  it('accepts upper-case hex and base64 (X) encodings of the same digest', () => {
    const digest = createHmac('sha256', secret).update(body).digest();
    expect(
      verifySignature(secret, body, `sha256=${digest.toString('hex').toUpperCase()}`, 'hex'),
    ).toBe(true);
    expect(verifySignature(secret, body, `sha256=${digest.toString('base64')}`, 'base64')).toBe(
      true,
    );
  });

  it.each([
    [undefined, 'no header'],
    ['', 'an empty header'],
    ['757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17', 'no sha256= prefix'],
    ['sha1=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17', 'another algorithm'],
    ['sha256=757107ea', 'a short digest'],
    [
      'sha256=zz7107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
      'non-hex characters',
    ],
    ['sha256=857107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17', 'one wrong nibble'],
  ] as [string | undefined, string][])('refuses %j (%s)', (header) => {
    expect(verifySignature(secret, body, header, 'hex')).toBe(false);
  });

  it('refuses a valid signature of a different body', () => {
    expect(
      verifySignature(secret, Buffer.from('Hello, World?'), hubSignature(secret, body), 'hex'),
    ).toBe(false);
  });

  it('answers the X CRC challenge with base64 HMAC of the token', () => {
    const expected = `sha256=${createHmac('sha256', 'consumer-secret').update('crc-123').digest('base64')}`;
    expect(crcResponseToken('consumer-secret', 'crc-123')).toBe(expected);
  });

  it('compares secrets of any lengths without throwing', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abc', 'abcd')).toBe(false);
    expect(secretsEqual('', 'x')).toBe(false);
  });
});

describe('X-Hub-Signature (WebSub §8, Mastodon)', () => {
  it.each(['sha1', 'sha256', 'sha384', 'sha512'])('verifies %s=<hex>', (algorithm) => {
    const hex = createHmac(algorithm, secret).update(body).digest('hex');
    expect(verifyHubSignature(secret, body, `${algorithm}=${hex}`)).toBe(true);
    expect(
      verifyHubSignature(secret, body, `${algorithm.toUpperCase()}=${hex.toUpperCase()}`),
    ).toBe(true);
    expect(verifyHubSignature('other', body, `${algorithm}=${hex}`)).toBe(false);
  });

  it.each([
    undefined,
    '',
    'sha256',
    'md5=' + 'a'.repeat(32),
    'sha256=' + 'a'.repeat(40),
    'sha1=' + 'g'.repeat(40),
  ])('refuses %j', (h) => expect(verifyHubSignature(secret, body, h)).toBe(false));
});
