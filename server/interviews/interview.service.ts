import type { AppContext } from '../app-context.ts';
import { AnswerRepository } from '../answers/answer.repository.ts';
import { interviewFolder } from '../answers/recording-limits.ts';
import type { StorageGarbage } from '../storage/storage-garbage.ts';
import { isUniqueViolation, type Tx } from '../db/database.ts';
import type { Decision, InterviewStatus, InterviewsTable } from '../db/schema.ts';
import type { HireflixInterview, HireflixInterviews } from '../hireflix/hireflix-interview.ts';
import type { WebhookEvents } from '../webhooks/webhook-events.ts';
import { invitationEmail, reminderEmail } from '../email/email-templates.ts';
import type { EmailService } from '../email/email.service.ts';
import { PositionRepository } from '../positions/position.repository.ts';
import { toQuestionView } from '../positions/position.service.ts';
import { decodeCursor, encodeCursor, pageOf } from '../shared/cursor.ts';
import { emailKey } from '../shared/email-address.ts';
import { AppError, validationFailed, type FieldError } from '../shared/errors.ts';
import { newCode, newId, newSecretToken } from '../shared/ids.ts';
import { WorkspaceRepository } from '../workspaces/workspace.repository.ts';
import type { InterviewExpiry } from './interview-expiry.ts';
import { interviewUrls } from './interview-links.ts';
import { candidateOf } from './interview-candidate.ts';
import { InterviewRepository, type InterviewFilter, type InterviewRow } from './interview.repository.ts';
import { CandidateInput, type BulkInviteReportT, type CandidateInputT, type InterviewDetailView, type InterviewView } from './interview.schemas.ts';
import type { z } from '@hono/zod-openapi';
import type { InterviewUpdate } from './interview.schemas.ts';

export type { InterviewFilter, InterviewState, ScoreCondition } from './interview.repository.ts';

export const REMINDER_JOB = 'interview.reminder';
export const EXPIRY_SWEEP_JOB = 'interview.expiry-sweep';
const LIVE: InterviewStatus[] = ['pending', 'in_progress'];

export interface InviteOptions {
  metadata?: unknown;
}

/** Splits "Ada King Lovelace" into "Ada" and "King Lovelace" when only a full name is given. */
export function splitName(c: { name?: string | null; firstName?: string | null; lastName?: string | null }) {
  if (c.firstName) return { firstName: c.firstName, lastName: c.lastName ?? '' };
  const [first = '', ...rest] = (c.name ?? '').trim().split(/\s+/);
  return { firstName: first, lastName: rest.join(' ') };
}

export class InterviewService {
  constructor(
    private readonly ctx: AppContext,
    private readonly emails: EmailService,
    private readonly garbage: StorageGarbage,
    private readonly webhookEvents: WebhookEvents,
    private readonly hireflix: HireflixInterviews,
    private readonly expiry: InterviewExpiry,
  ) {}

  toView(row: InterviewRow): InterviewView {
    return {
      id: row.id,
      position: { id: row.position_id, name: row.position_name },
      hash: row.hash,
      status: row.status,
      decision: row.decision,
      candidate: candidateOf(row),
      externalId: row.external_id,
      reviewerId: row.reviewer_user_id,
      score: row.score,
      expiresAt: row.expires_at,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      startedAt: row.started_at,
      submittedAt: row.submitted_at,
      completedAt: row.completed_at,
      cancelledAt: row.cancelled_at,
      expiredAt: row.expired_at,
      decidedAt: row.decided_at,
      url: interviewUrls(this.ctx.config.publicBaseUrl, row),
    };
  }

  async get(workspaceId: string, id: string): Promise<InterviewDetailView> {
    const repo = new InterviewRepository(this.ctx.db);
    const found = await repo.find(workspaceId, id);
    if (!found) throw new AppError('interview_not_found', 'Interview not found');
    // Every edit, cancel and resend starts here, so a passed deadline is never reopened before the sweep runs.
    const row = await this.expiry.expireIfDue(found);
    return { ...this.toView(row), questions: (await repo.questionsOf(id)).map(toQuestionView) };
  }

  async list(
    workspaceId: string,
    q: { positionId?: string; status?: InterviewStatus[]; decision?: Decision | 'undecided'; email?: string; search?: string; cursor?: string; limit: number },
  ) {
    // Lists see deadlines on sight too, as single reads do, instead of waiting for the sweep.
    await this.expiry.expireAllDue();
    const rows = await new InterviewRepository(this.ctx.db).list(workspaceId, {
      positionId: q.positionId,
      statuses: q.status,
      decision: q.decision,
      emailKey: q.email ? emailKey(q.email) : undefined,
      search: q.search?.trim() || undefined,
      cursor: q.cursor ? decodeCursor(q.cursor) : undefined,
      limit: q.limit,
    });
    const { page, nextCursor } = pageOf(rows, q.limit);
    return { items: page.map((r) => this.toView(r)), nextCursor };
  }

  /** The interview as Hireflix's API and webhooks show it (../hireflix/hireflix-interview.ts). */
  async getHireflix(workspaceId: string, id: string): Promise<HireflixInterview> {
    const found = await new InterviewRepository(this.ctx.db).find(workspaceId, id);
    if (!found) throw new AppError('interview_not_found', 'Interview not found');
    return this.hireflix.fromRow(this.ctx.db, await this.expiry.expireIfDue(found));
  }

  /**
   * A page of Hireflix interviews in (createdAt, id) `order`, after `cursor`, or before it when `backward`;
   * `lastCursor` continues in the same direction (the cursor given when the page is empty).
   */
  async listHireflix(
    workspaceId: string,
    filter: InterviewFilter,
    page: { cursor?: string; order: 'asc' | 'desc'; backward?: boolean; limit: number },
  ): Promise<{ items: HireflixInterview[]; lastCursor: string | null; total: number }> {
    await this.expiry.expireAllDue();
    const repo = new InterviewRepository(this.ctx.db);
    const cursor = page.cursor ? decodeCursor(page.cursor) : undefined;
    const walk = page.backward ? (page.order === 'asc' ? 'desc' : 'asc') : page.order;
    const rows = (await repo.list(workspaceId, { ...filter, cursor, order: walk, limit: page.limit })).slice(0, page.limit);
    const last = rows.at(-1);
    if (page.backward) rows.reverse();
    return {
      items: await Promise.all(rows.map((row) => this.hireflix.fromRow(this.ctx.db, row))),
      lastCursor: last ? encodeCursor(last.created_at, last.id) : (page.cursor ?? null),
      total: await repo.count(workspaceId, filter),
    };
  }

  async invite(workspaceId: string, positionId: string, input: CandidateInputT, options: InviteOptions = {}): Promise<InterviewDetailView> {
    const position = await this.invitablePosition(workspaceId, positionId);
    await this.checkDeadlineAndReviewer(workspaceId, input);
    const { firstName, lastName } = splitName(input);
    const email = input.email.trim();
    const now = this.ctx.clock.now();
    const id = newId();
    const token = newSecretToken();
    try {
      await this.ctx.db.transaction().execute(async (trx) => {
        const repo = new InterviewRepository(trx);
        if (await repo.findLiveByEmail(positionId, emailKey(email))) {
          throw new AppError('already_invited', `${email} already has an open invitation to this position`, { fields: [{ path: 'email', message: 'already invited' }] });
        }
        if (input.externalId && (await repo.findLiveByExternalId(positionId, input.externalId))) {
          throw new AppError('external_id_taken', `External id ${input.externalId} is already used in this position`, {
            fields: [{ path: 'externalId', message: 'already used' }],
          });
        }
        await repo.insert({
          id,
          workspace_id: workspaceId,
          position_id: positionId,
          hash: newCode(22),
          token,
          candidate_first_name: firstName,
          candidate_last_name: lastName,
          candidate_email: email,
          candidate_email_key: emailKey(email),
          candidate_phone: input.phone ?? null,
          external_id: input.externalId ?? null,
          metadata: options.metadata === undefined ? null : JSON.stringify(options.metadata),
          status: 'pending',
          decision: null,
          decided_at: null,
          reviewer_user_id: input.reviewerId ?? null,
          notifications_disabled: input.sendEmail ? 0 : 1,
          score: null,
          expires_at: input.expiresAt ?? null,
          created_at: now,
          updated_at: now,
          started_at: null,
          completed_at: null,
          cancelled_at: null,
          expired_at: null,
          submitted_at: null,
        });
        // The candidate answers the questions as they are now; later template edits do not reach them.
        await repo.insertQuestions(
          position.questions.map((q) => ({
            id: newId(),
            interview_id: id,
            source_question_id: q.id,
            sort_order: q.sort_order,
            title: q.title,
            description: q.description,
            think_time_seconds: q.think_time_seconds,
            max_answer_seconds: q.max_answer_seconds,
            retakes: q.retakes,
            opened_at: null,
          })),
        );
        if (input.sendEmail) await this.queueInvitationEmail(trx, id);
        await this.webhookEvents.emit(trx, workspaceId, 'interview.create', id);
        await this.scheduleReminder(trx, id, input.expiresAt ?? null);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('already_invited', `${email} already has an open invitation to this position`);
      throw error;
    }
    return this.get(workspaceId, id);
  }

  /** Invites each row on its own: one bad row is reported and the others still go out. */
  async bulkInvite(
    workspaceId: string,
    positionId: string,
    rows: Record<string, unknown>[],
    defaults: { expiresAt?: number | null; sendEmail: boolean },
  ): Promise<BulkInviteReportT> {
    await this.invitablePosition(workspaceId, positionId);
    const report: BulkInviteReportT = { created: 0, rejected: 0, rows: [] };
    for (const [index, raw] of rows.entries()) {
      const email = typeof raw.email === 'string' ? raw.email : null;
      const parsed = CandidateInput.safeParse({ sendEmail: defaults.sendEmail, ...raw, expiresAt: raw.expiresAt ?? defaults.expiresAt ?? undefined });
      if (!parsed.success) {
        const fields: FieldError[] = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
        report.rejected++;
        report.rows.push({
          row: index + 1,
          email,
          status: 'rejected',
          error: { code: 'validation_failed', message: fields.map((f) => `${f.path}: ${f.message}`).join('; '), fields },
        });
        continue;
      }
      try {
        const interview = await this.invite(workspaceId, positionId, parsed.data);
        const { questions: _q, ...view } = interview;
        report.created++;
        report.rows.push({ row: index + 1, email, status: 'created', interview: view });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        report.rejected++;
        report.rows.push({ row: index + 1, email, status: 'rejected', error: error.toBody().error as { code: string; message: string } });
      }
    }
    return report;
  }

  async update(workspaceId: string, id: string, input: z.infer<typeof InterviewUpdate>): Promise<InterviewDetailView> {
    const current = await this.get(workspaceId, id);
    if (!LIVE.includes(current.status)) {
      throw new AppError('interview_locked', `A ${current.status.replace('_', ' ')} interview cannot be edited`);
    }
    if (current.submittedAt !== null) throw new AppError('interview_locked', 'The candidate has already submitted this interview; it cannot be edited');
    await this.checkDeadlineAndReviewer(workspaceId, input);
    const email = input.email?.trim();
    try {
      await this.ctx.db.transaction().execute(async (trx) => {
        const repo = new InterviewRepository(trx);
        if (email && emailKey(email) !== emailKey(current.candidate.email)) {
          const other = await repo.findLiveByEmail(current.position.id, emailKey(email));
          if (other && other.id !== id) throw new AppError('already_invited', `${email} already has an open invitation to this position`);
        }
        if (input.externalId && input.externalId !== current.externalId) {
          const other = await repo.findLiveByExternalId(current.position.id, input.externalId);
          if (other && other.id !== id) throw new AppError('external_id_taken', `External id ${input.externalId} is already used in this position`);
        }
        const changed = await repo.transition(id, LIVE, {
          ...(input.firstName !== undefined && { candidate_first_name: input.firstName }),
          ...(input.lastName !== undefined && { candidate_last_name: input.lastName }),
          ...(email !== undefined && { candidate_email: email, candidate_email_key: emailKey(email) }),
          ...(input.phone !== undefined && { candidate_phone: input.phone }),
          ...(input.externalId !== undefined && { external_id: input.externalId }),
          ...(input.expiresAt !== undefined && { expires_at: input.expiresAt }),
          ...(input.reviewerId !== undefined && { reviewer_user_id: input.reviewerId }),
          updated_at: this.ctx.clock.now(),
        }, { unsubmitted: true });
        if (!changed) throw new AppError('interview_locked', 'The interview was submitted or closed meanwhile');
        if (input.expiresAt !== undefined) await this.scheduleReminder(trx, id, input.expiresAt);
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AppError('already_invited', 'That email or external id is already used in this position');
      throw error;
    }
    return this.get(workspaceId, id);
  }

  async cancel(workspaceId: string, id: string): Promise<InterviewDetailView> {
    const current = await this.get(workspaceId, id);
    const now = this.ctx.clock.now();
    // Once the candidate submitted every answer, the interview completes by itself as they are processed:
    // nothing to cancel then. One whose processing failed for good (and is not being retried) can be closed.
    const processing = () => new AppError('invalid_state', 'The candidate has submitted this interview and its answers are being processed; it completes by itself');
    const submitted = current.submittedAt !== null;
    if (submitted && (await this.answersInProcessing(id))) throw processing();
    const changed = await this.changeStatus(workspaceId, id, LIVE, { status: 'cancelled', cancelled_at: now, updated_at: now }, { unsubmitted: !submitted });
    if (!changed) {
      const latest = await this.get(workspaceId, id);
      throw !submitted && latest.submittedAt !== null ? processing() : new AppError('invalid_state', `A ${latest.status.replace('_', ' ')} interview cannot be cancelled`);
    }
    return this.get(workspaceId, id);
  }

  private async answersInProcessing(interviewId: string): Promise<boolean> {
    return (await new AnswerRepository(this.ctx.db).listForInterview(interviewId)).some((a) => a.status === 'submitted');
  }

  async resend(workspaceId: string, id: string): Promise<InterviewDetailView> {
    const current = await this.get(workspaceId, id);
    if (!LIVE.includes(current.status)) throw new AppError('invalid_state', `A ${current.status.replace('_', ' ')} interview cannot be resent`);
    if (current.submittedAt !== null) throw new AppError('invalid_state', 'The candidate has already submitted this interview; there is nothing to remind them of');
    await this.ctx.db.transaction().execute((trx) => this.queueInvitationEmail(trx, id));
    return current;
  }

  /** Removes the interview and everything the candidate recorded. */
  async delete(workspaceId: string, id: string): Promise<InterviewView> {
    const current = await this.get(workspaceId, id);
    await this.ctx.db.transaction().execute(async (trx) => {
      // Locked first, so a cancel or decision at the same moment is either wholly before the delete event or not at all.
      await new InterviewRepository(trx).lock(id);
      // The ATS gets the interview as it was, stamped with its deletion time.
      const payload = await this.hireflix.build(trx, id, this.ctx.clock.now());
      if (payload) await this.webhookEvents.emit(trx, workspaceId, 'interview.delete', id, payload);
      // The rows go now; their recordings are removed from storage by a durable job.
      await this.garbage.add(trx, await new AnswerRepository(trx).storageKeysOfInterview(id));
      await this.garbage.addFolders(trx, [interviewFolder(id)]);
      await new InterviewRepository(trx).delete(id);
    });
    const { questions: _q, ...view } = current;
    return view;
  }

  async decide(workspaceId: string, id: string, decision: Decision | null): Promise<InterviewDetailView> {
    const current = await this.get(workspaceId, id);
    if (current.status !== 'completed') throw new AppError('invalid_state', 'Only a completed interview can be shortlisted or discarded');
    if (current.decision !== decision) {
      const now = this.ctx.clock.now();
      await this.changeStatus(workspaceId, id, ['completed'], { decision, decided_at: decision ? now : null, updated_at: now });
    }
    return this.get(workspaceId, id);
  }

  async sendReminder(interviewId: string, expiresAt: number): Promise<void> {
    const row = await new InterviewRepository(this.ctx.db).findAnywhere(interviewId);
    // A deadline that moved got its own reminder; a closed interview needs none.
    if (!row || !LIVE.includes(row.status) || row.expires_at !== expiresAt || row.expires_at <= this.ctx.clock.now()) return;
    // Invited with sendEmail=false: the ATS reaches the candidate itself.
    if (row.notifications_disabled) return;
    const workspace = await new WorkspaceRepository(this.ctx.db).findWorkspace(row.workspace_id);
    await this.ctx.db.transaction().execute((trx) =>
      this.emails.queue(trx, {
        kind: 'reminder',
        to: row.candidate_email,
        workspaceId: row.workspace_id,
        interviewId: row.id,
        ...reminderEmail({
          candidateName: row.candidate_first_name,
          positionName: row.position_name,
          workspaceName: workspace?.name ?? '',
          link: interviewUrls(this.ctx.config.publicBaseUrl, row).public,
          expiresAt,
        }),
      }),
    );
  }

  /** A status move and its interview.status-change event, in one transaction; 0 when the interview was not in `from`. */
  private changeStatus(workspaceId: string, id: string, from: InterviewStatus[], changes: Partial<InterviewsTable>, only: { unsubmitted?: boolean } = {}): Promise<number> {
    return this.ctx.db.transaction().execute(async (trx) => {
      const moved = await new InterviewRepository(trx).transition(id, from, changes, only);
      if (moved) await this.webhookEvents.emit(trx, workspaceId, 'interview.status-change', id);
      return moved;
    });
  }

  private async queueInvitationEmail(trx: Tx, id: string): Promise<void> {
    const row = await new InterviewRepository(trx).findAnywhere(id);
    if (!row) return;
    const workspace = await new WorkspaceRepository(trx).findWorkspace(row.workspace_id);
    await this.emails.queue(trx, {
      kind: 'invitation',
      to: row.candidate_email,
      workspaceId: row.workspace_id,
      interviewId: id,
      ...invitationEmail({
        candidateName: row.candidate_first_name,
        positionName: row.position_name,
        workspaceName: workspace?.name ?? '',
        link: interviewUrls(this.ctx.config.publicBaseUrl, row).public,
        expiresAt: row.expires_at,
      }),
    });
  }

  private async scheduleReminder(trx: Tx, id: string, expiresAt: number | null): Promise<void> {
    if (!expiresAt) return;
    const runAt = expiresAt - this.ctx.config.reminderBeforeExpiryMs;
    if (runAt <= this.ctx.clock.now()) return;
    await this.ctx.jobs.enqueue({ name: REMINDER_JOB, payload: { interviewId: id, expiresAt }, runAt, uniqueKey: `reminder:${id}:${expiresAt}` }, trx);
  }

  private async invitablePosition(workspaceId: string, positionId: string) {
    const repo = new PositionRepository(this.ctx.db);
    const position = await repo.find(workspaceId, positionId);
    if (!position) throw new AppError('position_not_found', 'Position not found');
    if (position.archived_at) throw new AppError('invalid_state', 'The position is archived; unarchive it to invite candidates');
    const questions = await repo.questionsOf([positionId]);
    if (questions.length === 0) throw new AppError('invalid_state', 'The position has no questions yet');
    return { ...position, questions };
  }

  private async checkDeadlineAndReviewer(workspaceId: string, input: { expiresAt?: number | null; reviewerId?: string | null }) {
    const fields: FieldError[] = [];
    const now = this.ctx.clock.now();
    if (input.expiresAt != null) {
      if (Number.isNaN(input.expiresAt)) fields.push({ path: 'expiresAt', message: 'is not a date' });
      else if (input.expiresAt <= now) fields.push({ path: 'expiresAt', message: 'must be in the future' });
      else if (input.expiresAt > now + 366 * 86400_000) fields.push({ path: 'expiresAt', message: 'must be within a year' });
    }
    if (input.reviewerId && !(await new WorkspaceRepository(this.ctx.db).findMembership(workspaceId, input.reviewerId))) {
      fields.push({ path: 'reviewerId', message: 'is not a member of this workspace' });
    }
    if (fields.length) throw validationFailed(fields);
  }
}
