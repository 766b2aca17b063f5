import { registryError } from './registry-errors.ts';

/** One subject and whether it has live and soft-deleted versions. */
export interface SubjectState {
  subject: string;
  live: boolean;
  deleted: boolean;
}

export interface SubjectFilter {
  /** Confluent's default `:*:` (every context) means no prefix here: there are no contexts. */
  subjectPrefix?: string;
  /** Also subjects whose every version is soft-deleted. */
  deleted?: boolean;
  /** Only subjects whose every version is soft-deleted. */
  deletedOnly?: boolean;
  offset?: number;
  /** -1 (Confluent's default) or absent: no limit. */
  limit?: number;
}

/** Reads `GET /subjects`' query; a malformed offset or limit is 400. */
export function parseSubjectFilter(q: Record<string, string | undefined>): SubjectFilter {
  const int = (name: string, min: number): number | undefined => {
    const raw = q[name];
    if (raw === undefined || raw === '') return undefined;
    if (!/^-?\d{1,10}$/.test(raw) || Number(raw) < min)
      throw registryError(400, `${name} must be a whole number ≥ ${min}, got "${raw}"`);
    return Number(raw);
  };
  const bool = (name: string) => q[name]?.toLowerCase() === 'true';
  return {
    subjectPrefix: q.subjectPrefix,
    deleted: bool('deleted'),
    deletedOnly: bool('deletedOnly'),
    offset: int('offset', 0),
    limit: int('limit', -1),
  };
}

/** Confluent's `GET /subjects` semantics over the subjects' states, sorted by name. */
export function filterSubjects(states: readonly SubjectState[], f: SubjectFilter): string[] {
  const prefix = f.subjectPrefix === undefined || f.subjectPrefix === ':*:' ? '' : f.subjectPrefix;
  const picked = states
    .filter((s) => s.subject.startsWith(prefix))
    .filter((s) => (f.deletedOnly ? !s.live && s.deleted : s.live || (f.deleted && s.deleted)))
    .map((s) => s.subject)
    .sort();
  const from = f.offset ?? 0;
  const limit = f.limit === undefined || f.limit < 0 ? undefined : f.limit;
  return picked.slice(from, limit === undefined ? undefined : from + limit);
}
