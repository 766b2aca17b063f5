import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** `sha256=<hex>` of the body, as senders of `X-Hub-Signature-256` compute it. */
export function hubSignature(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Verifies a signature header over the raw body: `sha256=<hex>`
 * (`X-Hub-Signature-256`: Meta, GitHub, WebSub) or `sha256=<base64>`
 * (`X-Twitter-Webhooks-Signature`). The comparison is constant-time over
 * the decoded digests; a header of the wrong shape or length fails without
 * comparing.
 */
export function verifySignature(
  secret: string,
  body: Buffer,
  header: string | undefined,
  encoding: 'hex' | 'base64',
): boolean {
  if (!header || !header.startsWith('sha256=')) return false;
  const encoded = header.slice('sha256='.length).trim();
  const valid = encoding === 'hex' ? /^[0-9a-fA-F]{64}$/ : /^[A-Za-z0-9+/]{43}=$/;
  if (!valid.test(encoded)) return false;
  const given = Buffer.from(encoded, encoding);
  const expected = createHmac('sha256', secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const HUB_ALGORITHMS: Record<string, number> = { sha1: 40, sha256: 64, sha384: 96, sha512: 128 };

/**
 * Verifies WebSub's `X-Hub-Signature: <method>=<hex>` (WebSub §8: sha1,
 * sha256, sha384 or sha512; Mastodon's server webhooks send sha256), an
 * HMAC of the raw body under the source's secret.
 */
export function verifyHubSignature(
  secret: string,
  body: Buffer,
  header: string | undefined,
): boolean {
  if (!header) return false;
  const eq = header.indexOf('=');
  if (eq < 0) return false;
  const algorithm = header.slice(0, eq).trim().toLowerCase();
  const hexLength = HUB_ALGORITHMS[algorithm];
  const encoded = header.slice(eq + 1).trim();
  if (hexLength === undefined || encoded.length !== hexLength || !/^[0-9a-fA-F]+$/.test(encoded))
    return false;
  const given = Buffer.from(encoded, 'hex');
  const expected = createHmac(algorithm, secret).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** X's challenge-response check: `sha256=` + base64(HMAC-SHA256(consumer secret, crc_token)). */
export function crcResponseToken(secret: string, crcToken: string): string {
  return `sha256=${createHmac('sha256', secret).update(crcToken).digest('base64')}`;
}

/**
 * Equality of two secrets in time independent of where they differ and of
 * their lengths: both sides are hashed to 32 bytes first.
 */
export function secretsEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}
