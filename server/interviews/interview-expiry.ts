import type { AppContext } from '../app-context.ts';
import type { WebhookEvents } from '../webhooks/webhook-events.ts';
import { InterviewRepository, type InterviewRow } from './interview.repository.ts';

/**
 * The one place that expires invitations: on sight (a candidate opening the link, a recruiter editing)
 * and by the sweep. Each expiry is a status change that ATSs hear about.
 */
export class InterviewExpiry {
  constructor(
    private readonly ctx: AppContext,
    private readonly webhookEvents: WebhookEvents,
  ) {}

  /** Live, deadline passed, and the last answer not yet in (a submitted interview is completed by finalisation). */
  isDue(row: Pick<InterviewRow, 'status' | 'submitted_at' | 'expires_at'>, now = this.ctx.clock.now()): boolean {
    const live = row.status === 'pending' || row.status === 'in_progress';
    return live && !row.submitted_at && row.expires_at !== null && row.expires_at <= now;
  }

  async expireIfDue(row: InterviewRow): Promise<InterviewRow> {
    if (!this.isDue(row)) return row;
    await this.expire(row.workspace_id, row.id);
    return (await new InterviewRepository(this.ctx.db).findAnywhere(row.id))!;
  }

  /** The sweep: every invitation past its deadline; returns how many expired. */
  async expireAllDue(): Promise<number> {
    const now = this.ctx.clock.now();
    const repo = new InterviewRepository(this.ctx.db);
    let total = 0;
    for (;;) {
      const due = await repo.dueForExpiry(now, 200);
      for (const row of due) total += await this.expire(row.workspace_id, row.id);
      if (due.length < 200) return total;
    }
  }

  private expire(workspaceId: string, id: string): Promise<number> {
    const now = this.ctx.clock.now();
    return this.ctx.db.transaction().execute(async (trx) => {
      // Not once the candidate has submitted: the deadline was met, and the interview completes when processed.
      const moved = await new InterviewRepository(trx).transition(id, ['pending', 'in_progress'], { status: 'expired', expired_at: now, updated_at: now }, { unsubmitted: true });
      if (moved) await this.webhookEvents.emit(trx, workspaceId, 'interview.status-change', id);
      return moved;
    });
  }
}
