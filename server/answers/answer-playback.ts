import type { AppContext } from '../app-context.ts';
import type { DbExecutor } from '../db/database.ts';
import type { AnswersTable } from '../db/schema.ts';
import { InterviewRepository } from '../interviews/interview.repository.ts';
import { AppError } from '../shared/errors.ts';
import type { UrlSigner } from '../shared/url-signer.ts';
import { AnswerRepository } from './answer.repository.ts';

/** Long enough for a reviewer's session with the page open. */
export const VIDEO_URL_TTL_MS = 24 * 3600_000;
/** ATSs store the thumbnail URL from a webhook; it must keep working. */
export const THUMBNAIL_URL_TTL_MS = 365 * 24 * 3600_000;

export type MediaKind = 'video' | 'thumbnail';

export const mediaPath = (answerId: string, kind: MediaKind) => `/media/answers/${answerId}/${kind}`;

export interface AnswerView {
  id: string;
  take: number;
  status: AnswersTable['status'];
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  mediaType: string | null;
  videoUrl: string | null;
  thumbnailUrl: string | null;
  processingError: string | null;
  submittedAt: number | null;
  finalizedAt: number | null;
}

/** Signed media URLs and the per-question answers a reviewer or an ATS reads. */
export class AnswerPlayback {
  constructor(
    private readonly ctx: AppContext,
    private readonly signer: UrlSigner,
  ) {}

  async signedUrl(answerId: string, kind: MediaKind, executor?: DbExecutor): Promise<string> {
    const ttl = kind === 'video' ? VIDEO_URL_TTL_MS : THUMBNAIL_URL_TTL_MS;
    return `${this.ctx.config.publicBaseUrl}${await this.signer.sign(mediaPath(answerId, kind), ttl, executor)}`;
  }

  async view(answer: AnswersTable): Promise<AnswerView> {
    const ready = answer.status === 'ready';
    return {
      id: answer.id,
      take: answer.take,
      status: answer.status,
      durationSeconds: answer.duration_seconds,
      width: answer.width,
      height: answer.height,
      mediaType: answer.media_type,
      videoUrl: ready ? await this.signedUrl(answer.id, 'video') : null,
      thumbnailUrl: ready ? await this.signedUrl(answer.id, 'thumbnail') : null,
      processingError: answer.processing_error,
      submittedAt: answer.submitted_at,
      finalizedAt: answer.finalized_at,
    };
  }

  /** Each question of an interview with its answer: the submitted take, or null while unanswered. */
  async forInterview(workspaceId: string, interviewId: string) {
    const interviews = new InterviewRepository(this.ctx.db);
    if (!(await interviews.find(workspaceId, interviewId))) throw new AppError('interview_not_found', 'Interview not found');
    const questions = await interviews.questionsOf(interviewId);
    const answers = (await new AnswerRepository(this.ctx.db).listForInterview(interviewId)).filter((a) => a.status !== 'recording' && a.status !== 'discarded');
    return Promise.all(
      questions.map(async (q) => {
        const answer = answers.filter((a) => a.interview_question_id === q.id).at(-1);
        return {
          questionId: q.id,
          title: q.title,
          description: q.description,
          thinkTimeSeconds: q.think_time_seconds,
          maxAnswerSeconds: q.max_answer_seconds,
          retakes: q.retakes,
          answer: answer ? await this.view(answer) : null,
        };
      }),
    );
  }

  /** One answer of an interview of the workspace. */
  async answer(workspaceId: string, interviewId: string, answerId: string): Promise<AnswerView> {
    if (!(await new InterviewRepository(this.ctx.db).find(workspaceId, interviewId))) throw new AppError('interview_not_found', 'Interview not found');
    const answer = await new AnswerRepository(this.ctx.db).findInInterview(interviewId, answerId);
    if (!answer) throw new AppError('answer_not_found', 'This answer is not part of the interview');
    return this.view(answer);
  }

  /** The first answered question's thumbnail, as Hireflix puts on the interview. */
  async interviewThumbnail(interviewId: string, executor: DbExecutor = this.ctx.db): Promise<string | null> {
    const questions = await new InterviewRepository(executor).questionsOf(interviewId);
    const ready = (await new AnswerRepository(executor).listForInterview(interviewId)).filter((a) => a.status === 'ready');
    for (const q of questions) {
      const answer = ready.find((a) => a.interview_question_id === q.id);
      if (answer) return this.signedUrl(answer.id, 'thumbnail', executor);
    }
    return null;
  }

  /** The stored object behind a media URL, with the workspace it belongs to (for session checks). */
  async locate(answerId: string, kind: MediaKind): Promise<{ key: string; contentType: string; workspaceId: string }> {
    const answer = await new AnswerRepository(this.ctx.db).find(answerId);
    const key = kind === 'video' ? answer?.media_key : answer?.thumbnail_key;
    if (!answer || !key) throw new AppError('not_found', 'Media not found');
    const interview = await new InterviewRepository(this.ctx.db).findAnywhere(answer.interview_id);
    if (!interview) throw new AppError('not_found', 'Media not found');
    return { key, contentType: kind === 'video' ? (answer.media_type ?? 'video/webm') : 'image/jpeg', workspaceId: interview.workspace_id };
  }
}
