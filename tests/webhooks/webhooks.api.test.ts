import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPIRY_SWEEP_JOB } from '../../server/interviews/interview.service.ts';
import { WEBHOOK_EVENTS } from '../../server/db/schema.ts';
import { mediaRecorderChunks, removeMediaFixtures } from '../support/media-fixtures.ts';
import { databaseKinds, openSecondConnection } from '../support/test-databases.ts';
import { ApiClient, createPosition, startTestPlatform, type TestPlatform, type TestWorkspace } from '../support/test-platform.ts';
import {
  INTERVIEW_KEYS,
  WebhookReceiver,
  fixtureMismatches,
  hireflixFixture,
  hireflixVerifies,
  standardVerifies,
  type Received,
} from './webhook-receiver.ts';

// Deliberately not the address the server listens on: every link in a payload must come from the configuration.
const PUBLIC_BASE = 'https://interviews.example.test';
const WEBM = 'video/webm;codecs=vp8,opus';
const RECORDING_SECONDS = 2;

/**
 * One real run of the product, observed by real endpoints: an invitation that is completed by a
 * candidate through the API, scored, shortlisted, discarded and deleted; one that is cancelled; one that
 * expires. Everything up to the deletion is sent in a single drain, so ordering is the dispatcher's job.
 */
describe.each(databaseKinds)('webhooks from a real run on %s', (kind) => {
  let t: TestPlatform;
  let ws: TestWorkspace;
  let other: TestWorkspace;
  let secret: string;
  let chunks: Buffer[];
  let positionId: string;
  /** Subscribed to every event; answers a little later so a second request in flight would show. */
  let main: WebhookReceiver;
  let finishOnly: WebhookReceiver;
  let inactive: WebhookReceiver;
  let elsewhere: WebhookReceiver;
  let mainHookId: string;
  let inactiveHookId: string;
  const receivers: WebhookReceiver[] = [];
  const ids = { completed: '', cancelled: '', expired: '' };
  const views: Record<string, any> = {};
  const at: Record<string, number> = {};

  const step = () => t.clock.advance(1000);
  const forInterview = (receiver: WebhookReceiver, id: string) => receiver.received.filter((r) => r.json?.data?.id === id);
  const statusOf = (r: Received) => (r.json.event === 'interview.status-change' ? `${r.json.event}:${r.json.data.status}` : r.json.event);

  async function startReceiver(): Promise<WebhookReceiver> {
    const receiver = await WebhookReceiver.start(() => t.clock.now());
    receivers.push(receiver);
    return receiver;
  }

  async function register(client: ApiClient, receiver: WebhookReceiver, events: readonly string[], extra: object = {}) {
    const res = await client.post('/api/webhooks', { url: `${receiver.url}/hooks/hireflix`, events, ...extra });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  }

  async function invite(candidate: object) {
    const res = await ws.api.post(`/api/positions/${positionId}/interviews`, { sendEmail: false, ...candidate });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  }

  /** The candidate answers every question through the candidate API with real MediaRecorder-like chunks. */
  async function completeAsCandidate(publicUrl: string) {
    const token = publicUrl.split('/i/')[1]!;
    const candidate = new ApiClient(t.url);
    const state = await candidate.get(`/api/candidate/${token}`);
    expect(state.status).toBe(200);
    for (const question of state.body.questions as { id: string }[]) {
      const take = await candidate.post(`/api/candidate/${token}/questions/${question.id}/takes`, { mimeType: WEBM });
      expect(take.status).toBe(201);
      for (const [seq, chunk] of chunks.entries()) {
        const put = await candidate.request('PUT', `/api/candidate/${token}/answers/${take.body.answerId}/chunks/${seq}`, chunk, { 'content-type': 'application/octet-stream' });
        expect(put.status).toBe(201);
      }
      expect((await candidate.post(`/api/candidate/${token}/answers/${take.body.answerId}/submit`, { chunkCount: chunks.length })).status).toBe(200);
    }
    // Finalisation (ffmpeg) completes the interview and writes interview.finish and the status change.
    await t.drainJobs();
  }

  beforeAll(async () => {
    t = await startTestPlatform(kind, { env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', PUBLIC_BASE_URL: PUBLIC_BASE } });
    ws = await t.createWorkspace('Acme');
    other = await t.createWorkspace('Globex');
    chunks = await mediaRecorderChunks(RECORDING_SECONDS);
    [main, finishOnly, inactive, elsewhere] = await Promise.all([startReceiver(), startReceiver(), startReceiver(), startReceiver()]);
    main.reply = () => ({ status: 200, body: 'received', delayMs: 15 });
    mainHookId = await register(ws.api, main, WEBHOOK_EVENTS);
    await register(ws.api, finishOnly, ['interview.finish']);
    inactiveHookId = await register(ws.api, inactive, WEBHOOK_EVENTS, { active: false });
    await register(other.api, elsewhere, WEBHOOK_EVENTS);
    secret = (await ws.api.get('/api/webhooks/secret')).body.secret;
    const position = await createPosition(ws.api, 'Social Media Manager');
    positionId = position.id;

    at.invited = t.clock.now();
    views.completed = await invite({ firstName: 'Ada', lastName: 'Lovelace', email: `ada.${randomBytes(3).toString('hex')}@example.com`, phone: '+44 20 7946 0000', externalId: 'ats-123' });
    views.cancelled = await invite({ name: 'Zoë Ångström-Øre 李', email: `zoe.${randomBytes(3).toString('hex')}@example.com` });
    views.expired = await invite({ name: 'Grace Hopper', email: `grace.${randomBytes(3).toString('hex')}@example.com`, expiresAt: at.invited + 3600_000 });
    ids.completed = views.completed.id;
    ids.cancelled = views.cancelled.id;
    ids.expired = views.expired.id;

    step();
    at.cancelled = t.clock.now();
    expect((await ws.api.post(`/api/interviews/${ids.cancelled}/cancel`)).status).toBe(200);
    step();
    at.completed = t.clock.now();
    await completeAsCandidate(views.completed.url.public);
    expect((await ws.api.get(`/api/interviews/${ids.completed}`)).body.status).toBe('completed');
    step();
    at.scored = t.clock.now();
    const review = await ws.session.put(`/api/interviews/${ids.completed}/review`, { overallScore: 4, questionScores: {} });
    expect(review.status, JSON.stringify(review.body)).toBe(200);
    // Saving the same score again changes nothing, so no second interview.score-updated (the sequence below says so).
    expect((await ws.session.put(`/api/interviews/${ids.completed}/review`, { overallScore: 4, questionScores: {} })).status).toBe(200);
    step();
    at.shortlisted = t.clock.now();
    expect((await ws.session.post(`/api/interviews/${ids.completed}/decision`, { decision: 'shortlisted' })).status).toBe(200);
    step();
    at.discarded = t.clock.now();
    expect((await ws.api.post(`/api/interviews/${ids.completed}/decision`, { decision: 'discarded' })).status).toBe(200);

    t.clock.advance(3600_000);
    at.expired = t.clock.now();
    await t.running.platform.ctx.jobs.enqueue({ name: EXPIRY_SWEEP_JOB, uniqueKey: `recurring:${EXPIRY_SWEEP_JOB}` });
    await t.drainJobs();

    // Nothing was sent while the run went on: the worker is off. Now the outbox goes out in one go.
    expect(main.received).toEqual([]);
    await t.drainWebhooks();
  });

  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.down()));
    await t?.stop();
    await removeMediaFixtures();
  });

  it('sends every event of the run once, and each interview’s events in order, one at a time', async () => {
    expect(forInterview(main, ids.completed).map(statusOf)).toEqual([
      'interview.create',
      'interview.finish',
      'interview.status-change:completed',
      'interview.score-updated',
      'interview.status-change:shortlisted',
      'interview.status-change:discarded',
    ]);
    expect(forInterview(main, ids.cancelled).map(statusOf)).toEqual(['interview.create', 'interview.status-change:cancelled']);
    expect(forInterview(main, ids.expired).map(statusOf)).toEqual(['interview.create', 'interview.status-change:expired']);
    expect(main.received).toHaveLength(10);
    expect([...main.countsById().values()].every((n) => n === 1)).toBe(true);

    for (const id of Object.values(ids)) {
      const arrived = forInterview(main, id);
      for (let i = 1; i < arrived.length; i++) {
        // The next event of an interview is sent only after the receiver answered the previous one.
        expect(arrived[i]!.arrivedSeq).toBeGreaterThan(arrived[i - 1]!.answeredSeq!);
        expect(arrived[i]!.json.date).toBeGreaterThanOrEqual(arrived[i - 1]!.json.date);
      }
    }
    const dates = forInterview(main, ids.completed).map((r) => r.json.date);
    expect(dates).toEqual([at.invited, at.completed, at.completed, at.scored, at.shortlisted, at.discarded]);
    expect(forInterview(main, ids.cancelled)[1]!.json.date).toBe(at.cancelled);
    expect(forInterview(main, ids.expired)[1]!.json.date).toBe(at.expired);

    const log = await ws.api.get(`/api/webhooks/${mainHookId}/deliveries?limit=50`);
    expect(log.status).toBe(200);
    expect(log.body.items).toHaveLength(10);
    for (const item of log.body.items) expect(item).toMatchObject({ status: 'succeeded', attempts: 1, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
    expect(new Set(log.body.items.map((i: any) => i.eventId))).toEqual(new Set(main.received.map((r) => r.webhookId)));
    expect(new Set(log.body.items.map((i: any) => i.interviewId))).toEqual(new Set(Object.values(ids)));
    // The same log, three at a time.
    const paged: any[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await ws.api.get(`/api/webhooks/${mainHookId}/deliveries?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      paged.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(paged).toEqual(log.body.items);
  });

  it('signs every delivery so Hireflix’s verifier and the Standard Webhooks verifier accept it; a wrong secret or body fails both', () => {
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const wrongSecrets = [`whsec_${randomBytes(32).toString('base64')}`, secret.slice(0, -4) + 'AAA='];
    for (const r of main.received) {
      expect(r.headers['content-type']).toBe('application/json');
      // Compact JSON.stringify output, so re-serialising (Hireflix's way) gives the very bytes that were signed.
      expect(JSON.stringify(JSON.parse(r.body))).toBe(r.body);
      expect(hireflixVerifies(secret, r), `x-hireflix-signature of ${r.json.event}`).toBe(true);
      expect(standardVerifies(secret, r), `webhook-signature of ${r.json.event}`).toBe(true);
      expect(r.webhookId).toMatch(/^msg_/);
      expect(Number(r.headers['webhook-timestamp'])).toBe(Math.floor(r.clockAt / 1000));
      expect(String(r.headers['webhook-signature']).split(' ')).toHaveLength(1);
      for (const wrong of wrongSecrets) {
        expect(hireflixVerifies(wrong, r)).toBe(false);
        expect(standardVerifies(wrong, r)).toBe(false);
      }
      const tampered = { ...r, body: r.body.replace('"date":', '"date":1') };
      expect(hireflixVerifies(secret, tampered)).toBe(false);
      expect(standardVerifies(secret, tampered)).toBe(false);
    }
    // A replayed delivery outside the tolerance is refused by the stock verifier.
    const replay = { ...main.received[0]!, clockAt: main.received[0]!.clockAt + 10 * 60_000 };
    expect(standardVerifies(secret, replay)).toBe(false);
  });

  it('carries every key of Hireflix’s own payloads with the same types, and the state each change left', () => {
    for (const r of main.received) {
      expect(Object.keys(r.json).sort()).toEqual(['data', 'date', 'event']);
      expect(fixtureMismatches(hireflixFixture(r.json.event), r.json), `${r.json.event} ${r.json.data.status}`).toEqual([]);
      expect(Object.keys(r.json.data)).toEqual(expect.arrayContaining(INTERVIEW_KEYS));
    }
    const [created, finished, completed, scored, shortlisted, discarded] = forInterview(main, ids.completed).map((r) => r.json.data);
    const position = { id: positionId, name: 'Social Media Manager' };
    expect(created).toMatchObject({
      id: ids.completed,
      position,
      externalId: 'ats-123',
      status: 'pending',
      hash: views.completed.hash,
      createdAt: at.invited,
      candidate: { name: 'Ada Lovelace', firstName: 'Ada', lastName: 'Lovelace', email: views.completed.candidate.email, phone: '+44 20 7946 0000' },
      score: null,
      completed: null,
      deleted: null,
      archived: null,
      finalist: null,
      answered: false,
      thumbnail: null,
    });
    const done = { status: 'completed', completed: at.completed, answered: true, score: null, archived: null, finalist: null, deleted: null };
    expect(finished).toMatchObject(done);
    expect(completed).toMatchObject(done);
    expect(finished.thumbnail).toEqual(expect.any(String));
    expect(scored).toMatchObject({ ...done, score: { value: 4 } });
    expect(shortlisted).toMatchObject({ status: 'shortlisted', score: { value: 4 }, finalist: at.shortlisted, archived: null, completed: at.completed });
    expect(discarded).toMatchObject({ status: 'discarded', score: { value: 4 }, archived: at.discarded, finalist: null, completed: at.completed });
    expect(forInterview(main, ids.cancelled)[1]!.json.data).toMatchObject({ status: 'cancelled', candidate: { name: 'Zoë Ångström-Øre 李', firstName: 'Zoë', lastName: 'Ångström-Øre 李', phone: null }, externalId: null });
    expect(forInterview(main, ids.expired)[1]!.json.data).toMatchObject({ status: 'expired', completed: null, answered: false });
  });

  it('builds every link from PUBLIC_BASE_URL; the finish thumbnail is a JPEG anyone with the URL can fetch', async () => {
    for (const r of main.received) {
      const { url, thumbnail, id } = r.json.data;
      for (const link of [url.short, url.private, url.public]) expect(link.startsWith(`${PUBLIC_BASE}/`), link).toBe(true);
      expect(url.private).toBe(`${PUBLIC_BASE}/admin/interviews/${id}`);
      if (thumbnail !== null) expect(thumbnail.startsWith(`${PUBLIC_BASE}/`), thumbnail).toBe(true);
    }
    const finished = main.ofEvent('interview.finish')[0]!.json.data;
    expect(finished.url).toEqual(views.completed.url);
    // Fetched where the server really listens, with no cookie and no API key: the signature is the credential.
    const thumbnail = new URL(finished.thumbnail);
    const res = await fetch(`${t.url}${thumbnail.pathname}${thumbnail.search}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/jpeg/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.subarray(0, 2).toString('hex')).toBe('ffd8');
    expect(bytes.subarray(-2).toString('hex')).toBe('ffd9');
    // Long-lived enough for an ATS to store: the signature holds for a year.
    expect(Number(thumbnail.searchParams.get('expires')) * 1000).toBeGreaterThan(t.clock.now() + 360 * 24 * 3600_000);
    // The short link leads to the candidate page.
    const short = await fetch(`${t.url}${new URL(finished.url.short).pathname}`, { redirect: 'manual' });
    expect(short.status).toBe(302);
    expect(short.headers.get('location')).toBe(new URL(finished.url.public).pathname);
  });

  it('honours subscriptions: finish-only gets only the finish, an inactive webhook and another workspace get nothing', async () => {
    expect(finishOnly.received.map((r) => [r.json.event, r.json.data.id])).toEqual([['interview.finish', ids.completed]]);
    const [finish] = finishOnly.received;
    expect(hireflixVerifies(secret, finish!)).toBe(true);
    expect(standardVerifies(secret, finish!)).toBe(true);
    expect(finish!.webhookId).toBe(main.ofEvent('interview.finish')[0]!.webhookId);
    expect(inactive.received).toEqual([]);
    expect((await ws.api.get(`/api/webhooks/${inactiveHookId}/deliveries`)).body.items).toEqual([]);
    expect(elsewhere.received).toEqual([]);
  });

  it('sends interview.delete with `deleted` set, after every earlier event of the interview', async () => {
    step();
    at.deleted = t.clock.now();
    const before = main.received.length;
    expect((await ws.api.delete(`/api/interviews/${ids.completed}`)).status).toBe(200);
    await t.drainWebhooks();
    expect(main.received.slice(before).map(statusOf)).toEqual(['interview.delete']);
    const deleted = main.received.at(-1)!;
    expect(hireflixVerifies(secret, deleted)).toBe(true);
    expect(standardVerifies(secret, deleted)).toBe(true);
    expect(fixtureMismatches(hireflixFixture('interview.delete'), deleted.json)).toEqual([]);
    expect(deleted.json).toMatchObject({ event: 'interview.delete', date: at.deleted });
    // The interview as it was, stamped with its deletion time.
    expect(deleted.json.data).toMatchObject({ id: ids.completed, deleted: at.deleted, status: 'discarded', archived: at.discarded, score: { value: 4 }, completed: at.completed });
    expect(Object.keys(deleted.json.data)).toEqual(expect.arrayContaining(INTERVIEW_KEYS));
    expect(finishOnly.received).toHaveLength(1);
    expect(elsewhere.received).toEqual([]);
  });

  it('sends the mean of two reviewers who save their scores at the same moment', async () => {
    const email = `rita.${randomBytes(4).toString('hex')}@example.com`;
    const invitation = await ws.session.post('/api/members/invitations', { email, role: 'reviewer' });
    const token = new URL(invitation.body.acceptUrl).searchParams.get('token');
    expect((await t.anonymous().post('/api/member-invitations/accept', { token, name: 'Rita Reviewer', password: 'reviewer passphrase' })).status).toBe(200);
    const reviewer = t.anonymous();
    expect((await reviewer.login(email, 'reviewer passphrase')).status).toBe(200);
    const interview = await invite({ name: 'Concurrent Scores', email: `scores.${randomBytes(3).toString('hex')}@example.com` });
    await completeAsCandidate(interview.url.public);
    step();

    const save = () =>
      Promise.all([
        ws.session.put(`/api/interviews/${interview.id}/review`, { overallScore: 4, questionScores: {} }),
        reviewer.put(`/api/interviews/${interview.id}/review`, { overallScore: 5, questionScores: {} }),
      ]);
    let saved: Awaited<ReturnType<typeof save>>;
    if (kind === 'postgres') {
      // Hold the interview row so both saves are in flight together, then let them go: the interleaving
      // two reviewers clicking at once can produce, made certain.
      const blocker = openSecondConnection(t.database.target);
      let release!: () => void;
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const holding = blocker.transaction().execute(async (trx) => {
        await sql`select id from interviews where id = ${interview.id} for update`.execute(trx);
        locked();
        await new Promise<void>((resolve) => (release = resolve));
      });
      await isLocked;
      const saving = save();
      const deadline = Date.now() + 10_000;
      for (;;) {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(blocker);
        if (rows[0]!.n >= 2) break;
        if (Date.now() > deadline) throw new Error(`the two saves never met at the interview row (${rows[0]!.n} waiting)`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      release();
      await holding;
      saved = await saving;
      await blocker.destroy();
    } else {
      saved = await save();
    }
    for (const res of saved) expect(res.status, JSON.stringify(res.body)).toBe(200);

    expect((await ws.api.get(`/api/interviews/${interview.id}/reviews`)).body.score).toBe(4.5);
    expect((await ws.api.get(`/api/interviews/${interview.id}`)).body.score).toBe(4.5);
    await t.drainWebhooks();
    const scores = forInterview(main, interview.id).filter((r) => r.json.event === 'interview.score-updated');
    expect(scores.length).toBeGreaterThanOrEqual(1);
    expect(scores.at(-1)!.json.data.score).toEqual({ value: 4.5 });
    for (const r of scores) expect(hireflixVerifies(secret, r) && standardVerifies(secret, r)).toBe(true);
  });
});
