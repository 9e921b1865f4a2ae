// Invitations (interviews) of a template: the pipeline, inviting, and the actions on them.
import { api, type Page } from './api-client.ts';

export type InterviewStatus = 'pending' | 'in_progress' | 'completed' | 'expired' | 'cancelled';
export type Decision = 'shortlisted' | 'discarded';
export const INTERVIEW_STATUSES: InterviewStatus[] = ['pending', 'in_progress', 'completed', 'expired', 'cancelled'];

export interface Interview {
  id: string;
  position: { id: string; name: string };
  /** Null for reviewers, as the candidate's links are. */
  hash: string | null;
  status: InterviewStatus;
  decision: Decision | null;
  candidate: { name: string; firstName: string; lastName: string; email: string; phone: string | null };
  externalId: string | null;
  reviewerId: string | null;
  score: number | null;
  expiresAt: number | null;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  /** The candidate submitted every answer; it completes once they are processed. */
  submittedAt: number | null;
  completedAt: number | null;
  cancelledAt: number | null;
  expiredAt: number | null;
  decidedAt: number | null;
  /** `public` and `short` open the interview as the candidate: null for reviewers. */
  url: { public: string | null; short: string | null; private: string };
}

export interface InterviewDetail extends Interview {
  questions: { id: string; title: string; description: string; thinkTimeSeconds: number; maxAnswerSeconds: number; retakes: number }[];
}

export interface InterviewFilter {
  positionId?: string;
  status?: InterviewStatus[];
  decision?: Decision | 'undecided';
  q?: string;
}

function filterQuery(filter: InterviewFilter) {
  return { positionId: filter.positionId, status: filter.status?.join(','), decision: filter.decision, q: filter.q?.trim() };
}

export function listInterviews(filter: InterviewFilter, cursor?: string | null, limit = 50): Promise<Page<Interview>> {
  return api.get<Page<Interview>>('/interviews', { query: { ...filterQuery(filter), cursor, limit } });
}

/** Every invitation matching the filter, newest first, up to `cap` (the pipeline sorts and pages them itself). */
export async function listAllInterviews(filter: InterviewFilter, cap = 5000): Promise<{ items: Interview[]; truncated: boolean }> {
  const items: Interview[] = [];
  let cursor: string | null = null;
  do {
    const page = await listInterviews(filter, cursor, 200);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < cap);
  return { items, truncated: !!cursor };
}

export const getInterview = (id: string) => api.get<InterviewDetail>(`/interviews/${encodeURIComponent(id)}`);

export interface CandidateInput {
  firstName: string;
  lastName?: string;
  email: string;
  phone?: string | null;
  externalId?: string | null;
  expiresAt?: string | null;
  sendEmail: boolean;
}

export const inviteCandidate = (positionId: string, input: CandidateInput) => api.post<InterviewDetail>(`/positions/${encodeURIComponent(positionId)}/interviews`, input);

export interface BulkInviteRow {
  row: number;
  email: string | null;
  status: 'created' | 'rejected';
  interview?: Interview;
  error?: { code: string; message: string; fields?: { path: string; message: string }[] };
}

export interface BulkInviteReport {
  created: number;
  rejected: number;
  rows: BulkInviteRow[];
}

export interface BulkOptions {
  expiresAt?: string | null;
  sendEmail: boolean;
}

export const bulkInvite = (positionId: string, candidates: Record<string, string>[], options: BulkOptions) =>
  api.post<BulkInviteReport>(`/positions/${encodeURIComponent(positionId)}/interviews/bulk`, { candidates, ...options });

/** A CSV file as it is (header row: name or first/last name, email, phone, external id); the server parses it. */
export const bulkInviteCsv = (positionId: string, csv: string, options: BulkOptions) =>
  api.post<BulkInviteReport>(`/positions/${encodeURIComponent(positionId)}/interviews/bulk`, csv, {
    contentType: 'text/csv',
    query: { expiresAt: options.expiresAt ?? undefined, sendEmail: options.sendEmail ? undefined : 'false' },
  });

export interface InvitationUpdate {
  firstName?: string;
  lastName?: string;
  email?: string;
  phone?: string | null;
  /** ISO date-time; null: no deadline. */
  expiresAt?: string | null;
  reviewerId?: string | null;
}

/** Before the candidate submits (else ApiError interview_locked). */
export const updateInvitation = (id: string, changes: InvitationUpdate) => api.patch<InterviewDetail>(`/interviews/${encodeURIComponent(id)}`, changes);

export const cancelInterview = (id: string) => api.post<InterviewDetail>(`/interviews/${encodeURIComponent(id)}/cancel`);

/** Emails the invitation again: the pipeline's "remind". */
export const resendInvitation = (id: string) => api.post<InterviewDetail>(`/interviews/${encodeURIComponent(id)}/resend`);

export const deleteInterview = (id: string) => api.delete<Interview>(`/interviews/${encodeURIComponent(id)}`);

export const decide = (id: string, decision: Decision | null) => api.post<InterviewDetail>(`/interviews/${encodeURIComponent(id)}/decision`, { decision });

/** Whether the candidate can still be reminded: the invitation is open. */
export const isOpen = (i: Pick<Interview, 'status'>) => i.status === 'pending' || i.status === 'in_progress';
