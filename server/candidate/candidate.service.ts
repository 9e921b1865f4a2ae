import type { AppContext } from '../app-context.ts';
import type { AnswersTable } from '../db/schema.ts';
import { AnswerRepository } from '../answers/answer.repository.ts';
import { BYTES_PER_SECOND, MAX_CHUNK_BYTES } from '../answers/recording-limits.ts';
import { InterviewRepository, type InterviewRow } from '../interviews/interview.repository.ts';
import { PositionRepository } from '../positions/position.repository.ts';
import { AppError } from '../shared/errors.ts';
import type { InterviewExpiry } from '../interviews/interview-expiry.ts';

export interface CandidateQuestionView {
  id: string;
  index: number;
  /** The question's text: empty until the candidate reaches it (opens it, or has recorded it). */
  title: string;
  description: string;
  /** Whether the candidate was shown it; its text and think time are known from then on. */
  opened: boolean;
  thinkTimeSeconds: number;
  /** Think time left by the server's clock once opened (a reload does not restart it); null before. */
  thinkTimeLeftSeconds: number | null;
  maxAnswerSeconds: number;
  retakes: number;
  takesUsed: number;
  answered: boolean;
  openTake: {
    answerId: string;
    take: number;
    mimeType: string;
    receivedChunks: number[];
    bytesReceived: number;
    /** Seconds since its last piece arrived (null: none yet): a few means it is being recorded right now, maybe elsewhere. */
    lastChunkSecondsAgo: number | null;
  } | null;
}

export interface CandidateInterviewView {
  status: InterviewRow['status'];
  submitted: boolean;
  candidateFirstName: string;
  position: { name: string; introMessage: string };
  expiresAt: number | null;
  /** By the server's clock: a candidate's device clock may be off. */
  expiresInSeconds: number | null;
  questions: CandidateQuestionView[];
  limits: { maxChunkBytes: number; bytesPerSecond: number };
}

const linkNotFound = () => new AppError('link_not_found', 'This interview link is not valid. Check the link in your email.');

const closedErrors = {
  expired: () => new AppError('invitation_expired', 'This interview has expired. Ask the recruiter for a new invitation.'),
  cancelled: () => new AppError('invitation_cancelled', 'This interview was cancelled by the recruiter.'),
  completed: () => new AppError('invitation_completed', 'This interview was already submitted.'),
};

/** What the holder of a private link may see and do: their own interview, nothing else. */
export class CandidateService {
  constructor(
    private readonly ctx: AppContext,
    private readonly expiry: InterviewExpiry,
  ) {}

  /** The interview behind a link; a passed deadline expires it on the spot, before any sweep. */
  async open(token: string): Promise<InterviewRow> {
    const repo = new InterviewRepository(this.ctx.db);
    const row = await repo.findByToken(token);
    if (!row) throw linkNotFound();
    return this.expiry.expireIfDue(row);
  }

  /** `undefined`: the interview is gone (deleted). */
  assertOpen(interview: Pick<InterviewRow, 'status'> | undefined): void {
    if (!interview) throw linkNotFound();
    if (interview.status === 'expired' || interview.status === 'cancelled' || interview.status === 'completed') throw closedErrors[interview.status]();
  }

  /** An interview that still takes recordings: open, and its last answer not yet submitted. */
  async openForRecording(token: string): Promise<InterviewRow> {
    const interview = await this.open(token);
    this.assertOpen(interview);
    if (interview.submitted_at) throw closedErrors.completed();
    return interview;
  }

  /**
   * openForRecording's checks for a caller that read the interview's state itself (a chunk upload, whose one
   * query reads it with the take); `undefined` means no interview has this token.
   */
  async assertRecording(token: string, state: Pick<InterviewRow, 'status' | 'submitted_at' | 'expires_at'> | undefined): Promise<void> {
    if (!state || this.expiry.isDue(state)) {
      await this.openForRecording(token);
      return;
    }
    this.assertOpen(state);
    if (state.submitted_at) throw closedErrors.completed();
  }

  /**
   * The candidate reaches a question: its text is handed out and its think time starts, once (a reload, or a second
   * call, changes nothing). A question's turn comes once every question before it was recorded (a take started: its
   * upload and submit may still be on their way); the others wait.
   */
  async openQuestion(token: string, questionId: string): Promise<CandidateInterviewView> {
    const interview = await this.openForRecording(token);
    const repo = new InterviewRepository(this.ctx.db);
    const questions = await repo.questionsOf(interview.id);
    const question = questions.find((q) => q.id === questionId);
    if (!question) throw new AppError('question_not_found', 'This question is not part of your interview');
    const recorded = new Set((await new AnswerRepository(this.ctx.db).listForInterview(interview.id)).map((a) => a.interview_question_id));
    if (questions.slice(0, questions.indexOf(question)).some((q) => !recorded.has(q.id))) {
      throw new AppError('question_not_current', 'Answer the questions in order: this one comes later');
    }
    const now = this.ctx.clock.now();
    await repo.markQuestionOpened(question.id, now);
    await repo.transition(interview.id, ['pending'], { status: 'in_progress', started_at: now, updated_at: now });
    return this.view(token);
  }

  async start(token: string): Promise<CandidateInterviewView> {
    const interview = await this.openForRecording(token);
    const now = this.ctx.clock.now();
    await new InterviewRepository(this.ctx.db).transition(interview.id, ['pending'], { status: 'in_progress', started_at: now, updated_at: now });
    return this.view(token);
  }

  async view(token: string): Promise<CandidateInterviewView> {
    const row = await this.open(token);
    const position = (await new PositionRepository(this.ctx.db).find(row.workspace_id, row.position_id))!;
    const common = {
      status: row.status,
      submitted: row.submitted_at !== null,
      expiresAt: row.expires_at,
      expiresInSeconds: row.expires_at === null ? null : Math.max(0, Math.floor((row.expires_at - this.ctx.clock.now()) / 1000)),
      limits: { maxChunkBytes: MAX_CHUNK_BYTES, bytesPerSecond: BYTES_PER_SECOND },
    };
    // A closed link tells whoever holds it only that it is closed: not the questions (a re-invited candidate could
    // prepare), the intro or the name of the person it was sent to (a mistyped address).
    if (row.status === 'expired' || row.status === 'cancelled' || row.status === 'completed') {
      return { ...common, candidateFirstName: '', position: { name: position.name, introMessage: '' }, questions: [] };
    }
    const questions = await new InterviewRepository(this.ctx.db).questionsOf(row.id);
    const answers = new AnswerRepository(this.ctx.db);
    const takes = await answers.listForInterview(row.id);
    const views: CandidateQuestionView[] = [];
    const now = this.ctx.clock.now();
    for (const [index, q] of questions.entries()) {
      const mine = takes.filter((t) => t.interview_question_id === q.id);
      const open = mine.filter((t) => t.status === 'recording').at(-1);
      // Recorded before the question kept when it was opened: opened all the same.
      const opened = q.opened_at !== null || mine.length > 0;
      const thinking = q.opened_at === null ? (opened ? 0 : null) : Math.max(0, q.think_time_seconds - Math.floor((now - Number(q.opened_at)) / 1000));
      views.push({
        id: q.id,
        index,
        title: opened ? q.title : '',
        description: opened ? q.description : '',
        opened,
        thinkTimeSeconds: q.think_time_seconds,
        thinkTimeLeftSeconds: thinking,
        maxAnswerSeconds: q.max_answer_seconds,
        retakes: q.retakes,
        takesUsed: mine.length,
        answered: mine.some((t) => t.status === 'submitted' || t.status === 'ready' || t.status === 'failed'),
        openTake: open ? await this.openTakeView(answers, open) : null,
      });
    }
    return {
      ...common,
      candidateFirstName: row.candidate_first_name,
      position: { name: position.name, introMessage: position.intro_message },
      questions: views,
    };
  }

  private async openTakeView(answers: AnswerRepository, open: AnswersTable): Promise<NonNullable<CandidateQuestionView['openTake']>> {
    const chunks = await answers.chunksOf(open.id);
    const last = chunks.reduce((latest, c) => Math.max(latest, Number(c.created_at)), -Infinity);
    return {
      answerId: open.id,
      take: open.take,
      mimeType: open.mime_type,
      receivedChunks: chunks.map((c) => c.seq),
      bytesReceived: open.bytes_received,
      lastChunkSecondsAgo: chunks.length ? Math.max(0, Math.floor((this.ctx.clock.now() - last) / 1000)) : null,
    };
  }

  async tokenForShortCode(hash: string): Promise<string> {
    const found = await new InterviewRepository(this.ctx.db).findByHash(hash);
    if (!found) throw new AppError('link_not_found', 'This interview link is not valid. Check the link in your email.');
    return found.token;
  }
}
