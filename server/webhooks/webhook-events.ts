import type { AppContext } from '../app-context.ts';
import type { Tx } from '../db/database.ts';
import type { WebhookEventName } from '../db/schema.ts';
import type { HireflixInterview, HireflixInterviews } from '../hireflix/hireflix-interview.ts';
import { newId } from '../shared/ids.ts';
import { WebhookRepository } from './webhook.repository.ts';

/**
 * The outbox: an event and one delivery per subscribed webhook, written in the transaction of the
 * change that caused it, so a crash can lose neither the change's event nor an event of a rolled-back change.
 */
export class WebhookEvents {
  private listeners = new Set<() => void>();

  constructor(
    private readonly ctx: AppContext,
    private readonly hireflix: HireflixInterviews,
  ) {}

  async emit(trx: Tx, workspaceId: string, event: WebhookEventName, interviewId: string, data?: HireflixInterview): Promise<void> {
    const payload = data ?? (await this.hireflix.build(trx, interviewId));
    if (!payload) return;
    const now = this.ctx.clock.now();
    const repo = new WebhookRepository(trx);
    // Compact JSON.stringify output: Hireflix's verifier re-serialises the parsed body and must get these bytes.
    const body = JSON.stringify({ event, data: payload, date: now });
    const seq = await repo.insertEvent({ id: `msg_${newId()}`, workspace_id: workspaceId, interview_id: interviewId, event, body, created_at: now });
    const subscribed = (await repo.listActive(workspaceId)).filter((w) => (JSON.parse(w.events) as string[]).includes(event));
    await repo.queueDeliveries(subscribed.map((w) => w.id), seq, interviewId, now);
    for (const listener of this.listeners) listener();
  }

  /** Lets the in-process dispatcher start at once instead of at its next poll. */
  onEmit(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
