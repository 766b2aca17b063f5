import type { FormatName } from './platforms/index.ts';

/**
 * Which subscription handshake a source's platform speaks. X proves the
 * endpoint with its CRC check; every other source (WebSub hubs for feeds,
 * Meta-style verify tokens for partners) with a `hub.*` handshake. A source
 * answers only its own platform's handshake: X's CRC is an HMAC under the
 * source's secret, and serving it elsewhere would sign for a source whose
 * deliveries are verified with the same secret.
 */
export function handshakeKind(format: FormatName): 'crc' | 'hub' {
  return format === 'x' ? 'crc' : 'hub';
}

/**
 * X's documented token form: a short random nonce in base64 or base64url
 * (real ones are 48 characters, the base64 of a UUID). The form excludes
 * every character a JSON document, NDJSON line or XML feed needs (`{`, `[`,
 * `<`, `"`, whitespace), and a token that would still parse as JSON (digits
 * only, `true`…) is refused too, so no CRC answer can be the signature of a
 * body the webhook route would read as a delivery.
 */
const CRC_TOKEN = /^[A-Za-z0-9_+/-]{8,128}={0,2}$/;

export function isCrcToken(token: string): boolean {
  if (!CRC_TOKEN.test(token)) return false;
  try {
    JSON.parse(token);
    return false;
  } catch {
    return true;
  }
}

/**
 * True when a POSTed body has the CRC token form: such a body can only be a
 * replayed CRC answer used as a signature, never a platform's delivery.
 */
export function looksLikeCrcToken(body: Buffer): boolean {
  return body.length <= 130 && isCrcToken(body.toString('latin1').trim());
}

export interface HubQuery {
  mode?: string;
  topic?: string;
  challenge?: string;
  leaseSeconds?: string;
  verifyToken?: string;
  reason?: string;
}

export type HubAnswer =
  | {
      ok: true;
      kind: 'verify';
      mode: 'subscribe' | 'unsubscribe';
      challenge: string;
      leaseSeconds?: number;
    }
  | { ok: true; kind: 'denied'; reason?: string }
  | { ok: false; status: 400 | 403; message: string };

/** Visible ASCII only, bounded: the echo is text/plain and must not carry markup-sized payloads. */
const HUB_CHALLENGE = /^[\x21-\x7e]{1,255}$/;

/**
 * Decides a `hub.*` verification request (WebSub §5.3, and the Meta-style
 * variant with `hub.verify_token`). The subscriber confirms only what it
 * wants: a verify token equal to the source's (compared by `tokensEqual`),
 * or, without one, a `hub.topic` equal to the topic the source subscribed
 * to. The answer echoes the challenge verbatim: an echo is not a signature,
 * so it can never authenticate a delivery.
 */
export function decideHubVerification(
  q: HubQuery,
  source: { verifyToken?: string; topic?: string },
  tokensEqual: (a: string, b: string) => boolean,
): HubAnswer {
  if (q.mode === 'denied') return { ok: true, kind: 'denied', reason: q.reason };
  if (q.mode !== 'subscribe' && q.mode !== 'unsubscribe')
    return { ok: false, status: 400, message: 'hub.mode must be subscribe, unsubscribe or denied' };
  if (q.challenge === undefined || !HUB_CHALLENGE.test(q.challenge))
    return {
      ok: false,
      status: 400,
      message: 'hub.challenge must be 1–255 visible ASCII characters',
    };
  let leaseSeconds: number | undefined;
  if (q.leaseSeconds !== undefined) {
    if (!/^[0-9]{1,10}$/.test(q.leaseSeconds))
      return {
        ok: false,
        status: 400,
        message: 'hub.lease_seconds must be a whole number of seconds',
      };
    leaseSeconds = Number(q.leaseSeconds);
  }
  if (q.verifyToken !== undefined && q.verifyToken !== '') {
    if (!source.verifyToken || !tokensEqual(q.verifyToken, source.verifyToken))
      return { ok: false, status: 403, message: 'hub.verify_token does not match' };
  } else if (source.verifyToken && !source.topic) {
    return { ok: false, status: 403, message: 'hub.verify_token is required for this source' };
  } else if (!source.topic || q.topic === undefined || q.topic !== source.topic) {
    return {
      ok: false,
      status: 403,
      message: 'hub.topic is not a topic this source subscribes to',
    };
  }
  return { ok: true, kind: 'verify', mode: q.mode, challenge: q.challenge, leaseSeconds };
}
