import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_EVENTS } from '../../server/db/schema.ts';
import { databaseKinds, openSecondConnection } from '../support/test-databases.ts';
import { createPosition, startTestPlatform, type TestPlatform, type TestWorkspace } from '../support/test-platform.ts';
import { WebhookReceiver, hireflixVerifies, standardVerifies, type Received } from './webhook-receiver.ts';

const DAY = 24 * 3600_000;

/** Retries, the delivery log, crashes, 410, Retry-After, redirects, redelivery, ping, secret rotation and subscriptions. */
describe.each(databaseKinds)('webhook delivery on %s', (kind) => {
  let t: TestPlatform;
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    t = await startTestPlatform(kind, { env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' } });
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.down()));
    await t.stop();
  });

  async function receiver(): Promise<WebhookReceiver> {
    const r = await WebhookReceiver.start(() => t.clock.now());
    receivers.push(r);
    return r;
  }

  interface Endpoint {
    ws: TestWorkspace;
    positionId: string;
    receiver: WebhookReceiver;
    hookId: string;
    secret: string;
  }

  /** A workspace of its own (events are per workspace, so tests do not see each other's) with one webhook. */
  async function endpoint(events: readonly string[] = WEBHOOK_EVENTS): Promise<Endpoint> {
    const ws = await t.createWorkspace();
    const r = await receiver();
    const hook = await ws.api.post('/api/webhooks', { url: `${r.url}/hook`, events });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    const position = await createPosition(ws.api);
    return { ws, positionId: position.id, receiver: r, hookId: hook.body.id, secret: (await ws.api.get('/api/webhooks/secret')).body.secret };
  }

  async function invite(e: Pick<Endpoint, 'ws' | 'positionId'>): Promise<string> {
    const res = await e.ws.api.post(`/api/positions/${e.positionId}/interviews`, { name: 'Casey Candidate', email: `c.${randomBytes(4).toString('hex')}@example.com`, sendEmail: false });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id;
  }

  const deliveries = async (e: Endpoint) => (await e.ws.api.get(`/api/webhooks/${e.hookId}/deliveries?limit=100`)).body.items as any[];
  const verified = (e: Endpoint, r: Received) => hireflixVerifies(e.secret, r) && standardVerifies(e.secret, r);
  const succeededIds = (r: WebhookReceiver) => r.received.filter((x) => x.answeredStatus! >= 200 && x.answeredStatus! < 300).map((x) => x.webhookId);

  describe('retries', () => {
    it('an endpoint that is down gets the event after the 5 s retry, exactly once', async () => {
      const e = await endpoint();
      await e.receiver.down();
      await invite(e);
      const firstAttemptAt = t.clock.now();
      await t.drainWebhooks();
      let [delivery] = await deliveries(e);
      expect(delivery).toMatchObject({ event: 'interview.create', status: 'pending', attempts: 1, lastStatusCode: null, lastError: expect.stringMatching(/ECONNREFUSED/) });
      // 5 s with ±10% jitter.
      expect(delivery.nextAttemptAt).toBeGreaterThanOrEqual(firstAttemptAt + 4500);
      expect(delivery.nextAttemptAt).toBeLessThanOrEqual(firstAttemptAt + 5500);

      await e.receiver.listen();
      t.clock.advance(4400);
      await t.drainWebhooks();
      expect(e.receiver.received).toEqual([]);
      t.clock.advance(1200);
      await t.drainWebhooks();
      expect(e.receiver.received).toHaveLength(1);
      expect(verified(e, e.receiver.received[0]!)).toBe(true);
      [delivery] = await deliveries(e);
      expect(delivery).toMatchObject({ status: 'succeeded', attempts: 2, lastStatusCode: 200, lastError: null, nextAttemptAt: null, deliveredAt: t.clock.now() });

      // Nothing more, however long we wait.
      for (const ms of [60_000, DAY, 3 * DAY]) {
        t.clock.advance(ms);
        await t.drainWebhooks();
      }
      expect([...e.receiver.countsById().entries()]).toEqual([[delivery.eventId, 1]]);

      const detail = await e.ws.api.get(`/api/webhooks/${e.hookId}/deliveries/${delivery.id}`);
      expect(detail.status).toBe(200);
      expect(detail.body).toMatchObject({ id: delivery.id, eventId: delivery.eventId, event: 'interview.create', status: 'succeeded', body: e.receiver.received[0]!.body });
      expect(detail.body.attempts).toEqual([
        { attempt: 1, startedAt: firstAttemptAt, durationMs: expect.any(Number), statusCode: null, error: expect.stringMatching(/ECONNREFUSED/), responseExcerpt: null },
        { attempt: 2, startedAt: firstAttemptAt + 5600, durationMs: expect.any(Number), statusCode: 200, error: null, responseExcerpt: 'ok' },
      ]);
    });

    it('an endpoint that answers 500 is retried with the same webhook-id; the log keeps status, duration and response of each attempt', async () => {
      const e = await endpoint();
      // A body with what array and JSON literals escape: it is logged as sent.
      const failure = 'NULL {"error": "database \\"unavailable\\", try {later}", "path": "C:\\\\tmp"} ünïcode';
      e.receiver.reply = (_, i) => (i === 0 ? { status: 500, body: failure, delayMs: 30 } : { status: 204, delayMs: 30 });
      await invite(e);
      await t.drainWebhooks();
      t.clock.advance(5600);
      await t.drainWebhooks();
      t.clock.advance(DAY);
      await t.drainWebhooks();
      const [first, second] = e.receiver.received;
      expect(e.receiver.received).toHaveLength(2);
      expect(second!.webhookId).toBe(first!.webhookId);
      expect(second!.body).toBe(first!.body);
      expect(verified(e, first!) && verified(e, second!)).toBe(true);
      expect(succeededIds(e.receiver)).toEqual([first!.webhookId]);

      const [delivery] = await deliveries(e);
      expect(delivery).toMatchObject({ status: 'succeeded', attempts: 2, lastStatusCode: 204 });
      const detail = (await e.ws.api.get(`/api/webhooks/${e.hookId}/deliveries/${delivery.id}`)).body;
      expect(detail.attempts).toHaveLength(2);
      expect(detail.attempts[0]).toMatchObject({ attempt: 1, statusCode: 500, error: null, responseExcerpt: failure });
      expect(detail.attempts[1]).toMatchObject({ attempt: 2, statusCode: 204, error: null, responseExcerpt: '' });
      // The endpoint took 30 ms to answer each time; the duration is wall time of the exchange.
      for (const a of detail.attempts) expect(a.durationMs).toBeGreaterThanOrEqual(25);
    });

    it('holds an interview’s later events while an earlier one waits for its retry, without holding up other interviews', async () => {
      const e = await endpoint();
      const held = await invite(e);
      e.receiver.reply = (r) => (r.json.data.id === held && e.receiver.received.filter((x) => x.json.data.id === held).length === 1 ? { status: 500 } : { status: 200 });
      expect((await e.ws.api.post(`/api/interviews/${held}/cancel`)).status).toBe(200);
      const free = await invite(e);
      await e.ws.api.post(`/api/interviews/${free}/cancel`);
      await t.drainWebhooks();
      const seen = (who: 'held' | 'free') => e.receiver.received.filter((r) => (r.json.data.id === held) === (who === 'held')).map((r) => `${r.json.event} ${r.answeredStatus}`);
      expect(seen('held')).toEqual(['interview.create 500']);
      expect(seen('free')).toEqual(['interview.create 200', 'interview.status-change 200']);
      t.clock.advance(5600);
      await t.drainWebhooks();
      expect(seen('held')).toEqual(['interview.create 500', 'interview.create 200', 'interview.status-change 200']);
      expect(e.receiver.received).toHaveLength(5);
    });

    it('keeps an interview’s later event blocked, out of the claim’s walk, until the earlier one is delivered', async () => {
      const e = await endpoint();
      e.receiver.reply = (_, i) => (i === 0 ? { status: 500 } : { status: 200 });
      const id = await invite(e);
      await e.ws.api.post(`/api/interviews/${id}/cancel`);
      const states = () =>
        t.database.db.selectFrom('webhook_deliveries').select(['status', 'blocked']).where('interview_id', '=', id).orderBy('event_seq').execute();
      expect(await states()).toEqual([{ status: 'pending', blocked: 0 }, { status: 'pending', blocked: 1 }]);
      await t.drainWebhooks();
      expect(await states()).toEqual([{ status: 'pending', blocked: 0 }, { status: 'pending', blocked: 1 }]);
      t.clock.advance(5600);
      await t.drainWebhooks();
      expect(await states()).toEqual([{ status: 'succeeded', blocked: 0 }, { status: 'succeeded', blocked: 0 }]);
      expect(e.receiver.received.map((r) => `${r.json.event} ${r.answeredStatus}`)).toEqual(['interview.create 500', 'interview.create 200', 'interview.status-change 200']);
    });

    it('delivers an event left blocked with nothing before it (its predecessor finished while it was being queued)', async () => {
      const e = await endpoint();
      const id = await invite(e);
      // The state a race between two transactions can leave: the only open delivery of the interview is blocked.
      await t.database.db.updateTable('webhook_deliveries').set({ blocked: 1 }).where('interview_id', '=', id).execute();
      await t.drainWebhooks();
      expect(e.receiver.received.map((r) => r.json.event)).toEqual(['interview.create']);
    });

    it('gives up after the last attempt of about three days; the interview’s next event then goes out, and the failed one can be redelivered', async () => {
      const e = await endpoint();
      e.receiver.reply = () => ({ status: 500, body: 'still broken' });
      const id = await invite(e);
      expect((await e.ws.api.post(`/api/interviews/${id}/cancel`)).status).toBe(200);
      const started = t.clock.now();
      await t.drainWebhooks();
      for (let i = 0; i < 40 && (await deliveries(e)).some((d) => d.event === 'interview.create' && d.status === 'pending'); i++) {
        t.clock.advance(3 * 3600_000);
        await t.drainWebhooks();
      }
      const created = (await deliveries(e)).find((d) => d.event === 'interview.create')!;
      expect(created).toMatchObject({ status: 'failed', attempts: 10, lastStatusCode: 500, nextAttemptAt: null });
      expect(e.receiver.ofEvent('interview.create')).toHaveLength(10);
      expect(new Set(e.receiver.received.map((r) => r.webhookId)).size).toBe(2);
      const tries = (await e.ws.api.get(`/api/webhooks/${e.hookId}/deliveries/${created.id}`)).body.attempts as { startedAt: number }[];
      // The schedule's delays add up to 2 days 23 h 35 min (±10%); the last try is about three days after the first.
      expect(tries.at(-1)!.startedAt - started).toBeGreaterThan(2.5 * DAY);
      // Given up on, it no longer holds the interview's later event, which was tried meanwhile only after it.
      const cancelled = e.receiver.ofEvent('interview.status-change');
      expect(cancelled.length).toBeGreaterThan(0);
      expect(cancelled[0]!.arrivedSeq).toBeGreaterThan(e.receiver.ofEvent('interview.create').at(-1)!.arrivedSeq);

      // The endpoint is fixed: the failed event is sent again from the log, with its webhook-id, once.
      e.receiver.reply = () => ({ status: 200, body: 'ok' });
      const again = await e.ws.api.post(`/api/webhooks/${e.hookId}/redeliver`, { deliveryId: created.id });
      expect(again.status).toBe(202);
      await t.drainWebhooks();
      const resent = e.receiver.received.at(-1)!;
      expect(resent).toMatchObject({ webhookId: created.eventId, answeredStatus: 200 });
      expect(verified(e, resent)).toBe(true);
      expect((await e.ws.api.get(`/api/webhooks/${e.hookId}/deliveries/${again.body.id}`)).body).toMatchObject({ status: 'succeeded', attempts: [{ attempt: 1, statusCode: 200 }] });
      expect((await e.ws.api.get(`/api/webhooks/${e.hookId}/deliveries/${created.id}`)).body.status).toBe('failed');
    });

    it('honours Retry-After: a 503 with Retry-After: 120 is not tried again before 120 s', async () => {
      const e = await endpoint();
      e.receiver.reply = (_, i) => (i === 0 ? { status: 503, headers: { 'retry-after': '120' }, body: 'slow down' } : { status: 200 });
      await invite(e);
      const attemptAt = t.clock.now();
      await t.drainWebhooks();
      const [delivery] = await deliveries(e);
      expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 503, nextAttemptAt: attemptAt + 120_000 });
      t.clock.advance(119_999);
      await t.drainWebhooks();
      expect(e.receiver.received).toHaveLength(1);
      t.clock.advance(1);
      await t.drainWebhooks();
      expect(e.receiver.received).toHaveLength(2);
      expect((await deliveries(e))[0]).toMatchObject({ status: 'succeeded', attempts: 2 });
    });

    it('honours Retry-After given as an HTTP date', async () => {
      const e = await endpoint();
      const retryAt = Math.floor((t.clock.now() + 10 * 60_000) / 1000) * 1000;
      e.receiver.reply = (_, i) => (i === 0 ? { status: 429, headers: { 'retry-after': new Date(retryAt).toUTCString() } } : { status: 200 });
      await invite(e);
      await t.drainWebhooks();
      expect((await deliveries(e))[0]).toMatchObject({ status: 'pending', nextAttemptAt: retryAt });
      t.clock.advance(retryAt - t.clock.now() - 1);
      await t.drainWebhooks();
      expect(e.receiver.received).toHaveLength(1);
      t.clock.advance(1);
      await t.drainWebhooks();
      expect(e.receiver.received).toHaveLength(2);
    });

    it('does not follow redirects: a 302 to another endpoint is a failed attempt and the other gets nothing', async () => {
      const e = await endpoint();
      const elsewhere = await receiver();
      e.receiver.reply = () => ({ status: 302, headers: { location: `${elsewhere.url}/hook` } });
      await invite(e);
      await t.drainWebhooks();
      expect(e.receiver.received).toHaveLength(1);
      expect(elsewhere.received).toEqual([]);
      const [delivery] = await deliveries(e);
      expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 302, lastError: 'HTTP 302', deliveredAt: null });
      t.clock.advance(5600);
      await t.drainWebhooks();
      expect(e.receiver.received).toHaveLength(2);
      expect(elsewhere.received).toEqual([]);
    });
  });

  describe('runs: an interview’s queued events claimed together', () => {
    /** An interview with three events queued (invited, cancelled, deleted) before any is sent. */
    async function threeQueued(e: Endpoint): Promise<{ id: string; rows: () => Promise<{ id: string; status: string; blocked: number; locked_by: string | null; locked_until: number | null }[]> }> {
      const id = await invite(e);
      expect((await e.ws.api.post(`/api/interviews/${id}/cancel`)).status).toBe(200);
      expect((await e.ws.api.delete(`/api/interviews/${id}`)).status).toBe(200);
      const rows = () =>
        t.database.db
          .selectFrom('webhook_deliveries')
          .select(['id', 'status', 'blocked', 'locked_by', 'locked_until'])
          .where('interview_id', '=', id)
          .orderBy('event_seq')
          .execute();
      return { id, rows };
    }
    const events = (e: Endpoint) => e.receiver.received.map((r) => `${r.json.event} ${r.answeredStatus}`);
    const ALL_THREE = ['interview.create 200', 'interview.status-change 200', 'interview.delete 200'];

    it('sends them one after another; a failure stops the run, and the rest waits behind the failed one, unleased', async () => {
      const e = await endpoint();
      const { rows } = await threeQueued(e);
      e.receiver.reply = (_, i) => (i === 1 ? { status: 500 } : { status: 200 });
      await t.drainWebhooks();
      expect(events(e)).toEqual(['interview.create 200', 'interview.status-change 500']);
      expect(await rows()).toMatchObject([
        { status: 'succeeded', locked_by: null },
        { status: 'pending', blocked: 0, locked_by: null },
        { status: 'pending', blocked: 1, locked_by: null },
      ]);
      t.clock.advance(5600);
      await t.drainWebhooks();
      expect(events(e)).toEqual(['interview.create 200', 'interview.status-change 500', 'interview.status-change 200', 'interview.delete 200']);
      expect((await rows()).map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    });

    it('does not send a follower once the run’s lease leaves no room for its attempt: it is claimed again, with a lease of its own', async () => {
      const e = await endpoint();
      const { rows } = await threeQueued(e);
      let answer!: () => void;
      const held = new Promise<void>((resolve) => (answer = resolve));
      const leaseWhenSent: number[] = [];
      // Each answer waits until the lease of the delivery being sent has been read.
      e.receiver.reply = (_, i) => {
        const read = rows().then((all) => {
          leaseWhenSent.push(all.find((d) => d.status === 'pending' && d.locked_by !== null)!.locked_until! - t.clock.now());
        });
        return { status: 200, hold: i === 0 ? Promise.all([read, held]) : read };
      };
      const drained = t.drainWebhooks();
      await e.receiver.waitFor(() => e.receiver.received.length === 1 && leaseWhenSent.length === 1);
      // The receiver takes 45 s to answer: 15 s of the 60 s lease are left, no room for a 15 s attempt and its outcome.
      t.clock.advance(45_000);
      answer();
      await drained;
      expect(events(e)).toEqual(ALL_THREE);
      // The second event went out under a fresh claim (a full lease), not the 15 s left of the first.
      expect(leaseWhenSent).toEqual([60_000, 60_000, 60_000]);
      expect((await rows()).map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    });

    it('ends a run before a follower leased by another process, and sends nothing behind it until that lease runs out', async () => {
      const e = await endpoint();
      const { rows } = await threeQueued(e);
      const [, second] = await rows();
      await t.database.db
        .updateTable('webhook_deliveries')
        .set({ locked_by: 'other-process', locked_until: t.clock.now() + 60_000 })
        .where('id', '=', second!.id)
        .execute();
      await t.drainWebhooks();
      expect(events(e)).toEqual(['interview.create 200']);
      expect(await rows()).toMatchObject([{ status: 'succeeded' }, { status: 'pending', locked_by: 'other-process' }, { status: 'pending', locked_by: null }]);
      t.clock.advance(60_001);
      await t.drainWebhooks();
      expect(events(e)).toEqual(ALL_THREE);
    });

    it('ends a run whose webhook another process deletes while it is sent: once that is known, nothing more of it goes out', async () => {
      const e = await endpoint();
      await threeQueued(e);
      let answerFirst!: () => void;
      const first = new Promise<void>((resolve) => (answerFirst = resolve));
      // The second answer comes late enough for the first outcome, which finds its delivery gone, to have been written.
      e.receiver.reply = (_, i) => ({ status: 200, hold: i === 0 ? first : i === 1 ? new Promise((resolve) => setTimeout(resolve, 500)) : undefined });
      const drained = t.drainWebhooks();
      await e.receiver.waitFor(() => e.receiver.received.length === 1);
      // Straight in the database, as another server process's API would: this dispatcher is not told.
      await t.database.db.deleteFrom('webhooks').where('id', '=', e.hookId).execute();
      answerFirst();
      await drained;
      expect(events(e)).toEqual(['interview.create 200', 'interview.status-change 200']);
    });

    it('ends a run whose webhook is deleted through this process while it is sent: nothing more of it goes out', async () => {
      const e = await endpoint();
      await threeQueued(e);
      let answerFirst!: () => void;
      const first = new Promise<void>((resolve) => (answerFirst = resolve));
      e.receiver.reply = (_, i) => ({ status: 200, hold: i === 0 ? first : undefined });
      const drained = t.drainWebhooks();
      await e.receiver.waitFor(() => e.receiver.received.length === 1);
      expect((await e.ws.api.delete(`/api/webhooks/${e.hookId}`)).status).toBe(204);
      answerFirst();
      await drained;
      expect(events(e)).toEqual(['interview.create 200']);
    });

    it('ends a run before a follower waiting for a retry (a redelivery queued it behind), which goes out when due', async () => {
      const e = await endpoint();
      const { rows } = await threeQueued(e);
      const [, , third] = await rows();
      await t.database.db.updateTable('webhook_deliveries').set({ next_attempt_at: t.clock.now() + 3600_000 }).where('id', '=', third!.id).execute();
      await t.drainWebhooks();
      expect(events(e)).toEqual(['interview.create 200', 'interview.status-change 200']);
      t.clock.advance(3600_001);
      await t.drainWebhooks();
      expect(events(e)).toEqual(ALL_THREE);
    });

    it('writes the outcome of an answer with a NUL byte in its body, and the run goes on', async () => {
      const e = await endpoint();
      const { rows } = await threeQueued(e);
      e.receiver.reply = (_, i) => ({ status: 200, body: i === 0 ? 'ok\u0000' : 'ok' });
      await t.drainWebhooks();
      expect(events(e)).toEqual(ALL_THREE);
      expect((await rows()).map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
      const [first] = await rows();
      const detail = (await e.ws.api.get(`/api/webhooks/${e.hookId}/deliveries/${first!.id}`)).body;
      expect(detail.attempts[0].responseExcerpt).toBe('ok\uFFFD');
    });

    it('after a process died in the middle of a run, leaves the rest until its leases run out, then sends them in order', async () => {
      const e = await endpoint();
      const { rows } = await threeQueued(e);
      const [first, second, third] = await rows();
      // The dead process had the first answered and its outcome written (the run going on), the other two leased.
      await t.database.db.updateTable('webhook_deliveries').set({ status: 'succeeded', attempts: 1, delivered_at: t.clock.now() }).where('id', '=', first!.id).execute();
      await t.database.db
        .updateTable('webhook_deliveries')
        .set({ locked_by: 'killed-process', locked_until: t.clock.now() + 60_000 })
        .where('id', 'in', [second!.id, third!.id])
        .execute();
      await t.drainWebhooks();
      expect(events(e)).toEqual([]);
      // Leased: not taken for stranded by the sweep.
      expect((await rows()).map((r) => r.blocked)).toEqual([0, 1, 1]);
      t.clock.advance(60_001);
      await t.drainWebhooks();
      expect(events(e)).toEqual(['interview.status-change 200', 'interview.delete 200']);
    });

    // Row locks are PostgreSQL's (SQLite locks the whole database for a write).
    if (kind === 'postgres') {
      it('ends a run before a follower another transaction holds locked, so nothing behind it overtakes it', async () => {
        const e = await endpoint();
        const { rows } = await threeQueued(e);
        const [, second] = await rows();
        let commit!: () => void;
        const committed = new Promise<void>((resolve) => (commit = resolve));
        let locked!: () => void;
        const isLocked = new Promise<void>((resolve) => (locked = resolve));
        const other = openSecondConnection(t.database.target);
        const holding = other.transaction().execute(async (trx) => {
          await trx.selectFrom('webhook_deliveries').select('id').where('id', '=', second!.id).forUpdate().execute();
          locked();
          await committed;
        });
        await isLocked;
        const drained = t.drainWebhooks();
        await e.receiver.waitFor(() => e.receiver.received.length === 1);
        // Time for the run to go on, had it taken the third event past the locked second one.
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(events(e)).toEqual(['interview.create 200']);
        commit();
        await holding;
        await drained;
        await t.drainWebhooks();
        expect(events(e)).toEqual(ALL_THREE);
      });
    }
  });

  describe('crashes', () => {
    it('a server stopped with events pending, and one killed while delivering, delivers every event after restart', async () => {
      const e = await endpoint();
      const interviews = [await invite(e), await invite(e), await invite(e)];
      expect((await e.ws.api.post(`/api/interviews/${interviews[0]}/cancel`)).status).toBe(200);
      expect((await e.ws.api.delete(`/api/interviews/${interviews[1]}`)).status).toBe(200);
      // A dispatcher had claimed the first interview's invitation and died before the receiver answered.
      const [claimed] = await deliveries(e).then((items) => items.filter((d) => d.interviewId === interviews[0] && d.event === 'interview.create'));
      await t.database.db
        .updateTable('webhook_deliveries')
        .set({ locked_by: 'killed-process', locked_until: t.clock.now() + 60_000 })
        .where('id', '=', claimed.id)
        .execute();

      await t.restart();
      expect(e.receiver.received).toEqual([]);
      await t.drainWebhooks();
      // The killed process's lease still runs: its interview waits (order), the others go.
      expect(e.receiver.received.map((r) => r.json.data.id)).not.toContain(interviews[0]);
      t.clock.advance(60_001);
      await t.drainWebhooks();

      const events = (await e.ws.api.get('/api/webhooks/events?limit=100')).body.items as { id: string; interviewId: string }[];
      expect(events).toHaveLength(5);
      expect([...e.receiver.countsById().entries()].sort()).toEqual(events.map((ev) => [ev.id, 1]).sort());
      expect(e.receiver.received.every((r) => verified(e, r))).toBe(true);
      const sequence = (id: string) => e.receiver.received.filter((r) => r.json.data.id === id).map((r) => `${r.json.event}:${r.json.data.status}`);
      expect(sequence(interviews[0]!)).toEqual(['interview.create:pending', 'interview.status-change:cancelled']);
      expect(sequence(interviews[1]!)).toEqual(['interview.create:pending', 'interview.delete:pending']);
      expect(sequence(interviews[2]!)).toEqual(['interview.create:pending']);
      expect((await deliveries(e)).every((d) => d.status === 'succeeded')).toBe(true);
    });
  });

  describe('410 Gone', () => {
    it('disables the webhook, cancels what it had queued, and later events are not sent to it', async () => {
      const e = await endpoint();
      e.receiver.reply = () => ({ status: 410, body: 'this integration was removed' });
      const first = await invite(e);
      await e.ws.api.post(`/api/interviews/${first}/cancel`);
      await t.drainWebhooks();
      expect(e.receiver.received.map((r) => r.json.event)).toEqual(['interview.create']);
      const hook = (await e.ws.api.get(`/api/webhooks/${e.hookId}`)).body;
      expect(hook).toMatchObject({ active: false, disabledReason: expect.stringMatching(/410/) });
      const log = await deliveries(e);
      expect(log.find((d) => d.event === 'interview.create')).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: 410 });
      expect(log.find((d) => d.event === 'interview.status-change')).toMatchObject({ status: 'cancelled', attempts: 0 });

      await invite(e);
      t.clock.advance(DAY);
      await t.drainWebhooks();
      expect(e.receiver.received).toHaveLength(1);
      expect(await deliveries(e)).toHaveLength(2);

      // Turned back on by the admin: the reason goes, new events flow again.
      e.receiver.reply = () => ({ status: 200 });
      const enabled = await e.ws.api.patch(`/api/webhooks/${e.hookId}`, { active: true });
      expect(enabled.body).toMatchObject({ active: true, disabledReason: null });
      const later = await invite(e);
      await t.drainWebhooks();
      expect(e.receiver.received.map((r) => r.json.data.id)).toEqual([first, later]);
    });
  });

  describe('redelivery and ping', () => {
    it('redelivers a past event by delivery id and by event id with the original webhook-id and body', async () => {
      const e = await endpoint();
      await invite(e);
      await t.drainWebhooks();
      const [original] = e.receiver.received;
      const [delivery] = await deliveries(e);
      expect(delivery.eventId).toBe(original!.webhookId);

      t.clock.advance(3600_000);
      const byDelivery = await e.ws.api.post(`/api/webhooks/${e.hookId}/redeliver`, { deliveryId: delivery.id });
      expect(byDelivery.status).toBe(202);
      expect(byDelivery.body).toMatchObject({ eventId: delivery.eventId, status: 'pending', attempts: [] });
      expect(byDelivery.body.id).not.toBe(delivery.id);
      await t.drainWebhooks();
      const byEvent = await e.ws.api.post(`/api/webhooks/${e.hookId}/redeliver`, { eventId: delivery.eventId });
      expect(byEvent.status).toBe(202);
      await t.drainWebhooks();

      expect(e.receiver.received).toHaveLength(3);
      for (const again of e.receiver.received.slice(1)) {
        expect(again.webhookId).toBe(original!.webhookId);
        expect(again.body).toBe(original!.body);
        // Signed anew at send time, so the stock verifier's timestamp window accepts it.
        expect(Number(again.headers['webhook-timestamp'])).toBe(Math.floor(t.clock.now() / 1000));
        expect(verified(e, again)).toBe(true);
      }
      for (const id of [byDelivery.body.id, byEvent.body.id]) {
        expect((await e.ws.api.get(`/api/webhooks/${e.hookId}/deliveries/${id}`)).body).toMatchObject({ status: 'succeeded', eventId: delivery.eventId, attempts: [{ attempt: 1, statusCode: 200 }] });
      }

      expect((await e.ws.api.post(`/api/webhooks/${e.hookId}/redeliver`, { deliveryId: 'nope' })).status).toBe(404);
      expect((await e.ws.api.post(`/api/webhooks/${e.hookId}/redeliver`, { eventId: 'msg_nope' })).status).toBe(404);
      const neither = await e.ws.api.post(`/api/webhooks/${e.hookId}/redeliver`, {});
      expect(neither.status).toBe(400);
      expect(neither.body.error.code).toBe('validation_failed');
      // Another workspace's event cannot be pulled through this webhook.
      const stranger = await endpoint();
      expect((await stranger.ws.api.post(`/api/webhooks/${stranger.hookId}/redeliver`, { eventId: delivery.eventId })).status).toBe(404);
    });

    it('sends a signed test ping through the normal path and log', async () => {
      const e = await endpoint();
      const ping = await e.ws.api.post(`/api/webhooks/${e.hookId}/ping`);
      expect(ping.status).toBe(202);
      expect(ping.body).toMatchObject({ event: 'webhook.ping', status: 'pending' });
      await t.drainWebhooks();
      const [received] = e.receiver.received;
      expect(received!.json).toMatchObject({ event: 'webhook.ping', data: { webhookId: e.hookId, url: `${e.receiver.url}/hook` }, date: t.clock.now() });
      expect(received!.webhookId).toBe(ping.body.eventId);
      expect(verified(e, received!)).toBe(true);
      // A ping belongs to no interview.
      expect(await deliveries(e)).toEqual([expect.objectContaining({ id: ping.body.id, eventId: ping.body.eventId, event: 'webhook.ping', interviewId: null, status: 'succeeded' })]);
      expect((await e.ws.api.get('/api/webhooks/events')).body.items).toEqual([expect.objectContaining({ id: ping.body.eventId, event: 'webhook.ping', interviewId: null })]);
      expect((await e.ws.api.get(`/api/webhooks/${e.hookId}/deliveries/${ping.body.id}`)).body).toMatchObject({ status: 'succeeded', attempts: [{ statusCode: 200 }] });
    });

    it('refuses a ping or a redelivery to a paused webhook (409 webhook_inactive), queueing nothing that would only be cancelled', async () => {
      const e = await endpoint();
      await invite(e);
      await t.drainWebhooks();
      const [delivered] = await deliveries(e);
      expect((await e.ws.api.patch(`/api/webhooks/${e.hookId}`, { active: false })).body.active).toBe(false);
      for (const refused of [await e.ws.api.post(`/api/webhooks/${e.hookId}/ping`), await e.ws.api.post(`/api/webhooks/${e.hookId}/redeliver`, { deliveryId: delivered.id })]) {
        expect(refused.status).toBe(409);
        expect(refused.body.error).toEqual({ code: 'webhook_inactive', message: 'This webhook is paused; activate it to send it events' });
      }
      expect(await deliveries(e)).toHaveLength(1);
      expect((await e.ws.api.patch(`/api/webhooks/${e.hookId}`, { active: true })).body.active).toBe(true);
      expect((await e.ws.api.post(`/api/webhooks/${e.hookId}/ping`)).status).toBe(202);
      await t.drainWebhooks();
      expect(e.receiver.received.map((r) => r.json.event)).toEqual(['interview.create', 'webhook.ping']);
    });
  });

  describe('secret rotation', () => {
    it('signs with the new and the old secret during the window, the Hireflix header with the new one only', async () => {
      const e = await endpoint();
      const old = e.secret;
      const rotated = await e.ws.api.post('/api/webhooks/secret/rotate');
      expect(rotated.status).toBe(200);
      const fresh = rotated.body.secret as string;
      expect(fresh).not.toBe(old);
      expect(rotated.body.previousSecretValidUntil).toBe(t.clock.now() + DAY);
      expect((await e.ws.api.get('/api/webhooks/secret')).body).toEqual({ secret: fresh, previousSecretValidUntil: t.clock.now() + DAY });

      await invite(e);
      await t.drainWebhooks();
      const [during] = e.receiver.received;
      const signatures = String(during!.headers['webhook-signature']).split(' ');
      expect(signatures).toHaveLength(2);
      for (const s of signatures) expect(s).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(standardVerifies(fresh, during!)).toBe(true);
      expect(standardVerifies(old, during!)).toBe(true);
      expect(hireflixVerifies(fresh, during!)).toBe(true);
      expect(hireflixVerifies(old, during!)).toBe(false);

      t.clock.advance(DAY + 1000);
      expect((await e.ws.api.get('/api/webhooks/secret')).body).toEqual({ secret: fresh, previousSecretValidUntil: null });
      await invite(e);
      await t.drainWebhooks();
      const after = e.receiver.received[1]!;
      expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
      expect(standardVerifies(fresh, after)).toBe(true);
      expect(standardVerifies(old, after)).toBe(false);
      expect(hireflixVerifies(fresh, after)).toBe(true);
    });
  });

  describe('deleting a webhook', () => {
    const orphanAttempts = () =>
      t.database.db
        .selectFrom('webhook_attempts as a')
        .leftJoin('webhook_deliveries as d', 'd.id', 'a.delivery_id')
        .select('a.id')
        .where('d.id', 'is', null)
        .execute();

    it('deletes its deliveries and their attempts with it', async () => {
      const e = await endpoint();
      e.receiver.reply = () => ({ status: 500 });
      await invite(e);
      await t.drainWebhooks();
      const [delivery] = await deliveries(e);
      expect(delivery).toMatchObject({ status: 'pending', attempts: 1 });
      const attemptsOf = () => t.database.db.selectFrom('webhook_attempts').select('id').where('delivery_id', '=', delivery.id).execute();
      expect(await attemptsOf()).toHaveLength(1);
      expect((await e.ws.api.delete(`/api/webhooks/${e.hookId}`)).status).toBe(204);
      expect(await t.database.db.selectFrom('webhook_deliveries').select('id').where('webhook_id', '=', e.hookId).execute()).toEqual([]);
      expect(await attemptsOf()).toEqual([]);
      expect(await orphanAttempts()).toEqual([]);
    });

    it('while an event is being sent to it: the answer is not logged, and the outcomes written with it are', async () => {
      const deleted = await endpoint();
      const kept = await endpoint();
      let answer!: () => void;
      const answered = new Promise<void>((resolve) => (answer = resolve));
      deleted.receiver.reply = () => ({ status: 200, hold: answered });
      kept.receiver.reply = () => ({ status: 200, hold: answered });
      await invite(deleted);
      await invite(kept);
      const draining = t.drainWebhooks();
      await expect.poll(() => deleted.receiver.received.length + kept.receiver.received.length).toBe(2);
      expect((await deleted.ws.api.delete(`/api/webhooks/${deleted.hookId}`)).status).toBe(204);
      answer();
      await draining;
      expect(await deliveries(kept)).toMatchObject([{ status: 'succeeded', attempts: 1 }]);
      expect(await orphanAttempts()).toEqual([]);
    });
  });

  describe('the outbox', () => {
    it('is written in the change’s transaction: when the outbox refuses the event, the change is not made either', async () => {
      const e = await endpoint();
      const kept = await invite(e);
      const interviewsBefore = (await e.ws.api.get(`/api/interviews?positionId=${e.positionId}`)).body.items.length;
      // The database refuses this webhook's deliveries, as a full disk or a lost connection would mid-transaction.
      const refuse =
        kind === 'postgres'
          ? [
              `create function outbox_refuses() returns trigger language plpgsql as $$ begin raise exception 'outbox refused'; end $$`,
              `create trigger outbox_refuses before insert on webhook_deliveries for each row when (new.webhook_id = '${e.hookId}') execute function outbox_refuses()`,
            ]
          : [`create trigger outbox_refuses before insert on webhook_deliveries when new.webhook_id = '${e.hookId}' begin select raise(abort, 'outbox refused'); end`];
      for (const statement of refuse) await sql.raw(statement).execute(t.database.db);
      try {
        const invited = await e.ws.api.post(`/api/positions/${e.positionId}/interviews`, { name: 'Nora Never', email: 'nora@example.com', sendEmail: false });
        expect(invited.status).toBe(500);
        expect(invited.body.error.code).toBe('internal');
        expect((await e.ws.api.post(`/api/interviews/${kept}/cancel`)).status).toBe(500);
        expect((await e.ws.api.delete(`/api/interviews/${kept}`)).status).toBe(500);
      } finally {
        await sql.raw('drop trigger outbox_refuses' + (kind === 'postgres' ? ' on webhook_deliveries' : '')).execute(t.database.db);
        if (kind === 'postgres') await sql.raw('drop function outbox_refuses').execute(t.database.db);
      }
      // Nothing of the three changes was made, and none of their events exists.
      expect((await e.ws.api.get(`/api/interviews?positionId=${e.positionId}`)).body.items).toHaveLength(interviewsBefore);
      expect((await e.ws.api.get(`/api/interviews/${kept}`)).body.status).toBe('pending');
      expect(((await e.ws.api.get('/api/webhooks/events?limit=100')).body.items as { event: string }[]).map((ev) => ev.event)).toEqual(['interview.create']);

      expect((await e.ws.api.post(`/api/interviews/${kept}/cancel`)).status).toBe(200);
      await t.drainWebhooks();
      expect(e.receiver.received.map((r) => `${r.json.event}:${r.json.data.status}`)).toEqual(['interview.create:pending', 'interview.status-change:cancelled']);
    });
  });

  describe('subscriptions', () => {
    it('a webhook subscribed only to interview.finish gets nothing on invite, cancel or delete', async () => {
      const e = await endpoint(['interview.finish']);
      const id = await invite(e);
      await e.ws.api.post(`/api/interviews/${id}/cancel`);
      await e.ws.api.delete(`/api/interviews/${id}`);
      await t.drainWebhooks();
      expect(e.receiver.received).toEqual([]);
      expect(await deliveries(e)).toEqual([]);
      expect((await e.ws.api.get('/api/webhooks/events')).body.items).toHaveLength(3);
    });

    it('an inactive webhook gets nothing, including what was queued before it was turned off', async () => {
      const e = await endpoint();
      const queued = await invite(e);
      expect((await e.ws.api.patch(`/api/webhooks/${e.hookId}`, { active: false })).body).toMatchObject({ active: false, disabledReason: null });
      await invite(e);
      await t.drainWebhooks();
      expect(e.receiver.received).toEqual([]);
      const log = await deliveries(e);
      expect(log).toHaveLength(1);
      expect(log[0]).toMatchObject({ interviewId: queued, status: 'cancelled', attempts: 0 });
    });
  });
});
