import { statesOfHireflixStatus } from '../hireflix-interview.ts';
import type { InterviewFilter, InterviewState, ScoreCondition } from '../../interviews/interview.service.ts';
import { NOT_A_CURSOR, parseCursor } from '../../shared/cursor.ts';
import { emailKey } from '../../shared/email-address.ts';
import { validationFailed, type FieldError } from '../../shared/errors.ts';

/** `position { interviewList(input: ...) }` as it arrives from GraphQL. */
export interface InterviewListInput {
  filter?: {
    status?: { equal?: string | null; in?: string[] | null } | null;
    email?: StringFilter | null;
    lastName?: StringFilter | null;
    score?: Partial<Record<NumberOp, number | null>> | null;
  } | null;
  pagination?: { limit?: number | null; lastCursor?: string | null; direction?: 'FORWARD' | 'BACKWARD' | null } | null;
  sort?: { field: 'createdAt'; direction?: 'ASC' | 'DESC' | null }[] | null;
}

interface StringFilter {
  equal?: string | null;
  regex?: string | null;
}

type NumberOp = 'equal' | 'notEqual' | 'greaterThan' | 'greaterThanOrEqual' | 'lessThan' | 'lessThanOrEqual';

const scoreOps: Record<NumberOp, ScoreCondition['op']> = {
  equal: '=',
  notEqual: '<>',
  greaterThan: '>',
  greaterThanOrEqual: '>=',
  lessThan: '<',
  lessThanOrEqual: '<=',
};

export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 100;

/** The interview filter and page an interviewList input asks for; bad values are reported with their input paths. */
export function interviewListQuery(positionId: string, input: InterviewListInput | null | undefined) {
  const fields: FieldError[] = [];
  const filter: InterviewFilter = { positionId };
  const f = input?.filter;

  if (f?.status) {
    const wanted = [...(f.status.equal != null ? [f.status.equal] : []), ...(f.status.in ?? [])];
    const states = wanted.map((s) => statesOfHireflixStatus(s));
    const unknown = wanted.filter((_, i) => !states[i]);
    if (unknown.length) fields.push({ path: 'filter.status', message: `unknown status ${unknown.join(', ')}; use pending, to_evaluate, completed, shortlisted, discarded, expired or cancelled` });
    const known = states.filter((s) => s !== null);
    // equal and in together must both hold: equal's interviews pass if `in` names them too (completed and
    // to_evaluate are the same ones). An empty `in` names none.
    if (f.status.equal != null && f.status.in) {
      const [equal, ...anyOf] = states;
      filter.anyOf = equal && anyOf.some((s) => s && sameState(s, equal)) ? [equal] : [];
    } else if (f.status.equal != null || f.status.in) filter.anyOf = known;
  }
  if (f?.email?.equal != null) filter.emailKey = emailKey(f.email.equal);
  if (f?.email?.regex != null) filter.emailLike = likeOf(f.email.regex, 'filter.email.regex', fields);
  if (f?.lastName?.equal != null) filter.lastName = f.lastName.equal.trim();
  if (f?.lastName?.regex != null) filter.lastNameLike = likeOf(f.lastName.regex, 'filter.lastName.regex', fields);
  if (f?.score) {
    filter.score = Object.entries(f.score)
      .filter(([, value]) => value != null)
      .map(([op, value]) => ({ op: scoreOps[op as NumberOp], value: value! }));
  }

  const lastCursor = input?.pagination?.lastCursor ?? undefined;
  if (lastCursor !== undefined && !parseCursor(lastCursor)) fields.push({ path: 'pagination.lastCursor', message: NOT_A_CURSOR });
  const limit = input?.pagination?.limit ?? DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) fields.push({ path: 'pagination.limit', message: `must be between 1 and ${MAX_PAGE}` });
  const sort = input?.sort?.[0];
  if (fields.length) throw validationFailed(fields, `Invalid interviewList input: ${fields.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  return {
    filter,
    page: {
      cursor: lastCursor,
      backward: input?.pagination?.direction === 'BACKWARD',
      order: sort?.direction === 'ASC' ? ('asc' as const) : ('desc' as const),
      limit,
    },
  };
}

function sameState(a: InterviewState, b: InterviewState): boolean {
  return a.decision === b.decision && a.statuses.length === b.statuses.length && a.statuses.every((s) => b.statuses.includes(s));
}

/**
 * A LIKE pattern for the part of regular expressions both databases can run without a regex engine
 * (and without catastrophic backtracking): ^ and $ anchors, `.`, `.*`, `.+` and backslash-escaped punctuation.
 * Anything else is refused rather than matched differently. Lowercased: the match is case-insensitive.
 */
export function likeOf(regex: string, path: string, fields: FieldError[]): string | undefined {
  let body = regex;
  const anchoredStart = body.startsWith('^');
  if (anchoredStart) body = body.slice(1);
  const anchoredEnd = body.endsWith('$') && !body.endsWith('\\$');
  if (anchoredEnd) body = body.slice(0, -1);
  let like = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === '\\') {
      const next = body[i + 1];
      if (next === undefined || /[a-zA-Z0-9]/.test(next)) return refuse();
      like += literal(next);
      i++;
    } else if (ch === '.') {
      const next = body[i + 1];
      if (next === '*') (like += '%'), i++;
      else if (next === '+') (like += '_%'), i++;
      else like += '_';
    } else if ('[](){}|?*+^$'.includes(ch)) {
      return refuse();
    } else {
      like += literal(ch);
    }
  }
  return `${anchoredStart ? '' : '%'}${like.toLowerCase()}${anchoredEnd ? '' : '%'}`;

  function refuse(): undefined {
    fields.push({ path, message: 'only ^, $, ., .*, .+ and backslash-escaped punctuation are supported' });
    return undefined;
  }
}

const literal = (ch: string) => (ch === '%' || ch === '_' || ch === '\\' ? `\\${ch}` : ch);
