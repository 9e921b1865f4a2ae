import type SQLite from 'better-sqlite3';
import { CompiledQuery, sql } from 'kysely';
import { isPostgres, keptPrepared, withSqlite, type DbExecutor } from '../db/database.ts';
import { afterCursor } from '../shared/cursor.ts';
import { newId } from '../shared/ids.ts';
import type { DeliveryStatus, WebhookDeliveriesTable, WebhooksTable } from '../db/schema.ts';

/** Why a paused webhook's queued deliveries are cancelled. */
export const PAUSED = 'webhook is inactive';

/** A claimed delivery with what sending it needs. */
export interface ClaimedDelivery {
  id: string;
  attempts: number;
  webhook_id: string;
  event_id: string;
  body: string;
  url: string;
  active: number;
  webhook_secret: string;
  webhook_secret_previous: string | null;
  webhook_secret_previous_until: number | null;
}

/**
 * Open deliveries of one webhook and interview, claimed together in event order: the group's oldest (due) and those
 * queued behind it. One slot sends them one after another, each only once the one before it succeeded, so the
 * followers need no unblocking in the database (see claim).
 */
export type ClaimedRun = ClaimedDelivery[];

/**
 * One attempt and the state it leaves its delivery in, by position (PostgreSQL's statement reads them column by column):
 * attempt id, delivery id, attempt number, started at, duration ms, status code, error, response excerpt, then the
 * delivery's new status, next attempt at, last error and delivered at, and whether a finished delivery makes the next of
 * its webhook and interview due (false when the same slot sends that one next, as part of their run).
 */
export type RecordedOutcome = [
  attemptId: string,
  deliveryId: string,
  attempt: number,
  startedAt: number,
  durationMs: number,
  statusCode: number | null,
  error: string | null,
  responseExcerpt: string | null,
  status: DeliveryStatus,
  nextAttemptAt: number,
  lastError: string | null,
  deliveredAt: number | null,
  unblocksNext: boolean,
];

// The oldest open delivery of the group (webhook and interview) of the row `group` names, as a scalar subquery: a
// stranded group's head, or with `after`, a finished delivery's successor, to unblock. The open index keeps the entries
// of finished deliveries until vacuum, and they sort first: a walk that starts after the finished one need not step
// over them (in bench:webhooks, 50 events an interview, no measurable change: PostgreSQL marks such entries dead as it
// passes them, and later walks skip them cheaply).
const nextOfGroup = (group: string, after = false) => `(select e.id from webhook_deliveries e where e.webhook_id = ${group}.webhook_id
    and e.interview_id = ${group}.interview_id and e.status = 'pending'${after ? ` and e.event_seq > ${group}.event_seq` : ''} order by e.event_seq limit 1)`;

// Statuses are literals, not parameters: only then may the planners use the partial indexes (status = 'pending').
// "The oldest open delivery of its webhook and interview" as a subquery with a limit, not NOT EXISTS: it can only be
// one lookup in the open index per row walked, where an anti-join left PostgreSQL free to join the whole backlog.
const DUE = `d.status = 'pending' and d.blocked = 0 and d.next_attempt_at <= $now and (d.locked_until is null or d.locked_until < $now)
  and d.event_seq = (select e.event_seq from webhook_deliveries e where e.webhook_id = d.webhook_id and e.interview_id = d.interview_id
    and e.status = 'pending' order by e.event_seq limit 1)`;

// Plans that stay right whatever the statistics say. A backlog grows within seconds, long before autoanalyze, and on
// statistics that say "nearly nothing is pending" or "the table is small" the planner chose a bitmap scan of every
// pending row and a sort for the claim (with 10,000 pending: 150-250 ms a claim, with 3,000: 1-3 ms), and a scan of the
// whole table to find a batch's rows by id (bench:webhooks, auto_explain). The dispatcher's statements only walk the
// pending index in due order and look rows up by key, so on PostgreSQL they run in a transaction with these settings,
// which hold until it ends. Being right for any arguments, each of those plans is made once per connection (generic
// plans of statements kept prepared): planning them on every call was an eighth of the statements' time.
export const PG_DISPATCH_PLAN = CompiledQuery.raw(
  keptPrepared(`select set_config('enable_bitmapscan', 'off', true), set_config('enable_sort', 'off', true), set_config('enable_seqscan', 'off', true),
  set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true), set_config('plan_cache_mode', 'force_generic_plan', true)`),
);

// The due deliveries (the heads of their runs) come from the walk of the pending index; behind each, the open deliveries
// queued after it in the open index, numbered in event order, and of those the ones due (not waiting for a retry) and
// not leased elsewhere, each locked in a lateral subquery that names its whole key in the open index as well as its id:
// a lock on `id = any(array)` made the generic plan walk the whole open index (2 ms a claim with 10,000 pending), and so
// did a lookup by id alone when the plan was made while the statistics said the open index was nearly empty (the
// primary key looked dearer: whole rounds of bench:webhooks at a tenth of their speed, claims of 1-8 s, auto_explain);
// with the whole key either index finds the one row. A follower skipped (locked, leased by
// another process or waiting for a retry) ends its run there, which `claim` sees from the numbers. The update joins the
// claimed ids to their rows one by one in the primary key, and returns each row's run.
export const PG_CLAIM = keptPrepared(`with due as (
  select d.id, d.webhook_id, d.interview_id, d.event_seq from webhook_deliveries d where ${DUE.replaceAll('$now', '$1')}
  order by d.next_attempt_at limit $2 for update of d skip locked),
followers as (
  select t.id, due.id as run_id, f.run_pos from due
  cross join lateral (select e.id, e.event_seq, row_number() over (order by e.event_seq) as run_pos from webhook_deliveries e
    where e.webhook_id = due.webhook_id and e.interview_id = due.interview_id and e.status = 'pending' and e.event_seq > due.event_seq
    order by e.event_seq limit $5) f
  cross join lateral (select l.id from webhook_deliveries l where l.id = f.id
    and l.webhook_id = due.webhook_id and l.interview_id = due.interview_id and l.event_seq = f.event_seq and l.status = 'pending'
    and l.next_attempt_at <= $1 and (l.locked_until is null or l.locked_until < $1)
    for update of l skip locked) t),
claimed as (
  update webhook_deliveries d set locked_by = $3, locked_until = $4
  from (select id, id as run_id, 0::bigint as run_pos from due union all select id, run_id, run_pos from followers) r where d.id = r.id
  returning d.id, r.run_id, r.run_pos, d.attempts, d.webhook_id, d.event_seq)
select c.id, c.run_id, c.run_pos::integer as run_pos, c.attempts, c.webhook_id, ev.id as event_id, ev.body, w.url, w.active, ws.webhook_secret,
  ws.webhook_secret_previous, ws.webhook_secret_previous_until
from claimed c join webhook_events ev on ev.seq = c.event_seq join webhooks w on w.id = c.webhook_id join workspaces ws on ws.id = w.workspace_id`);

const SQLITE_CLAIM = `update webhook_deliveries set locked_by = ?, locked_until = ?
where id in (select d.id from webhook_deliveries d where ${DUE.replace('$now', '?').replace('$now', '?')} order by d.next_attempt_at limit ?)
returning id, webhook_id, interview_id, event_seq`;

/**
 * The open deliveries queued behind a claimed one, in event order, with their leases and next attempts (one leased
 * elsewhere, or waiting for a retry, ends the run).
 */
const SQLITE_BEHIND = `select id, locked_until, next_attempt_at from webhook_deliveries where webhook_id = ? and interview_id = ? and status = 'pending' and event_seq > ?
order by event_seq limit ?`;

const SQLITE_LEASE = `update webhook_deliveries set locked_by = ?, locked_until = ? where id in (select value from json_each(?))`;

const SQLITE_LOAD = `select d.id, d.attempts, d.webhook_id, ev.id as event_id, ev.body, w.url, w.active, ws.webhook_secret, ws.webhook_secret_previous,
  ws.webhook_secret_previous_until
from webhook_deliveries d join webhook_events ev on ev.seq = d.event_seq join webhooks w on w.id = d.webhook_id join workspaces ws on ws.id = w.workspace_id
where d.id in (select value from json_each(?))`;

// The outcomes travel as one array per column, each parsed once (read out of one JSON parameter, PostgreSQL parsed a
// row's JSON again for each of its 12 fields: most of the statement's time in bench:webhooks). An attempt is logged
// only for a delivery that still exists (its webhook may have been deleted while it was sent): on PostgreSQL this join
// is the only check, the foreign key's own being dropped (migration 2026-12-03T0900).
export const PG_RECORD = keptPrepared(`with v as (
  select * from unnest($1::text[], $2::text[], $3::integer[], $4::bigint[], $5::integer[], $6::integer[], $7::text[], $8::text[], $9::text[],
    $10::bigint[], $11::text[], $12::bigint[], $13::boolean[])
    as v(attempt_id, delivery_id, attempt, started_at, duration_ms, status_code, error, response_excerpt, status, next_attempt_at, last_error,
      delivered_at, unblocks_next)),
attempts as (
  insert into webhook_attempts (id, delivery_id, attempt, started_at, duration_ms, status_code, error, response_excerpt)
  select v.attempt_id, v.delivery_id, v.attempt, v.started_at, v.duration_ms, v.status_code, v.error, v.response_excerpt
  from v join webhook_deliveries a on a.id = v.delivery_id)
update webhook_deliveries d set status = v.status, attempts = v.attempt, next_attempt_at = v.next_attempt_at, last_status_code = v.status_code,
  last_error = v.last_error, delivered_at = v.delivered_at, blocked = 0, locked_by = null, locked_until = null
from v where d.id = v.delivery_id and d.locked_by = $14
returning d.id, d.status <> 'pending' and v.unblocks_next as unblocks_next`);

// On SQLite an outcome is two statements of one row each: prepared once, they cost less than reading the rows out of
// one JSON parameter (12 extractions a row), and the JSON itself. As on PostgreSQL, no attempt of a deleted delivery.
const SQLITE_INSERT_ATTEMPT = `insert into webhook_attempts (id, delivery_id, attempt, started_at, duration_ms, status_code, error, response_excerpt)
select ?, ?, ?, ?, ?, ?, ?, ? where exists (select 1 from webhook_deliveries where id = ?)`;

const SQLITE_FINISH_DELIVERY = `update webhook_deliveries set status = ?, attempts = ?, next_attempt_at = ?, last_status_code = ?, last_error = ?,
  delivered_at = ?, blocked = 0, locked_by = null, locked_until = null
where id = ? and locked_by = ?`;

/**
 * After deliveries are done (their ids), the next of each one's webhook and interview may be claimed. A statement of its
 * own, after the outcomes': on PostgreSQL it then sees a delivery queued by a transaction that held the finished one
 * (see PG_BEHIND), which the outcomes' statement waited for.
 */
const SQLITE_UNBLOCK_NEXT = `update webhook_deliveries set blocked = 0 where blocked = 1 and id = (select ${nextOfGroup('f', true)} from webhook_deliveries f where f.id = ?)`;
export const PG_UNBLOCK_NEXT = keptPrepared(`update webhook_deliveries set blocked = 0 where blocked = 1
  and id = any(array(select ${nextOfGroup('f', true)} from unnest($1::text[]) as done(id) join webhook_deliveries f on f.id = done.id))`);

/**
 * The webhooks (of $1) with an open delivery for interview $2, which a new delivery must wait behind. The newest such
 * delivery is share-locked until the new one commits, so the outcome that finishes it waits and then unblocks the new
 * one; one being finished right now is skipped (never waited for: no lock cycle with the outcomes' batch), and the
 * new delivery is queued unblocked, the claim's order test holding it back until its predecessor is done.
 */
const PG_BEHIND = `select w.id as webhook_id from unnest($1::text[]) as w(id)
cross join lateral (select e.id from webhook_deliveries e where e.webhook_id = w.id and e.interview_id = $2 and e.status = 'pending'
  order by e.event_seq desc limit 1 for share of e skip locked) p`;

/**
 * Groups whose oldest open delivery is still blocked and not leased: the process that wrote its predecessor's outcome
 * stopped before the unblock statement, a process died in the middle of a run (its followers are blocked, and their
 * leases have run out), or a race this design did not foresee. A follower of a run being sent is leased, and left alone.
 * Rare; the dispatcher sweeps every few seconds.
 */
const UNBLOCK_STRANDED = `update webhook_deliveries set blocked = 0 where blocked = 1 and status = 'pending' and (locked_until is null or locked_until < $now)
  and id in (select ${nextOfGroup('g')} from (select distinct b.webhook_id, b.interview_id from webhook_deliveries b where b.status = 'pending' and b.blocked = 1) g)`;

/**
 * Whether a claimed delivery is still the claim's (pending, leased to $2 until $3), with its webhook's active flag as it
 * is now: read before a run's first send, since a claim's copy of the flag may predate a pause.
 */
const STILL_CLAIMED = `select w.active from webhook_deliveries d join webhooks w on w.id = d.webhook_id
where d.id = $1 and d.status = 'pending' and d.locked_by = $2 and d.locked_until = $3`;
const PG_STILL_CLAIMED = keptPrepared(STILL_CLAIMED);
const SQLITE_STILL_CLAIMED = STILL_CLAIMED.replace(/\$\d/g, '?');

/** WebhookRepository.claim on SQLite: the heads' update, then each head's followers, leased, then everything loaded. */
function claimOnSqlite(sqlite: SQLite.Database, now: number, limit: number, lockedBy: string, leaseMs: number, runLength: number): ClaimedRun[] {
  const heads = sqlite.prepare(SQLITE_CLAIM).all(lockedBy, now + leaseMs, now, now, limit) as { id: string; webhook_id: string; interview_id: string; event_seq: number }[];
  if (heads.length === 0) return [];
  const behind = sqlite.prepare(SQLITE_BEHIND);
  const runs = heads.map((head) => {
    const ids = [head.id];
    if (runLength > 1) {
      const queued = behind.all(head.webhook_id, head.interview_id, head.event_seq, runLength - 1) as { id: string; locked_until: number | null; next_attempt_at: number }[];
      for (const f of queued) {
        if ((f.locked_until !== null && f.locked_until >= now) || f.next_attempt_at > now) break;
        ids.push(f.id);
      }
    }
    return ids;
  });
  const followers = runs.flatMap((ids) => ids.slice(1));
  if (followers.length > 0) sqlite.prepare(SQLITE_LEASE).run(lockedBy, now + leaseMs, JSON.stringify(followers));
  const loaded = new Map((sqlite.prepare(SQLITE_LOAD).all(JSON.stringify(runs.flat())) as ClaimedDelivery[]).map((d) => [d.id, d]));
  return runs.map((ids) => ids.map((id) => loaded.get(id)!));
}

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
    // Behind an open delivery of the same webhook and interview, a new one waits blocked until that one is done.
    const behind = isPostgres(this.db)
      ? (await this.db.executeQuery<{ webhook_id: string }>(CompiledQuery.raw(PG_BEHIND, [webhookIds, orderingKey]))).rows
      : await this.db
          .selectFrom('webhook_deliveries')
          .select('webhook_id')
          .distinct()
          .where('webhook_id', 'in', webhookIds)
          .where('interview_id', '=', orderingKey)
          .where(sql<boolean>`status = 'pending'`)
          .execute();
    const blocked = new Set(behind.map((r) => r.webhook_id));
    const rows: WebhookDeliveriesTable[] = webhookIds.map((webhookId) => ({
      id: newId(),
      webhook_id: webhookId,
      event_seq: eventSeq,
      interview_id: orderingKey,
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      blocked: blocked.has(webhookId) ? 1 : 0,
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
   * Claims up to `limit` runs for `lockedBy` and returns them with what sending needs (the event body, the webhook's URL
   * and state, the workspace's secrets). A run starts with a due delivery: pending, next attempt reached, no live lease
   * (a claim only sets the lease; status stays pending), and nothing earlier of the same webhook and interview still
   * pending, so a receiver gets an interview's events in order, one at a time. Up to `runLength - 1` open deliveries
   * queued behind it follow, in event order, as far as none is leased elsewhere or waiting for a retry; the caller sends
   * each only after the one before it succeeded. A backlog of an interview's events then costs one claim and one unblocking per run, not
   * per event (bench:webhooks, 50 events an interview on PostgreSQL: the unblocking was a third of the database's
   * time).
   *
   * One statement on PostgreSQL (under PG_DISPATCH_PLAN; a few on SQLite, whose RETURNING cannot name joined tables):
   * the dispatcher claims many times a second, and on PostgreSQL each round trip is worth tens of deliveries. The partial
   * indexes on pending deliveries (migrations 2026-11-23T0900, 2026-11-26T0900) make the walk read about what it claims;
   * SKIP LOCKED lets several processes claim side by side, and a row another process claimed meanwhile fails the lease
   * test when re-read.
   */
  async claim(now: number, limit: number, lockedBy: string, leaseMs: number, runLength: number): Promise<ClaimedRun[]> {
    if (isPostgres(this.db)) {
      const rows = await this.dispatching(
        async (db) =>
          (await db.executeQuery<ClaimedDelivery & { run_id: string; run_pos: number }>(CompiledQuery.raw(PG_CLAIM, [now, limit, lockedBy, now + leaseMs, runLength - 1])))
            .rows,
      );
      const runs = new Map<string, (ClaimedDelivery & { run_pos: number })[]>();
      for (const { run_id, ...row } of rows) {
        const run = runs.get(run_id);
        if (run) run.push(row);
        else runs.set(run_id, [row]);
      }
      // A run ends before its first follower not taken (locked or leased by another process); those after it go back.
      const cut: string[] = [];
      const claimed = [...runs.values()].map((run) => {
        run.sort((a, b) => a.run_pos - b.run_pos);
        let length = 1;
        while (length < run.length && run[length]!.run_pos === length) length++;
        for (const d of run.slice(length)) cut.push(d.id);
        return run.slice(0, length).map(({ run_pos: _, ...d }) => d);
      });
      await this.releaseClaims(cut, lockedBy, now + leaseMs);
      return claimed;
    }
    return withSqlite(this.db, (sqlite) => {
      // The heads' and the followers' leases in one transaction (the caller's, if it is one): one commit, not two.
      const claim = () => claimOnSqlite(sqlite, now, limit, lockedBy, leaseMs, runLength);
      return sqlite.inTransaction ? claim() : sqlite.transaction(claim)();
    });
  }

  /** Runs the dispatcher's statements on PostgreSQL under PG_DISPATCH_PLAN, in the caller's transaction or one of their own. */
  private dispatching<T>(work: (db: DbExecutor) => Promise<T>): Promise<T> {
    const run = async (db: DbExecutor) => {
      await db.executeQuery(PG_DISPATCH_PLAN);
      return work(db);
    };
    return this.db.isTransaction ? run(this.db) : this.db.transaction().execute(run);
  }

  /**
   * Claimed deliveries this process will not send after all: due again at once. Only the claim that leased them until
   * `leasedUntil` is released: once it ran out, another claim (of this process too) may hold them.
   */
  async releaseClaims(ids: string[], lockedBy: string, leasedUntil: number) {
    if (ids.length === 0) return;
    await this.db
      .updateTable('webhook_deliveries')
      .set({ locked_by: null, locked_until: null })
      .where('id', 'in', ids)
      .where('locked_by', '=', lockedBy)
      .where('locked_until', '=', leasedUntil)
      .execute();
  }

  /** The webhook's active flag now, if delivery `id` is still pending and leased to `lockedBy` until `leasedUntil`. */
  async stillClaimed(id: string, lockedBy: string, leasedUntil: number): Promise<{ active: number } | undefined> {
    if (isPostgres(this.db)) return (await this.db.executeQuery<{ active: number }>(CompiledQuery.raw(PG_STILL_CLAIMED, [id, lockedBy, leasedUntil]))).rows[0];
    return withSqlite(this.db, (sqlite) => sqlite.prepare(SQLITE_STILL_CLAIMED).get(id, lockedBy, leasedUntil) as { active: number } | undefined);
  }

  /** Ends a claimed delivery without an attempt (its webhook is inactive); the next of its interview is unblocked. */
  async finishDelivery(id: string, lockedBy: string, changes: Partial<WebhookDeliveriesTable> & { status: Exclude<DeliveryStatus, 'pending'> }) {
    const finished = await this.db
      .updateTable('webhook_deliveries')
      .set({ ...changes, locked_by: null, locked_until: null })
      .where('id', '=', id)
      .where('locked_by', '=', lockedBy)
      .executeTakeFirst();
    if (Number(finished.numUpdatedRows) === 0) return;
    if (isPostgres(this.db)) await this.dispatching((db) => db.executeQuery(CompiledQuery.raw(PG_UNBLOCK_NEXT, [[id]])));
    else await this.db.executeQuery(CompiledQuery.raw(SQLITE_UNBLOCK_NEXT, [id]));
  }

  /** Unblocks the oldest open delivery of every group where it is blocked with nothing before it (see UNBLOCK_STRANDED). */
  async unblockStranded(now: number): Promise<number> {
    const text = isPostgres(this.db) ? UNBLOCK_STRANDED.replace('$now', '$1') : UNBLOCK_STRANDED.replace('$now', '?');
    const result = await this.db.executeQuery(CompiledQuery.raw(text, [now]));
    return Number(result.numAffectedRows ?? 0);
  }

  /**
   * Attempts and what they set on their deliveries, many in one go: each attempt is logged, and its delivery
   * (if still leased to `lockedBy`) takes the outcome and loses the lease; it is no longer blocked (it was sent, so
   * nothing of its group is open before it), and once finished it unblocks the next of its group unless told not to
   * (see RecordedOutcome). On PostgreSQL one statement, the rows
   * travelling as one array parameter per column, then the unblocking of the next deliveries, in one transaction under
   * PG_DISPATCH_PLAN; on SQLite two prepared statements a row, run together on the connection in one transaction (the
   * caller's, if it is one). Returns the deliveries whose outcome was not written: deleted (with their webhook), or no
   * longer leased to `lockedBy` (another process took them over).
   */
  async recordOutcomes(outcomes: RecordedOutcome[], lockedBy: string): Promise<string[]> {
    if (outcomes.length === 0) return [];
    if (isPostgres(this.db)) {
      const columns = outcomes[0]!.map((_, i) => outcomes.map((o) => o[i]));
      return this.dispatching(async (db) => {
        const { rows } = await db.executeQuery<{ id: string; unblocks_next: boolean }>(CompiledQuery.raw(PG_RECORD, [...columns, lockedBy]));
        const done = rows.flatMap((r) => (r.unblocks_next ? [r.id] : []));
        if (done.length > 0) await db.executeQuery(CompiledQuery.raw(PG_UNBLOCK_NEXT, [done]));
        const written = new Set(rows.map((r) => r.id));
        return outcomes.flatMap((o) => (written.has(o[1]) ? [] : [o[1]]));
      });
    }
    return withSqlite(this.db, (sqlite) => {
      const insertAttempt = sqlite.prepare(SQLITE_INSERT_ATTEMPT);
      const finishDelivery = sqlite.prepare(SQLITE_FINISH_DELIVERY);
      const unblockNext = sqlite.prepare(SQLITE_UNBLOCK_NEXT);
      const unwritten: string[] = [];
      const write = () => {
        for (const [attemptId, deliveryId, attempt, startedAt, durationMs, statusCode, error, excerpt, status, nextAt, lastError, deliveredAt, unblocksNext] of outcomes) {
          insertAttempt.run(attemptId, deliveryId, attempt, startedAt, durationMs, statusCode, error, excerpt, deliveryId);
          const { changes } = finishDelivery.run(status, attempt, nextAt, statusCode, lastError, deliveredAt, deliveryId, lockedBy);
          if (changes === 0) unwritten.push(deliveryId);
          else if (status !== 'pending' && unblocksNext) unblockNext.run(deliveryId);
        }
      };
      if (sqlite.inTransaction) write();
      else sqlite.transaction(write)();
      return unwritten;
    });
  }

  /** A 410 from the receiver: the webhook stops and what it still had queued is cancelled. Run it in a transaction. */
  async disable(webhookId: string, reason: string, now: number) {
    await this.db.updateTable('webhooks').set({ active: 0, disabled_reason: reason, updated_at: now }).where('id', '=', webhookId).execute();
    await this.cancelOpenDeliveries(webhookId, reason);
  }

  /**
   * What a webhook that stops still had queued, cancelled. Their leases go too: the answer to one being sent right now
   * is then not written over `cancelled`, and the dispatcher holding it sends nothing more of its run.
   */
  cancelOpenDeliveries(webhookId: string, reason: string) {
    return this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'cancelled', last_error: reason, locked_by: null, locked_until: null })
      .where('webhook_id', '=', webhookId)
      .where(sql<boolean>`status = 'pending'`)
      .execute();
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
        'd.locked_until',
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
