import type { AppContext } from '../app-context.ts';
import { InterviewRepository } from '../interviews/interview.repository.ts';
import { AppError } from '../shared/errors.ts';
import { finalizeAnswerJob } from './answer-finalizer.ts';
import { AnswerRepository } from './answer.repository.ts';

/**
 * An answer whose processing failed every attempt (storage down for a while, ffmpeg missing) is processed
 * again on request: its chunks stay until it is ready, so the candidate need not record anything again.
 */
export class AnswerReprocessing {
  constructor(private readonly ctx: AppContext) {}

  async retry(workspaceId: string, interviewId: string, answerId: string): Promise<void> {
    await this.ctx.db.transaction().execute(async (trx) => {
      const interviews = new InterviewRepository(trx);
      if (!(await interviews.find(workspaceId, interviewId))) throw new AppError('interview_not_found', 'Interview not found');
      await interviews.lock(interviewId);
      const answers = new AnswerRepository(trx);
      const answer = await answers.findInInterview(interviewId, answerId);
      if (!answer || answer.status === 'recording' || answer.status === 'discarded') throw new AppError('answer_not_found', 'This answer is not part of the interview');
      if (answer.status !== 'failed') {
        throw new AppError('answer_not_failed', `Only an answer whose processing failed can be processed again; this one is ${answer.status}`);
      }
      await answers.transition(answerId, ['failed'], { status: 'submitted', processing_attempts: 0 });
      // Its last try may still be winding up (or held by a worker that died, until its lease ends): nothing changes then.
      if (!(await this.ctx.jobs.enqueue(finalizeAnswerJob(answerId), trx))) {
        throw new AppError('answer_processing', 'This answer is still being processed; try again in a minute');
      }
    });
  }
}
