import type { AppContext } from '../app-context.ts';
import type { Tx } from '../db/database.ts';
import { completedEmail } from '../email/email-templates.ts';
import type { EmailService } from '../email/email.service.ts';
import { interviewUrls } from '../interviews/interview-links.ts';
import { InterviewRepository } from '../interviews/interview.repository.ts';
import { WorkspaceRepository } from '../workspaces/workspace.repository.ts';
import type { WebhookEvents } from '../webhooks/webhook-events.ts';
import { AnswerRepository } from './answer.repository.ts';

/** An interview is completed when the candidate submitted every answer and every answer is finalised. */
export class InterviewCompletion {
  constructor(
    private readonly ctx: AppContext,
    private readonly emails: EmailService,
    private readonly webhookEvents: WebhookEvents,
  ) {}

  async completeIfFinal(trx: Tx, interviewId: string): Promise<boolean> {
    const interviews = new InterviewRepository(trx);
    const interview = await interviews.findAnywhere(interviewId);
    if (!interview || !interview.submitted_at || interview.status === 'completed') return false;
    const questions = await interviews.questionsOf(interviewId);
    const ready = new Set((await new AnswerRepository(trx).listForInterview(interviewId)).filter((a) => a.status === 'ready').map((a) => a.interview_question_id));
    if (!questions.every((q) => ready.has(q.id))) return false;
    const now = this.ctx.clock.now();
    // A deadline that passed after the last answer was submitted does not undo the submission.
    const moved = await interviews.transition(interviewId, ['pending', 'in_progress', 'expired'], { status: 'completed', completed_at: now, expired_at: null, updated_at: now });
    if (!moved) return false;
    await this.webhookEvents.emit(trx, interview.workspace_id, 'interview.finish', interviewId);
    await this.webhookEvents.emit(trx, interview.workspace_id, 'interview.status-change', interviewId);
    await this.notifyReviewers(trx, interviewId);
    return true;
  }

  /** The assigned reviewer, or else (none assigned, or no longer a member) the workspace's owners and admins. */
  private async notifyReviewers(trx: Tx, interviewId: string): Promise<void> {
    const interview = (await new InterviewRepository(trx).findAnywhere(interviewId))!;
    const members = await new WorkspaceRepository(trx).listMembers(interview.workspace_id);
    const assigned = members.filter((m) => m.id === interview.reviewer_user_id);
    const reviewers = assigned.length ? assigned : members.filter((m) => m.role !== 'reviewer');
    const candidateName = `${interview.candidate_first_name} ${interview.candidate_last_name}`.trim();
    for (const reviewer of reviewers) {
      await this.emails.queue(trx, {
        kind: 'completed',
        to: reviewer.email,
        workspaceId: interview.workspace_id,
        interviewId,
        ...completedEmail({
          reviewerName: reviewer.name,
          candidateName,
          positionName: interview.position_name,
          reviewUrl: interviewUrls(this.ctx.config.publicBaseUrl, interview).private,
        }),
      });
    }
  }
}
