import type { AppContext } from '../app-context.ts';
import { retryOnDeadlock } from '../db/deadlock-retry.ts';
import { WEBHOOK_EVENTS, type DeliveryStatus, type WebhookEventName, type WebhooksTable } from '../db/schema.ts';
import { decodeCursor, decodeSeqCursor, encodeSeqCursor, pageOf } from '../shared/cursor.ts';
import { AppError } from '../shared/errors.ts';
import { newId } from '../shared/ids.ts';
import { WorkspaceRepository } from '../workspaces/workspace.repository.ts';
import type { WebhookDispatcher } from './webhook-dispatcher.ts';
import { assertWebhookUrlAllowed } from './webhook-url-guard.ts';
import { newWebhookSecret } from './webhook-signature.ts';
import { PAUSED, WebhookRepository } from './webhook.repository.ts';

/** How long deliveries keep signing with the previous secret after a rotation. */
export const SECRET_ROTATION_WINDOW_MS = 24 * 3600_000;

export interface WebhookView {
  id: string;
  url: string;
  events: WebhookEventName[];
  active: boolean;
  description: string;
  disabledReason: string | null;
  createdAt: number;
  updatedAt: number;
}

const toView = (w: WebhooksTable): WebhookView => ({
  id: w.id,
  url: w.url,
  events: JSON.parse(w.events),
  active: w.active === 1,
  description: w.description,
  disabledReason: w.disabled_reason,
  createdAt: w.created_at,
  updatedAt: w.updated_at,
});

export interface WebhookInput {
  url: string;
  events: WebhookEventName[];
  active?: boolean;
  description?: string;
}

/** Webhook endpoints of a workspace, its signing secret, and the delivery log. */
export class WebhookService {
  constructor(
    private readonly ctx: AppContext,
    /** This process's dispatcher: woken for a new delivery, told when a webhook stops. */
    private readonly dispatcher: Pick<WebhookDispatcher, 'wake' | 'halt'>,
  ) {}

  async list(workspaceId: string): Promise<WebhookView[]> {
    return (await new WebhookRepository(this.ctx.db).list(workspaceId)).map(toView);
  }

  async get(workspaceId: string, id: string): Promise<WebhookView> {
    const webhook = await new WebhookRepository(this.ctx.db).find(workspaceId, id);
    if (!webhook) throw new AppError('not_found', 'Webhook not found');
    return toView(webhook);
  }

  async create(workspaceId: string, input: WebhookInput): Promise<WebhookView> {
    const url = await assertWebhookUrlAllowed(input.url, this.ctx.config.webhooks.allowPrivateUrls);
    const now = this.ctx.clock.now();
    const id = newId();
    await new WebhookRepository(this.ctx.db).insert({
      id,
      workspace_id: workspaceId,
      url: url.toString(),
      events: JSON.stringify(normalizeEvents(input.events)),
      active: input.active === false ? 0 : 1,
      description: input.description ?? '',
      disabled_reason: null,
      created_at: now,
      updated_at: now,
    });
    return this.get(workspaceId, id);
  }

  async update(workspaceId: string, id: string, input: Partial<WebhookInput>): Promise<WebhookView> {
    const current = await this.get(workspaceId, id);
    const url = input.url === undefined ? undefined : (await assertWebhookUrlAllowed(input.url, this.ctx.config.webhooks.allowPrivateUrls)).toString();
    // A pause cancels the webhook's queued deliveries while a dispatcher may be writing outcomes of some of them.
    await retryOnDeadlock(() => this.ctx.db.transaction().execute(async (trx) => {
      const repo = new WebhookRepository(trx);
      await repo.update(id, {
        ...(url !== undefined && { url }),
        ...(input.events !== undefined && { events: JSON.stringify(normalizeEvents(input.events)) }),
        ...(input.description !== undefined && { description: input.description }),
        // Turning a webhook back on clears why it was off.
        ...(input.active !== undefined && { active: input.active ? 1 : 0, disabled_reason: input.active ? null : current.disabledReason }),
        updated_at: this.ctx.clock.now(),
      });
      // Paused: what it had queued is cancelled now, including what a dispatcher holds (see cancelOpenDeliveries).
      if (input.active === false) await repo.cancelOpenDeliveries(id, PAUSED);
    }));
    if (input.active === false) this.dispatcher.halt(id);
    return this.get(workspaceId, id);
  }

  async delete(workspaceId: string, id: string): Promise<void> {
    const result = await new WebhookRepository(this.ctx.db).delete(workspaceId, id);
    if (!Number(result.numDeletedRows)) throw new AppError('not_found', 'Webhook not found');
    this.dispatcher.halt(id);
  }

  async secret(workspaceId: string): Promise<{ secret: string; previousSecretValidUntil: number | null }> {
    const workspace = await new WorkspaceRepository(this.ctx.db).findWorkspace(workspaceId);
    if (!workspace) throw new AppError('not_found', 'Workspace not found');
    const until = workspace.webhook_secret_previous_until;
    return { secret: workspace.webhook_secret, previousSecretValidUntil: until && until > this.ctx.clock.now() ? until : null };
  }

  /** A new secret; the old one keeps signing (Standard Webhooks header) for a day so receivers can switch. */
  async rotateSecret(workspaceId: string): Promise<{ secret: string; previousSecretValidUntil: number }> {
    const until = this.ctx.clock.now() + SECRET_ROTATION_WINDOW_MS;
    const secret = newWebhookSecret();
    // Two rotations at once: the second reads the first's secret as the previous one, so none is lost.
    await this.ctx.db.transaction().execute(async (trx) => {
      const repo = new WorkspaceRepository(trx);
      await repo.lockWorkspace(workspaceId);
      const workspace = await repo.findWorkspace(workspaceId);
      if (!workspace) throw new AppError('not_found', 'Workspace not found');
      await repo.updateWebhookSecret(workspaceId, { webhook_secret: secret, webhook_secret_previous: workspace.webhook_secret, webhook_secret_previous_until: until });
    });
    return { secret, previousSecretValidUntil: until };
  }

  async deliveries(workspaceId: string, webhookId: string, page: { limit: number; cursor?: string }) {
    await this.get(workspaceId, webhookId);
    const rows = await new WebhookRepository(this.ctx.db).listDeliveries(webhookId, page.limit, page.cursor ? decodeCursor(page.cursor) : undefined);
    const { page: items, nextCursor } = pageOf(rows, page.limit);
    return {
      items: items.map((d) => {
        const status = this.shownStatus(d);
        return {
        id: d.id,
        eventId: d.event_id,
        event: d.event,
        interviewId: d.interview_id || null,
        status,
        attempts: d.attempts,
        nextAttemptAt: status === 'pending' ? d.next_attempt_at : null,
        lastStatusCode: d.last_status_code,
        lastError: d.last_error,
        createdAt: d.created_at,
        deliveredAt: d.delivered_at,
        };
      }),
      nextCursor,
    };
  }

  async delivery(workspaceId: string, webhookId: string, deliveryId: string) {
    await this.get(workspaceId, webhookId);
    const repo = new WebhookRepository(this.ctx.db);
    const d = await repo.findDelivery(webhookId, deliveryId);
    if (!d) throw new AppError('not_found', 'Delivery not found');
    const attempts = await repo.attemptsOf(deliveryId);
    return {
      id: d.id,
      eventId: d.event_id,
      event: d.event,
      status: this.shownStatus(d),
      body: d.body,
      attempts: attempts.map((a) => ({
        attempt: a.attempt,
        startedAt: a.started_at,
        durationMs: a.duration_ms,
        statusCode: a.status_code,
        error: a.error,
        responseExcerpt: a.response_excerpt,
      })),
    };
  }

  /** Sends a past event to this webhook again, as a new delivery with the same webhook-id. */
  async redeliver(workspaceId: string, webhookId: string, ref: { deliveryId?: string; eventId?: string }) {
    assertActive(await this.get(workspaceId, webhookId));
    const repo = new WebhookRepository(this.ctx.db);
    let event: { seq: number; interview_id: string } | undefined;
    if (ref.deliveryId) {
      const d = await repo.findDelivery(webhookId, ref.deliveryId);
      if (!d) throw new AppError('not_found', 'Delivery not found');
      event = { seq: d.event_seq, interview_id: d.interview_id };
    } else if (ref.eventId) {
      const e = await repo.findEvent(workspaceId, ref.eventId);
      if (!e) throw new AppError('not_found', 'Event not found');
      event = { seq: e.seq, interview_id: e.interview_id };
    } else {
      throw new AppError('validation_failed', 'Name a deliveryId or an eventId', { fields: [{ path: 'deliveryId', message: 'or eventId is required' }] });
    }
    const id = await this.queueDelivery(webhookId, event.seq, event.interview_id);
    return this.delivery(workspaceId, webhookId, id);
  }

  /** A `webhook.ping` event to this webhook only, through the normal delivery path and log. */
  async ping(workspaceId: string, webhookId: string) {
    const webhook = assertActive(await this.get(workspaceId, webhookId));
    const now = this.ctx.clock.now();
    const eventId = `msg_${newId()}`;
    const body = JSON.stringify({ event: 'webhook.ping', data: { webhookId, url: webhook.url, message: 'Test ping from your interview platform' }, date: now });
    const seq = await new WebhookRepository(this.ctx.db).insertEvent({ id: eventId, workspace_id: workspaceId, interview_id: '', event: 'webhook.ping', body, created_at: now });
    const id = await this.queueDelivery(webhookId, seq, `ping:${eventId}`);
    return this.delivery(workspaceId, webhookId, id);
  }

  async events(workspaceId: string, page: { limit: number; cursor?: string }) {
    const before = page.cursor ? decodeSeqCursor(page.cursor) : undefined;
    const rows = await new WebhookRepository(this.ctx.db).listEvents(workspaceId, page.limit, before);
    const items = rows.slice(0, page.limit);
    const last = items.at(-1);
    return {
      items: items.map((e) => ({ id: e.id, event: e.event, interviewId: e.interview_id || null, createdAt: e.created_at })),
      nextCursor: rows.length > page.limit && last ? encodeSeqCursor(last.seq) : null,
    };
  }

  /** A claimed delivery stays pending in the table and carries a lease; while the lease runs it is being delivered. */
  private shownStatus(d: { status: DeliveryStatus; locked_until: number | null }): DeliveryStatus {
    return d.status === 'pending' && d.locked_until !== null && d.locked_until > this.ctx.clock.now() ? 'delivering' : d.status;
  }

  private async queueDelivery(webhookId: string, eventSeq: number, orderingKey: string): Promise<string> {
    const [id] = await new WebhookRepository(this.ctx.db).queueDeliveries([webhookId], eventSeq, orderingKey, this.ctx.clock.now());
    this.dispatcher.wake();
    return id!;
  }
}

/** A paused webhook sends nothing: a ping or redelivery queued for it would only be cancelled, so it is refused. */
function assertActive(webhook: WebhookView): WebhookView {
  if (!webhook.active) throw new AppError('webhook_inactive', 'This webhook is paused; activate it to send it events');
  return webhook;
}

function normalizeEvents(events: WebhookEventName[]): WebhookEventName[] {
  return WEBHOOK_EVENTS.filter((e) => events.includes(e));
}
