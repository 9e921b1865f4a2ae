import type { DbExecutor } from '../db/database.ts';
import type { InterviewsTable } from '../db/schema.ts';
import { AnswerRepository } from '../answers/answer.repository.ts';
import type { AnswerPlayback } from '../answers/answer-playback.ts';
import { interviewUrls } from '../interviews/interview-links.ts';
import { candidateOf } from '../interviews/interview-candidate.ts';
import { InterviewRepository, type InterviewRow, type InterviewState } from '../interviews/interview.repository.ts';

/** The interview object of Hireflix's webhooks and API (../shared/spec/hireflix-compat.md): every key, null where unknown. */
export interface HireflixInterview {
  id: string;
  position: { id: string; name: string };
  externalId: string | null;
  status: string;
  hash: string;
  createdAt: number;
  candidate: { name: string; firstName: string; lastName: string; email: string; phone: string | null };
  score: { value: number } | null;
  completed: number | null;
  deleted: number | null;
  archived: number | null;
  finalist: number | null;
  answered: boolean;
  thumbnail: string | null;
  url: { short: string; private: string; public: string };
}

/** Hireflix's wire status: in progress is still `pending`; a decision replaces `completed`. */
export function hireflixStatus(i: Pick<InterviewsTable, 'status' | 'decision'>): string {
  if (i.status === 'completed') return i.decision ?? 'completed';
  if (i.status === 'in_progress') return 'pending';
  return i.status;
}

/** The interviews a Hireflix status stands for in a filter; `to_evaluate` is completed and not yet decided. */
export function statesOfHireflixStatus(status: string): InterviewState | null {
  switch (status) {
    case 'pending':
      return { statuses: ['pending', 'in_progress'] };
    case 'to_evaluate':
    case 'completed':
      return { statuses: ['completed'], decision: 'undecided' };
    case 'shortlisted':
    case 'discarded':
      return { statuses: ['completed'], decision: status };
    case 'expired':
    case 'cancelled':
      return { statuses: [status] };
    default:
      return null;
  }
}

export class HireflixInterviews {
  constructor(
    private readonly baseUrl: string,
    private readonly playback: AnswerPlayback,
  ) {}

  /** Built inside the caller's transaction, so the payload is the state the change committed. */
  async build(executor: DbExecutor, interviewId: string, deletedAt: number | null = null): Promise<HireflixInterview | null> {
    const row = await new InterviewRepository(executor).findAnywhere(interviewId);
    return row ? this.fromRow(executor, row, deletedAt) : null;
  }

  async fromRow(executor: DbExecutor, row: InterviewRow, deletedAt: number | null = null): Promise<HireflixInterview> {
    const answers = await new AnswerRepository(executor).listForInterview(row.id);
    return {
      id: row.id,
      position: { id: row.position_id, name: row.position_name },
      externalId: row.external_id,
      status: hireflixStatus(row),
      hash: row.hash,
      createdAt: row.created_at,
      candidate: candidateOf(row),
      score: row.score === null ? null : { value: row.score },
      // When the candidate submitted (the contract's meaning), once the interview is completed.
      completed: row.completed_at === null ? null : (row.submitted_at ?? row.completed_at),
      deleted: deletedAt,
      archived: row.decision === 'discarded' ? row.decided_at : null,
      finalist: row.decision === 'shortlisted' ? row.decided_at : null,
      answered: answers.some((a) => a.status === 'submitted' || a.status === 'ready' || a.status === 'failed'),
      thumbnail: await this.playback.interviewThumbnail(row.id, executor),
      url: interviewUrls(this.baseUrl, row),
    };
  }
}
