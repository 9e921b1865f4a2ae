import type { AppContext } from '../app-context.ts';
import { InterviewRepository, type InterviewRow } from '../interviews/interview.repository.ts';
import { PositionRepository } from '../positions/position.repository.ts';
import { AppError } from '../shared/errors.ts';

export interface CandidateInterviewView {
  status: InterviewRow['status'];
  candidateFirstName: string;
  position: { name: string; introMessage: string };
  expiresAt: number | null;
  questionCount: number;
}

/** What the holder of a private link may see: their own interview, nothing else. */
export class CandidateService {
  constructor(private readonly ctx: AppContext) {}

  /** The interview behind a link; a passed deadline expires it on the spot, before any sweep. */
  async open(token: string): Promise<InterviewRow> {
    const repo = new InterviewRepository(this.ctx.db);
    const row = await repo.findByToken(token);
    if (!row) throw new AppError('link_not_found', 'This interview link is not valid. Check the link in your email.');
    const now = this.ctx.clock.now();
    if ((row.status === 'pending' || row.status === 'in_progress') && row.expires_at !== null && row.expires_at <= now) {
      await repo.transition(row.id, ['pending', 'in_progress'], { status: 'expired', expired_at: now, updated_at: now });
      return (await repo.findByToken(token))!;
    }
    return row;
  }

  async view(token: string): Promise<CandidateInterviewView> {
    const row = await this.open(token);
    const position = (await new PositionRepository(this.ctx.db).find(row.workspace_id, row.position_id))!;
    const questions = await new InterviewRepository(this.ctx.db).questionsOf(row.id);
    return {
      status: row.status,
      candidateFirstName: row.candidate_first_name,
      position: { name: position.name, introMessage: position.intro_message },
      expiresAt: row.expires_at,
      questionCount: questions.length,
    };
  }

  async tokenForShortCode(hash: string): Promise<string> {
    const found = await new InterviewRepository(this.ctx.db).findByHash(hash);
    if (!found) throw new AppError('link_not_found', 'This interview link is not valid. Check the link in your email.');
    return found.token;
  }
}
