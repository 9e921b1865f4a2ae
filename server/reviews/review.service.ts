import type { AppContext } from '../app-context.ts';
import type { Role } from '../db/schema.ts';
import { InterviewRepository } from '../interviews/interview.repository.ts';
import { AppError, forbidden, validationFailed } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import type { WebhookEvents } from '../webhooks/webhook-events.ts';
import { WorkspaceRepository } from '../workspaces/workspace.repository.ts';
import { ReviewRepository } from './review.repository.ts';

export interface ReviewInput {
  overallScore: number | null;
  questionScores: Record<string, number | null>;
}

/** Mean of the reviewers' overall scores, to two decimals; null when nobody scored. */
export function meanScore(scores: (number | null)[]): number | null {
  const given = scores.filter((s): s is number => s !== null);
  if (given.length === 0) return null;
  return Math.round((given.reduce((a, b) => a + b, 0) / given.length) * 100) / 100;
}

/** Each reviewer's scores and the team's comments on an interview. */
export class ReviewService {
  constructor(
    private readonly ctx: AppContext,
    private readonly webhookEvents: WebhookEvents,
  ) {}

  async list(workspaceId: string, interviewId: string, userId: string | null) {
    await this.interview(workspaceId, interviewId);
    const rows = await new ReviewRepository(this.ctx.db).listForInterview(interviewId);
    const reviews = rows.map((r) => ({
      reviewer: { id: r.user_id, name: r.reviewer_name, email: r.reviewer_email },
      overallScore: r.overall_score,
      questionScores: JSON.parse(r.question_scores) as Record<string, number | null>,
      updatedAt: r.updated_at,
    }));
    return { score: meanScore(rows.map((r) => r.overall_score)), reviews, mine: reviews.find((r) => r.reviewer.id === userId) ?? null };
  }

  /** Saves the caller's scores; the interview's score becomes the mean, and a change is sent as interview.score-updated. */
  async score(workspaceId: string, interviewId: string, userId: string, input: ReviewInput) {
    const interview = await this.interview(workspaceId, interviewId);
    if (interview.status !== 'completed') throw new AppError('invalid_state', 'Only a completed interview can be scored');
    const questionIds = new Set((await new InterviewRepository(this.ctx.db).questionsOf(interviewId)).map((q) => q.id));
    const unknown = Object.keys(input.questionScores).filter((id) => !questionIds.has(id));
    if (unknown.length) throw validationFailed(unknown.map((id) => ({ path: `questionScores.${id}`, message: 'is not a question of this interview' })));
    const now = this.ctx.clock.now();
    await this.ctx.db.transaction().execute(async (trx) => {
      const repo = new ReviewRepository(trx);
      // Reviewers saving at the same moment take turns here, so each mean counts the other's score.
      const current = await new InterviewRepository(trx).lock(interviewId);
      await repo.upsert({ interview_id: interviewId, user_id: userId, overall_score: input.overallScore, question_scores: JSON.stringify(input.questionScores), updated_at: now });
      const score = meanScore((await repo.listForInterview(interviewId)).map((r) => r.overall_score));
      if (score !== (current?.score ?? null)) {
        await new InterviewRepository(trx).update(interviewId, { score, updated_at: now });
        await this.webhookEvents.emit(trx, workspaceId, 'interview.score-updated', interviewId);
      }
    });
    return this.list(workspaceId, interviewId, userId);
  }

  async comments(workspaceId: string, interviewId: string) {
    await this.interview(workspaceId, interviewId);
    return (await new ReviewRepository(this.ctx.db).listComments(interviewId)).map((c) => ({
      id: c.id,
      authorId: c.user_id,
      authorName: c.author_name,
      body: c.body,
      createdAt: c.created_at,
    }));
  }

  async addComment(workspaceId: string, interviewId: string, userId: string, body: string) {
    await this.interview(workspaceId, interviewId);
    const author = await new WorkspaceRepository(this.ctx.db).findUser(userId);
    const comment = { id: newId(), interview_id: interviewId, user_id: userId, author_name: author?.name ?? 'Former member', body, created_at: this.ctx.clock.now() };
    await new ReviewRepository(this.ctx.db).insertComment(comment);
    return { id: comment.id, authorId: userId, authorName: comment.author_name, body, createdAt: comment.created_at };
  }

  /** Authors remove their own comments; owners and admins any. */
  async deleteComment(workspaceId: string, interviewId: string, commentId: string, userId: string | null, role: Role) {
    await this.interview(workspaceId, interviewId);
    const repo = new ReviewRepository(this.ctx.db);
    const comment = await repo.findComment(interviewId, commentId);
    if (!comment) throw new AppError('not_found', 'Comment not found');
    if (comment.user_id !== userId && role === 'reviewer') throw forbidden('Only the author or an admin can delete this comment');
    await repo.deleteComment(commentId);
  }

  private async interview(workspaceId: string, interviewId: string) {
    const interview = await new InterviewRepository(this.ctx.db).find(workspaceId, interviewId);
    if (!interview) throw new AppError('interview_not_found', 'Interview not found');
    return interview;
  }
}
