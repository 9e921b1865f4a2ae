import type { AppContext } from '../app-context.ts';
import type { DbExecutor } from '../db/database.ts';
import type { EmailKind, EmailsTable } from '../db/schema.ts';
import type { JobHandler } from '../jobs/job-worker.ts';
import { decodeCursor, pageOf } from '../shared/cursor.ts';
import { newId } from '../shared/ids.ts';
import { EmailRepository } from './email.repository.ts';
import type { RenderedEmail } from './email-templates.ts';
import type { Mailer } from './mailer.ts';

export const SEND_EMAIL_JOB = 'email.send';
// With the backoff below (2 s doubling to an hourly cap) 40 tries span about 30 hours.
const SEND_EMAIL_ATTEMPTS = 40;

export interface EmailView {
  id: string;
  kind: EmailKind;
  to: string;
  subject: string;
  text: string;
  html: string;
  status: EmailsTable['status'];
  transport: EmailsTable['transport'];
  attempts: number;
  lastError: string | null;
  interviewId: string | null;
  createdAt: number;
  sentAt: number | null;
}

const toView = (e: EmailsTable): EmailView => ({
  id: e.id,
  kind: e.kind,
  to: e.to_address,
  subject: e.subject,
  text: e.text_body,
  html: e.html_body,
  status: e.status,
  transport: e.transport,
  attempts: e.attempts,
  lastError: e.last_error,
  interviewId: e.interview_id,
  createdAt: e.created_at,
  sentAt: e.sent_at,
});

export class EmailService {
  constructor(
    private readonly ctx: AppContext,
    private readonly mailer: Mailer,
  ) {}

  /** Records the email and its send job in the caller's transaction: committed means it will be sent. */
  async queue(
    executor: DbExecutor,
    email: RenderedEmail & { kind: EmailKind; to: string; workspaceId: string | null; interviewId?: string | null },
  ): Promise<string> {
    const id = newId();
    await new EmailRepository(executor).insert({
      id,
      workspace_id: email.workspaceId,
      interview_id: email.interviewId ?? null,
      kind: email.kind,
      to_address: email.to,
      subject: email.subject,
      text_body: email.text,
      html_body: email.html,
      status: 'queued',
      transport: null,
      attempts: 0,
      last_error: null,
      sent_at: null,
      created_at: this.ctx.clock.now(),
    });
    await this.ctx.jobs.enqueue({ name: SEND_EMAIL_JOB, payload: { emailId: id }, uniqueKey: `email:${id}`, maxAttempts: SEND_EMAIL_ATTEMPTS }, executor);
    return id;
  }

  async list(workspaceId: string, filter: { interviewId?: string; to?: string; limit: number; cursor?: string }) {
    const before = filter.cursor ? decodeCursor(filter.cursor) : undefined;
    const { page, nextCursor } = pageOf(await new EmailRepository(this.ctx.db).list(workspaceId, { ...filter, before }), filter.limit);
    return { items: page.map(toView), nextCursor };
  }

  sendJob(): JobHandler {
    return {
      // 2 s, 4 s, 8 s ... capped at an hour: a mail server that is down for a day still gets the email.
      backoffMs: (attempt) => Math.min(2000 * 2 ** (attempt - 1), 3600_000),
      run: async ({ emailId }: { emailId: string }, { attempt }) => {
        const repo = new EmailRepository(this.ctx.db);
        const email = await repo.find(emailId);
        if (!email || email.status === 'sent') return;
        try {
          await this.mailer.send({ to: email.to_address, subject: email.subject, text: email.text_body, html: email.html_body });
        } catch (error) {
          // The queue gives up after the last try; the outbox must say so instead of "queued" forever.
          const status = attempt >= SEND_EMAIL_ATTEMPTS ? 'failed' : 'queued';
          await repo.update(emailId, { status, attempts: attempt, last_error: String((error as Error).message ?? error) });
          throw error;
        }
        await repo.update(emailId, { status: 'sent', transport: this.mailer.transport, attempts: attempt, last_error: null, sent_at: this.ctx.clock.now() });
      },
      givenUp: async ({ emailId }: { emailId: string }, { maxAttempts }, error) => {
        await new EmailRepository(this.ctx.db).markFailedUnlessSent(emailId, maxAttempts, error);
      },
    };
  }
}
