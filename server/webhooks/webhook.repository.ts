import { sql, type ExpressionBuilder } from 'kysely';
import { isPostgres, type DbExecutor } from '../db/database.ts';
import { afterCursor } from '../shared/cursor.ts';
import { newId } from '../shared/ids.ts';
import type { Database, WebhookAttemptsTable, WebhookDeliveriesTable, WebhooksTable } from '../db/schema.ts';

/** Pending deliveries a claim tests at a time on PostgreSQL: twice what it asks for, within these bounds. */
const CLAIM_WINDOW_MIN = 64;
const CLAIM_WINDOW_MAX = 512;

/** What an attempt sets on its delivery. */
export type DeliveryOutcome = Pick<WebhookDeliveriesTable, 'status' | 'attempts' | 'next_attempt_at' | 'last_status_code' | 'last_error' | 'delivered_at'>;

export class WebhookRepository {
  constructor(private readonly db: DbExecutor) {}

  insert(webhook: WebhooksTable) {
    return this.db.insertInto('webhooks').values(webhook).execute();
  }

  find(workspaceId: string, id: string) {
    return this.db.selectFrom('webhooks').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  }

  list(workspaceId: string) {
    return this.db.selectFrom('webhooks').selectAll().where('workspace_id', '=', workspaceId).orderBy('created_at').execute();
  }

  listActive(workspaceId: string) {
    return this.db.selectFrom('webhooks').selectAll().where('workspace_id', '=', workspaceId).where('active', '=', 1).execute();
  }

  update(id: string, changes: Partial<WebhooksTable>) {
    return this.db.updateTable('webhooks').set(changes).where('id', '=', id).execute();
  }

  delete(workspaceId: string, id: string) {
    return this.db.deleteFrom('webhooks').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  }

  insertEvent(event: { id: string; workspace_id: string; interview_id: string; event: string; body: string; created_at: number }) {
    return this.db
      .insertInto('webhook_events')
      .values(event)
      .returning('seq')
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.seq));
  }

  findEvent(workspaceId: string, eventId: string) {
    return this.db.selectFrom('webhook_events').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', eventId).executeTakeFirst();
  }

  listEvents(workspaceId: string, limit: number, beforeSeq?: number) {
    return this.db
      .selectFrom('webhook_events')
      .select(['seq', 'id', 'event', 'interview_id', 'created_at'])
      .where('workspace_id', '=', workspaceId)
      .$if(beforeSeq !== undefined, (q) => q.where('seq', '<', beforeSeq!))
      .orderBy('seq', 'desc')
      .limit(limit + 1)
      .execute();
  }

  /** New deliveries of one event, due now; `orderingKey` groups what must arrive in order (an interview). Returns their ids. */
  async queueDeliveries(webhookIds: string[], eventSeq: number, orderingKey: string, now: number): Promise<string[]> {
    if (webhookIds.length === 0) return [];
    const rows: WebhookDeliveriesTable[] = webhookIds.map((webhookId) => ({
      id: newId(),
      webhook_id: webhookId,
      event_seq: eventSeq,
      interview_id: orderingKey,
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      locked_by: null,
      locked_until: null,
      last_status_code: null,
      last_error: null,
      created_at: now,
      delivered_at: null,
    }));
    await this.db.insertInto('webhook_deliveries').values(rows).execute();
    return rows.map((r) => r.id);
  }

  /**
   * Due deliveries, at most one per webhook and interview: a later event waits while an earlier one of
   * the same interview is still pending, so a receiver gets them in order. SKIP LOCKED lets several
   * processes claim side by side on PostgreSQL.
   *
   * Cost matters: the dispatcher claims many times a second under load. Pending deliveries are tested in
   * due order (the (status, next_attempt_at) index), so a claim reads about what it takes instead of testing
   * and sorting the whole backlog. The test for an earlier open delivery looks at the nearest earlier one
   * first, so a waiting delivery is ruled out in one index step rather than a walk through the interview's
   * delivered history.
   */
  async claimDue(now: number, limit: number, lockedBy: string, leaseMs: number, options: { expiredLeases?: boolean } = {}) {
    const pg = isPostgres(this.db);
    const nothingOpenBefore = (eb: ExpressionBuilder<Database & { d: WebhookDeliveriesTable }, 'd'>) =>
      eb(
        eb
          .selectFrom('webhook_deliveries as e')
          .select('e.event_seq')
          .whereRef('e.webhook_id', '=', 'd.webhook_id')
          .whereRef('e.interview_id', '=', 'd.interview_id')
          .whereRef('e.event_seq', '<', 'd.event_seq')
          .where('e.status', 'in', ['pending', 'delivering'])
          .orderBy('e.event_seq', 'desc')
          .limit(1),
        'is',
        null,
      );
    // Leases of a process that died first: few, and older than what is pending behind them. A caller that
    // claims many times a second may look for them less often (`expiredLeases: false`).
    const expired =
      options.expiredLeases === false
        ? []
        : await this.db
            .selectFrom('webhook_deliveries as d')
            .select('d.id')
            .where('d.status', '=', 'delivering')
            .where('d.locked_until', '<', now)
            .where(nothingOpenBefore)
            .orderBy('d.event_seq')
            .limit(limit)
            .$if(pg, (q) => q.forUpdate().skipLocked())
            .execute();
    const pending: { id: string }[] = [];
    const wanted = () => limit - expired.length - pending.length;
    if (!pg && wanted() > 0) {
      // SQLite walks the (status, next_attempt_at) index in order and stops after `limit` claimable ones.
      pending.push(
        ...(await this.db
          .selectFrom('webhook_deliveries as d')
          .select('d.id')
          .where('d.status', '=', 'pending')
          .where('d.next_attempt_at', '<=', now)
          .where(nothingOpenBefore)
          .orderBy('d.next_attempt_at')
          .limit(wanted())
          .execute()),
      );
    }
    // PostgreSQL, whose planner may instead test every pending row and sort them (a bitmap scan, with statistics
    // that lag behind a burst), is given a window of candidates at a time.
    const window = Math.min(CLAIM_WINDOW_MAX, Math.max(CLAIM_WINDOW_MIN, 2 * limit));
    for (let offset = 0; pg && wanted() > 0; offset += window) {
      const candidates = await this.db
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(window)
        .offset(offset)
        .execute();
      if (candidates.length === 0) break;
      // One that another process took since it was read is left out by the update's test below.
      const found = await this.db
        .selectFrom('webhook_deliveries as d')
        .select('d.id')
        .where('d.id', 'in', candidates.map((c) => c.id))
        .where(nothingOpenBefore)
        .orderBy('d.next_attempt_at')
        .orderBy('d.id')
        .limit(wanted())
        .forUpdate()
        .skipLocked()
        .execute();
      pending.push(...found);
      // A full window that yielded too few: the first deliveries of a backlog all wait behind others; look further.
      if (candidates.length < window) break;
    }
    const due = [...expired, ...pending];
    if (due.length === 0) return [];
    return this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'delivering', locked_by: lockedBy, locked_until: now + leaseMs })
      .where('id', 'in', due.map((d) => d.id))
      // Still pending, or its lease ran out (another process may have taken it since it was read): tested as one
      // CASE, because as plain `status = ?` terms SQLite's planner (no statistics) walks the status index, i.e. every
      // pending row of the backlog, instead of looking up the ids.
      .where((eb) =>
        eb(
          eb
            .case()
            .when('status', '=', 'pending')
            .then(eb.lit(1))
            .when(eb.and([eb('status', '=', 'delivering'), eb('locked_until', '<', now)]))
            .then(eb.lit(1))
            .else(eb.lit(0))
            .end(),
          '=',
          eb.lit(1),
        ),
      )
      .returningAll()
      .execute();
  }

  /** Claimed deliveries this process will not send after all (it is stopping): due again at once. */
  async releaseClaims(ids: string[], lockedBy: string) {
    if (ids.length === 0) return;
    await this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', locked_by: null, locked_until: null })
      .where('id', 'in', ids)
      .where('locked_by', '=', lockedBy)
      .execute();
  }

  /** The delivery with what it needs to be sent: the event body and the webhook's URL and state. */
  loadForSending(deliveryIds: string[]) {
    if (deliveryIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_events as ev', 'ev.seq', 'd.event_seq')
      .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
      .innerJoin('workspaces as ws', 'ws.id', 'w.workspace_id')
      .select([
        'd.id',
        'd.attempts',
        'd.webhook_id',
        'ev.id as event_id',
        'ev.body',
        'ev.created_at as event_created_at',
        'w.url',
        'w.active',
        'ws.webhook_secret',
        'ws.webhook_secret_previous',
        'ws.webhook_secret_previous_until',
      ])
      .where('d.id', 'in', deliveryIds)
      .execute();
  }

  recordAttempt(attempt: WebhookAttemptsTable) {
    return this.db.insertInto('webhook_attempts').values(attempt).execute();
  }

  /** Several attempts in one statement (the dispatcher records what finished together in one transaction). */
  async recordAttempts(attempts: WebhookAttemptsTable[]) {
    if (attempts.length > 0) await this.db.insertInto('webhook_attempts').values(attempts).execute();
  }

  finishDelivery(id: string, lockedBy: string, changes: Partial<WebhookDeliveriesTable>) {
    return this.db
      .updateTable('webhook_deliveries')
      .set({ ...changes, locked_by: null, locked_until: null })
      .where('id', '=', id)
      .where('locked_by', '=', lockedBy)
      .execute();
  }

  /**
   * The outcomes of several attempts in one statement: UPDATE … FROM a VALUES list, one row per delivery (both
   * SQLite and PostgreSQL name its columns column1…; the casts in the first row give PostgreSQL their types).
   * A row no longer leased to `lockedBy` is left alone.
   */
  async finishDeliveries(lockedBy: string, outcomes: { id: string; changes: DeliveryOutcome }[]) {
    if (outcomes.length === 0) return;
    const rows = outcomes.map(({ id, changes: c }, i) =>
      i === 0
        ? sql`(cast(${id} as text), cast(${c.status} as text), cast(${c.attempts} as integer), cast(${c.next_attempt_at} as bigint), cast(${c.last_status_code} as integer), cast(${c.last_error} as text), cast(${c.delivered_at} as bigint))`
        : sql`(${id}, ${c.status}, ${c.attempts}, ${c.next_attempt_at}, ${c.last_status_code}, ${c.last_error}, ${c.delivered_at})`,
    );
    await sql`update webhook_deliveries as d
      set status = v.column2, attempts = v.column3, next_attempt_at = v.column4, last_status_code = v.column5, last_error = v.column6,
          delivered_at = v.column7, locked_by = null, locked_until = null
      from (values ${sql.join(rows)}) as v
      where d.id = v.column1 and d.locked_by = ${lockedBy}`.execute(this.db);
  }

  /** A 410 from the receiver: the webhook stops and what it still had queued is cancelled. */
  disable(webhookId: string, reason: string, now: number) {
    return Promise.all([
      this.db.updateTable('webhooks').set({ active: 0, disabled_reason: reason, updated_at: now }).where('id', '=', webhookId).execute(),
      this.db.updateTable('webhook_deliveries').set({ status: 'cancelled', last_error: reason }).where('webhook_id', '=', webhookId).where('status', '=', 'pending').execute(),
    ]);
  }

  listDeliveries(webhookId: string, limit: number, before?: { createdAt: number; id: string }) {
    return this.db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_events as ev', 'ev.seq', 'd.event_seq')
      .select([
        'd.id',
        'd.status',
        'd.attempts',
        'd.next_attempt_at',
        'd.last_status_code',
        'd.last_error',
        'd.created_at',
        'd.delivered_at',
        // The event's interview, not the delivery's ordering key (a ping's is "ping:<event id>").
        'ev.interview_id',
        'ev.id as event_id',
        'ev.event',
      ])
      .where('d.webhook_id', '=', webhookId)
      .$if(!!before, (q) => q.where(afterCursor('d', before!)))
      .orderBy('d.created_at', 'desc')
      .orderBy('d.id', 'desc')
      .limit(limit + 1)
      .execute();
  }

  findDelivery(webhookId: string, id: string) {
    return this.db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhook_events as ev', 'ev.seq', 'd.event_seq')
      .selectAll('d')
      .select(['ev.id as event_id', 'ev.event', 'ev.body'])
      .where('d.webhook_id', '=', webhookId)
      .where('d.id', '=', id)
      .executeTakeFirst();
  }

  attemptsOf(deliveryId: string) {
    return this.db.selectFrom('webhook_attempts').selectAll().where('delivery_id', '=', deliveryId).orderBy('attempt').execute();
  }
}
