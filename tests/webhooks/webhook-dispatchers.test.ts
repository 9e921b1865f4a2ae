import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPlatform, type Platform } from '../../server/app.ts';
import { WEBHOOK_EVENTS } from '../../server/db/schema.ts';
import { createLogger } from '../../server/shared/logger.ts';
import type { WebhookSender } from '../../server/webhooks/webhook-sender.ts';
import { WebhookRepository } from '../../server/webhooks/webhook.repository.ts';
import { databaseKinds, openSecondConnection } from '../support/test-databases.ts';
import { createPosition, startTestPlatform, type TestPlatform, type TestWorkspace } from '../support/test-platform.ts';
import { WebhookReceiver, hireflixVerifies, type Received } from './webhook-receiver.ts';

const INTERVIEWS = 67;
/** Each interview: invited, cancelled, deleted; the last one is not deleted. */
const EVENTS = INTERVIEWS * 3 - 1;

/**
 * Two server processes on one database, each with its own dispatcher loop (as with WORKER_ENABLED on
 * both), while the first one takes API calls that write events. On PostgreSQL the second has its own
 * connection pool; on SQLite its own handle on the same file.
 */
describe.each(databaseKinds)('two webhook dispatchers on one %s database', (kind) => {
  let t: TestPlatform;
  let second: Platform;
  let ws: TestWorkspace;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    t = await startTestPlatform(kind, { env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_POLL_MS: '20', WEBHOOK_CONCURRENCY: '8' } });
    second = createPlatform({ config: t.config, db: openSecondConnection(t.database.target), clock: t.clock, logger: createLogger('silent'), workerId: 'second-process' });
    ws = await t.createWorkspace();
    receiver = await WebhookReceiver.start(() => t.clock.now());
  });
  afterAll(async () => {
    await second?.close();
    await receiver?.down();
    await t?.stop();
  });

  const senderOf = (platform: Platform) => (platform.webhookDispatcher as unknown as { sender: WebhookSender }).sender;

  it(`delivers ${EVENTS} events to two webhooks: every webhook-id once per webhook, each interview in order`, async () => {
    for (const path of ['/a', '/b']) {
      expect((await ws.api.post('/api/webhooks', { url: `${receiver.url}${path}`, events: WEBHOOK_EVENTS })).status).toBe(201);
    }
    const secret = (await ws.api.get('/api/webhooks/secret')).body.secret;
    const position = await createPosition(ws.api);
    // Answers take 0 to 2 ms, so deliveries overlap and finish out of send order.
    receiver.reply = (_, i) => ({ status: 200, delayMs: i % 3 });
    const firstSends = vi.spyOn(senderOf(t.running.platform), 'send');
    const secondSends = vi.spyOn(senderOf(second), 'send');
    t.running.platform.webhookDispatcher.start();
    second.webhookDispatcher.start();

    const ids: string[] = [];
    const lifecycle = async (n: number) => {
      const invited = await ws.api.post(`/api/positions/${position.id}/interviews`, { name: `Candidate ${n}`, email: `candidate${n}@example.com`, sendEmail: false });
      expect(invited.status).toBe(201);
      ids[n] = invited.body.id;
      expect((await ws.api.post(`/api/interviews/${invited.body.id}/cancel`)).status).toBe(200);
      if (n < INTERVIEWS - 1) expect((await ws.api.delete(`/api/interviews/${invited.body.id}`)).status).toBe(200);
    };
    // Ten interviews at a time go through their life cycle while both dispatchers send.
    for (let start = 0; start < INTERVIEWS; start += 10) {
      await Promise.all(Array.from({ length: Math.min(10, INTERVIEWS - start) }, (_, i) => lifecycle(start + i)));
    }
    await receiver.waitFor(() => receiver.received.length >= EVENTS * 2, 60_000, `${EVENTS * 2} deliveries`);
    await Promise.all([t.running.platform.webhookDispatcher.stop(), second.webhookDispatcher.stop()]);

    expect(receiver.received).toHaveLength(EVENTS * 2);
    const events = await t.database.db.selectFrom('webhook_events').select(['id', 'interview_id']).where('workspace_id', '=', ws.workspaceId).execute();
    expect(events).toHaveLength(EVENTS);
    for (const path of ['/a', '/b']) {
      const got = receiver.received.filter((r) => r.path === path);
      const counts = new Map<string, number>();
      for (const r of got) counts.set(r.webhookId, (counts.get(r.webhookId) ?? 0) + 1);
      expect([...counts.keys()].sort()).toEqual(events.map((e) => e.id).sort());
      expect([...counts.values()].every((n) => n === 1)).toBe(true);

      const byInterview = new Map<string, Received[]>();
      for (const r of got) byInterview.set(r.json.data.id, [...(byInterview.get(r.json.data.id) ?? []), r]);
      ids.forEach((id, n) => {
        const sequence = byInterview.get(id)!;
        const expected = n < INTERVIEWS - 1 ? ['interview.create', 'interview.status-change', 'interview.delete'] : ['interview.create', 'interview.status-change'];
        expect(sequence.map((r) => r.json.event), `${path} ${id}`).toEqual(expected);
        for (let i = 1; i < sequence.length; i++) expect(sequence[i]!.arrivedSeq).toBeGreaterThan(sequence[i - 1]!.answeredSeq!);
      });
    }
    expect(receiver.received.every((r) => hireflixVerifies(secret, r))).toBe(true);

    // Both processes did part of the work, and together exactly one send per delivery.
    expect(firstSends.mock.calls.length).toBeGreaterThan(0);
    expect(secondSends.mock.calls.length).toBeGreaterThan(0);
    expect(firstSends.mock.calls.length + secondSends.mock.calls.length).toBe(EVENTS * 2);
    const states = await t.database.db.selectFrom('webhook_deliveries').select(['status', 'attempts']).execute();
    expect(states).toHaveLength(EVENTS * 2);
    expect(states.every((d) => d.status === 'succeeded' && d.attempts === 1)).toBe(true);
    expect(await t.database.db.selectFrom('webhook_attempts').select('id').execute()).toHaveLength(EVENTS * 2);
  }, 120_000);
});

/**
 * A dispatcher can outlive its 60 s lease (a paused VM, a long GC pause) while another process takes
 * the delivery over. Both processes are started without a worker id, as two containers would be,
 * where the process id is the same (often 1).
 */
describe.each(databaseKinds)('a dispatcher that outlived its lease on %s', (kind) => {
  let t: TestPlatform;
  let second: Platform;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    t = await startTestPlatform(kind, { env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' } });
    second = createPlatform({ config: t.config, db: openSecondConnection(t.database.target), clock: t.clock, logger: createLogger('silent') });
    receiver = await WebhookReceiver.start(() => t.clock.now());
  });
  afterAll(async () => {
    await second?.close();
    await receiver?.down();
    await t?.stop();
  });

  it('cannot overwrite the outcome recorded by the dispatcher that took the delivery over', async () => {
    const ws = await t.createWorkspace();
    const hook = await ws.api.post('/api/webhooks', { url: `${receiver.url}/hook`, events: WEBHOOK_EVENTS });
    const position = await createPosition(ws.api);
    let releaseStale!: () => void;
    let releaseTakeover!: () => void;
    const stale = new Promise<void>((resolve) => (releaseStale = resolve));
    const takeover = new Promise<void>((resolve) => (releaseTakeover = resolve));
    receiver.reply = (_, i) => (i === 0 ? { status: 500, body: 'late answer', hold: stale } : i === 1 ? { status: 200, body: 'ok', hold: takeover } : { status: 200 });
    expect((await ws.api.post(`/api/positions/${position.id}/interviews`, { name: 'Lee Lease', email: 'lee@example.com', sendEmail: false })).status).toBe(201);

    const first = t.drainWebhooks();
    await receiver.waitFor(() => receiver.received.length === 1);
    t.clock.advance(61_000);
    const next = second.webhookDispatcher.drain();
    await receiver.waitFor(() => receiver.received.length === 2);
    expect(receiver.received[1]!.webhookId).toBe(receiver.received[0]!.webhookId);
    // The first process hears back (500) while the second one still holds the delivery.
    releaseStale();
    await first;
    releaseTakeover();
    await next;

    const [delivery] = (await ws.api.get(`/api/webhooks/${hook.body.id}/deliveries`)).body.items;
    expect(delivery).toMatchObject({ status: 'succeeded', lastStatusCode: 200 });
    t.clock.advance(24 * 3600_000);
    await t.drainWebhooks();
    await second.webhookDispatcher.drain();
    expect(receiver.received).toHaveLength(2);
  });
});

/** One slot, so a second run waits for it with its lease running. */
describe.each(databaseKinds)('a dispatcher holding a claimed run on %s', (kind) => {
  let t: TestPlatform;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    t = await startTestPlatform(kind, { env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_POLL_MS: '20', WEBHOOK_CONCURRENCY: '1' } });
    receiver = await WebhookReceiver.start(() => t.clock.now());
  });
  afterAll(async () => {
    await receiver?.down();
    await t?.stop();
  });

  it('does not send a run whose lease ran short while it waited for a slot: it is claimed again, with a lease of its own', async () => {
    const ws = await t.createWorkspace();
    const hook = await ws.api.post('/api/webhooks', { url: `${receiver.url}/hook`, events: WEBHOOK_EVENTS });
    const position = await createPosition(ws.api);
    for (const name of ['Ada', 'Bo']) {
      expect((await ws.api.post(`/api/positions/${position.id}/interviews`, { name, email: `${name.toLowerCase()}@example.com`, sendEmail: false })).status).toBe(201);
    }
    let answer!: () => void;
    const held = new Promise<void>((resolve) => (answer = resolve));
    const leaseLeft: number[] = [];
    // Each answer waits until the lease of the delivery being sent has been read.
    receiver.reply = (r, i) => {
      const read = t.database.db
        .selectFrom('webhook_deliveries as d')
        .innerJoin('webhook_events as ev', 'ev.seq', 'd.event_seq')
        .select('d.locked_until')
        .where('ev.id', '=', r.webhookId)
        .where('d.webhook_id', '=', hook.body.id)
        .executeTakeFirstOrThrow()
        .then((row) => void leaseLeft.push(row.locked_until! - t.clock.now()));
      return { status: 200, hold: i === 0 ? Promise.all([read, held]) : read };
    };
    const dispatcher = t.running.platform.webhookDispatcher;
    dispatcher.start();
    try {
      await receiver.waitFor(() => leaseLeft.length === 1);
      // Both invitations were claimed together; the second waits for the one slot. The first answer takes 45 s.
      t.clock.advance(45_000);
      answer();
      await receiver.waitFor(() => leaseLeft.length === 2);
    } finally {
      await dispatcher.stop();
    }
    expect(leaseLeft).toEqual([60_000, 60_000]);
    expect([...receiver.countsById().values()]).toEqual([1, 1]);
  });
});


/**
 * One slot, so the runs a claim took wait for it: a webhook that stops while this process holds them (it answered 410,
 * or an admin paused it, here or through another process) gets nothing more of them.
 */
describe.each(databaseKinds)('a webhook that stops while a dispatcher holds runs of it on %s', (kind) => {
  let t: TestPlatform;
  let second: Platform;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    t = await startTestPlatform(kind, { env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_POLL_MS: '20', WEBHOOK_CONCURRENCY: '1' } });
    second = createPlatform({ config: t.config, db: openSecondConnection(t.database.target), clock: t.clock, logger: createLogger('silent'), workerId: 'second-process' });
    receiver = await WebhookReceiver.start(() => t.clock.now());
  });
  afterAll(async () => {
    await second?.close();
    await receiver?.down();
    await t?.stop();
  });

  /**
   * A workspace with one webhook and three interviews' events queued before the dispatcher starts: the first interview
   * invited and (unless told not to) cancelled, a run of two; the others invited. The dispatcher claims the three runs at once.
   */
  async function queued({ cancelFirst = true } = {}) {
    const ws = await t.createWorkspace();
    const path = `/${ws.workspaceId}`;
    const hook = (await ws.api.post('/api/webhooks', { url: `${receiver.url}${path}`, events: WEBHOOK_EVENTS })).body;
    const position = await createPosition(ws.api);
    const ids: string[] = [];
    for (const name of ['Ada', 'Bo', 'Cy']) {
      const invited = await ws.api.post(`/api/positions/${position.id}/interviews`, { name, email: `${name.toLowerCase()}@example.com`, sendEmail: false });
      expect(invited.status).toBe(201);
      ids.push(invited.body.id);
    }
    if (cancelFirst) expect((await ws.api.post(`/api/interviews/${ids[0]}/cancel`)).status).toBe(200);
    const got = () => receiver.received.filter((r) => r.path === path);
    const log = async () =>
      ((await ws.api.get(`/api/webhooks/${hook.id}/deliveries?limit=100`)).body.items as any[])
        .map((d) => `${d.interviewId === ids[0] ? 'first' : 'other'} ${d.event} ${d.status} ${d.attempts}`)
        .sort();
    return { ws, hook, ids, got, log };
  }

  /** Runs the dispatcher on its own loop until `until` is done, then a while longer: time for anything it still would send. */
  async function dispatching(until: () => Promise<void>): Promise<void> {
    const dispatcher = t.running.platform.webhookDispatcher;
    dispatcher.start();
    try {
      await until();
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      await dispatcher.stop();
    }
  }

  it('after a 410 sends it nothing more: neither the rest of the run nor the runs waiting for the slot', async () => {
    const { ws, hook, got, log } = await queued();
    receiver.reply = () => ({ status: 410, body: 'gone' });
    await dispatching(() => receiver.waitFor(() => got().length === 1));
    expect(got().map((r) => r.json.event)).toEqual(['interview.create']);
    expect((await ws.api.get(`/api/webhooks/${hook.id}`)).body).toMatchObject({ active: false, disabledReason: expect.stringMatching(/410/) });
    expect(await log()).toEqual([
      'first interview.create failed 1',
      'first interview.status-change cancelled 0',
      'other interview.create cancelled 0',
      'other interview.create cancelled 0',
    ]);
    t.clock.advance(24 * 3600_000);
    await t.drainWebhooks();
    expect(got()).toHaveLength(1);
  });

  it('paused while it is being sent to: nothing more goes out, and what the pause cancelled stays cancelled', async () => {
    const { ws, hook, got, log } = await queued();
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    receiver.reply = () => ({ status: 200, hold: answered });
    await dispatching(async () => {
      await receiver.waitFor(() => got().length >= 1);
      expect((await ws.api.patch(`/api/webhooks/${hook.id}`, { active: false })).body).toMatchObject({ active: false, disabledReason: null });
      answer();
    });
    expect(got().map((r) => r.json.event)).toEqual(['interview.create']);
    // The answer that came after the pause is logged, and does not make its delivery succeeded.
    expect(await log()).toEqual([
      'first interview.create cancelled 0',
      'first interview.status-change cancelled 0',
      'other interview.create cancelled 0',
      'other interview.create cancelled 0',
    ]);
    const first = ((await ws.api.get(`/api/webhooks/${hook.id}/deliveries?limit=100`)).body.items as any[]).find((d) => d.event === 'interview.create' && d.attempts === 0 && got()[0]!.webhookId === d.eventId);
    expect((await ws.api.get(`/api/webhooks/${hook.id}/deliveries/${first.id}`)).body).toMatchObject({ status: 'cancelled', attempts: [{ attempt: 1, statusCode: 200 }] });

    // Turned on again: new events go out, what the pause cancelled does not.
    receiver.reply = () => ({ status: 200 });
    expect((await ws.api.patch(`/api/webhooks/${hook.id}`, { active: true })).body.active).toBe(true);
    await t.drainWebhooks();
    expect(got()).toHaveLength(1);
  });

  it('paused while a claim of its runs is on its way: the runs that claim brings are not sent', async () => {
    const { ws, hook, got, log } = await queued({ cancelFirst: false });
    // The claim reads the webhook as active and leases its runs; the pause lands before the claim's answer does.
    const claim = WebhookRepository.prototype.claim;
    let claimed!: () => void;
    const claimRead = new Promise<void>((resolve) => (claimed = resolve));
    let letAnswer!: () => void;
    const answer = new Promise<void>((resolve) => (letAnswer = resolve));
    let held = false;
    let broughtRuns = 0;
    const spy = vi.spyOn(WebhookRepository.prototype, 'claim').mockImplementation(async function (this: WebhookRepository, ...args) {
      const runs = await claim.apply(this, args);
      if (runs.length > 0 && !held) {
        held = true;
        broughtRuns = runs.length;
        claimed();
        await answer;
      }
      return runs;
    });
    receiver.reply = () => ({ status: 200 });
    try {
      await dispatching(async () => {
        try {
          await claimRead;
          expect((await t.running.platform.services.webhooks.update(ws.workspaceId, hook.id, { active: false })).active).toBe(false);
        } finally {
          letAnswer();
        }
      });
    } finally {
      spy.mockRestore();
    }
    // The held claim did bring the three runs; none of them was sent.
    expect(broughtRuns).toBe(3);
    expect(got()).toEqual([]);
    expect(await log()).toEqual(['first interview.create cancelled 0', 'other interview.create cancelled 0', 'other interview.create cancelled 0']);
  });

  it('paused through another server process: the runs this one has held for a second are not sent', async () => {
    // Runs of one event: the other process's pause reaches this one through the database, before its next run (the rest of
    // a run being sent stops only once its outcome is found unwritten). A run re-reads its state once it has waited a
    // second for the slot.
    const { ws, hook, got, log } = await queued({ cancelFirst: false });
    let answer!: () => void;
    const answered = new Promise<void>((resolve) => (answer = resolve));
    receiver.reply = () => ({ status: 200, hold: answered });
    await dispatching(async () => {
      await receiver.waitFor(() => got().length >= 1);
      const paused = await second.services.webhooks.update(ws.workspaceId, hook.id, { active: false });
      expect(paused.active).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      answer();
    });
    expect(got()).toHaveLength(1);
    expect(await log()).toEqual(['first interview.create cancelled 0', 'other interview.create cancelled 0', 'other interview.create cancelled 0']);
  });
});

/** Two slots: a webhook's share of them is one while another webhook's runs wait. */
describe.each(databaseKinds)('slots shared between webhooks on %s', (kind) => {
  let t: TestPlatform;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    t = await startTestPlatform(kind, { env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_POLL_MS: '20', WEBHOOK_CONCURRENCY: '2' } });
    receiver = await WebhookReceiver.start(() => t.clock.now());
  });
  afterAll(async () => {
    await receiver?.down();
    await t?.stop();
  });

  it('one slow endpoint does not hold up another workspace’s webhook; each still gets every event once, in order', async () => {
    const slow = await t.createWorkspace();
    const fast = await t.createWorkspace();
    for (const ws of [slow, fast]) expect((await ws.api.post('/api/webhooks', { url: `${receiver.url}/${ws.workspaceId}`, events: WEBHOOK_EVENTS })).status).toBe(201);
    const of = (ws: TestWorkspace) => receiver.received.filter((r) => r.path === `/${ws.workspaceId}`);
    let answerSlow!: () => void;
    const slowAnswers = new Promise<void>((resolve) => (answerSlow = resolve));
    receiver.reply = (r) => ({ status: 200, hold: r.path === `/${slow.workspaceId}` ? slowAnswers : undefined });
    // The slow workspace's events come first: four interviews invited and cancelled (runs of two), then one of the other's.
    const slowPosition = await createPosition(slow.api);
    for (let n = 0; n < 4; n++) {
      const invited = await slow.api.post(`/api/positions/${slowPosition.id}/interviews`, { name: `Slow ${n}`, email: `slow${n}@example.com`, sendEmail: false });
      expect((await slow.api.post(`/api/interviews/${invited.body.id}/cancel`)).status).toBe(200);
    }
    t.clock.advance(1000);
    const fastPosition = await createPosition(fast.api);
    expect((await fast.api.post(`/api/positions/${fastPosition.id}/interviews`, { name: 'Quick', email: 'quick@example.com', sendEmail: false })).status).toBe(201);

    const dispatcher = t.running.platform.webhookDispatcher;
    dispatcher.start();
    try {
      // Sent while the slow endpoint has answered nothing yet.
      await receiver.waitFor(() => of(fast).length === 1, 5000, 'the fast endpoint’s event');
      expect(of(slow).length).toBeGreaterThan(0);
      expect(of(slow).every((r) => r.answeredSeq === undefined)).toBe(true);
      answerSlow();
      await receiver.waitFor(() => of(slow).length === 8, 10_000, 'the slow endpoint’s eight events');
    } finally {
      await dispatcher.stop();
    }
    expect([...receiver.countsById().values()].every((n) => n === 1)).toBe(true);
    const byInterview = new Map<string, Received[]>();
    for (const r of of(slow)) byInterview.set(r.json.data.id, [...(byInterview.get(r.json.data.id) ?? []), r]);
    expect(byInterview.size).toBe(4);
    for (const sequence of byInterview.values()) {
      expect(sequence.map((r) => r.json.event)).toEqual(['interview.create', 'interview.status-change']);
      expect(sequence[1]!.arrivedSeq).toBeGreaterThan(sequence[0]!.answeredSeq!);
    }
  });
});

/** What a failed delivery logs: ATSs put tokens in webhook URLs (user info, query string), which stay out of the log. */
describe.each(databaseKinds)('the log of a failed delivery on %s', (kind) => {
  let t: TestPlatform;
  let logged: Platform;
  let receiver: WebhookReceiver;
  const lines: { msg: string; extra?: object }[] = [];
  const capture = (msg: string, extra?: object) => void lines.push({ msg, extra });

  beforeAll(async () => {
    t = await startTestPlatform(kind, { env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' } });
    logged = createPlatform({ config: t.config, db: openSecondConnection(t.database.target), clock: t.clock, logger: { debug: capture, info: capture, warn: capture, error: capture }, workerId: 'logged-process' });
    receiver = await WebhookReceiver.start(() => t.clock.now());
  });
  afterAll(async () => {
    await logged?.close();
    await receiver?.down();
    await t?.stop();
  });

  it('names the webhook URL without its user info, query string or fragment', async () => {
    const ws = await t.createWorkspace();
    const hook = await ws.api.post('/api/webhooks', { url: `http://127.0.0.1:${receiver.port}/hooks/ats?token=s3cr3t#frag`, events: WEBHOOK_EVENTS });
    expect(hook.status).toBe(201);
    // Credentials in the URL are refused when it is saved; as one saved before that rule was, straight in the database.
    await t.database.db.updateTable('webhooks').set({ url: `http://ats-user:ats-password@127.0.0.1:${receiver.port}/hooks/ats?token=s3cr3t` }).where('id', '=', hook.body.id).execute();
    receiver.reply = () => ({ status: 500 });
    const position = await createPosition(ws.api);
    expect((await ws.api.post(`/api/positions/${position.id}/interviews`, { name: 'Lou', email: 'lou@example.com', sendEmail: false })).status).toBe(201);
    await logged.webhookDispatcher.drain();
    expect(receiver.received.map((r) => r.path)).toEqual(['/hooks/ats?token=s3cr3t']);
    const failed = lines.filter((l) => l.msg === 'webhook delivery failed');
    expect(failed).toEqual([{ msg: 'webhook delivery failed', extra: expect.objectContaining({ url: `http://127.0.0.1:${receiver.port}/hooks/ats`, status: 500 }) }]);
    expect(JSON.stringify(lines)).not.toMatch(/s3cr3t|ats-password|ats-user/);
  });
});
