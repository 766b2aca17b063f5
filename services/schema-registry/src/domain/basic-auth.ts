/**
 * HTTP basic auth for the registry (the Confluent convention: clients send
 * `Authorization: Basic base64(user:password)`, `basic.auth.user.info` in
 * Confluent's clients, `auth: { username, password }` in
 * @kafkajs/confluent-schema-registry). Two roles: `read` for the services
 * (they look schemas up by id and find the id of the schema they write) and
 * `write` for deployment (registering schemas, compatibility levels,
 * deletions).
 */
export type Role = 'read' | 'write';

export interface RegistryUser {
  name: string;
  password: string;
  role: Role;
}

/**
 * Parses `SCHEMA_REGISTRY_READERS` / `SCHEMA_REGISTRY_WRITERS`:
 * comma-separated `user:password` (the password is everything after the
 * first colon; a user name has no colon, as in RFC 7617).
 */
export function parseUsers(raw: string, role: Role): RegistryUser[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((entry) => {
      const colon = entry.indexOf(':');
      if (colon <= 0 || colon === entry.length - 1)
        throw new Error(
          `each entry must be user:password, got "${entry.slice(0, Math.max(colon, 0))}:…"`,
        );
      return { name: entry.slice(0, colon), password: entry.slice(colon + 1), role };
    });
}

/**
 * Whether a request only reads. Besides GET and HEAD, two POSTs read:
 * `POST /subjects/{subject}` (is this schema registered, and under which
 * id?) and `POST /compatibility/…` (would this schema be compatible?).
 */
export function isReadOnly(method: string, path: string): boolean {
  const m = method.toUpperCase();
  if (m === 'GET' || m === 'HEAD' || m === 'OPTIONS') return true;
  if (m !== 'POST') return false;
  const p = path.split('?')[0]!.replace(/\/+$/, '');
  return /^\/subjects\/[^/]+$/.test(p) || p.startsWith('/compatibility/');
}

export type AuthDecision =
  | { ok: true; user?: string }
  | { ok: false; status: 401 | 403; errorCode: 40101 | 40301; message: string };

/**
 * Decides one request. Without users configured the registry is open (the
 * caller warns at start). `equal` compares secrets in constant time.
 */
export function authorize(
  req: { method: string; path: string; authorization?: string },
  users: readonly RegistryUser[],
  equal: (a: string, b: string) => boolean,
): AuthDecision {
  if (users.length === 0) return { ok: true };
  const header = req.authorization ?? '';
  const m = /^basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i.exec(header);
  const unauthorized = (message: string): AuthDecision => ({
    ok: false,
    status: 401,
    errorCode: 40101,
    message,
  });
  if (!m) return unauthorized('Unauthorized: send Authorization: Basic <base64 user:password>');
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return unauthorized('Unauthorized: malformed basic credentials');
  const name = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  // Compare against every user so the time taken does not tell which name exists.
  let matched: RegistryUser | undefined;
  for (const u of users) if (equal(u.name, name) && equal(u.password, password)) matched = u;
  if (!matched) return unauthorized('Unauthorized: unknown user or wrong password');
  if (matched.role === 'read' && !isReadOnly(req.method, req.path))
    return {
      ok: false,
      status: 403,
      errorCode: 40301,
      message: `Forbidden: user "${matched.name}" may only read`,
    };
  return { ok: true, user: matched.name };
}
