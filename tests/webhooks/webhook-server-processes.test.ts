import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_EVENTS } from '../../server/db/schema.ts';
import { createTestDatabase, databaseKinds, type DatabaseKind, type TestDatabase } from '../support/test-databases.ts';
import { createWorkspaceCli, startServerProcess, type ServerProcess } from '../support/server-process.ts';
import { ApiClient, createPosition } from '../support/test-platform.ts';
import { hireflixVerifies, standardVerifies, WebhookReceiver } from './webhook-receiver.ts';

interface Fixture {
  dir: string;
  database: TestDatabase;
  /** DATABASE_URL or SQLITE_PATH of the fixture's database. */
  dbEnv: Record<string, string>;
  receiver: WebhookReceiver;
  /** A server process of its own (scripts/bench/bench-server.ts), as in production, killed at the end. */
  serverProcess(env: Record<string, string>): Promise<ServerProcess>;
  /** A workspace made with the operator CLI; its API key. */
  workspaceKey(): Promise<string>;
}

/** Registers the describe's set-up: a database of `kind`, a temp dir, a receiver, and the server processes started. */
function processFixture(kind: DatabaseKind): Fixture {
  const servers: ServerProcess[] = [];
  const f = {} as Fixture;
  beforeAll(async () => {
    f.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oneway-processes-'));
    f.database = await createTestDatabase(kind);
    f.dbEnv = f.database.target.kind === 'postgres' ? { DATABASE_URL: f.database.target.url } : { SQLITE_PATH: f.database.target.path };
    f.receiver = await WebhookReceiver.start(() => Date.now());
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.kill('SIGKILL')));
    await f.receiver?.down();
    await f.database?.destroy();
    fs.rmSync(f.dir, { recursive: true, force: true });
  });
  f.serverProcess = async (env) => {
    const server = await startServerProcess({ ...f.dbEnv, WEBHOOK_ALLOW_PRIVATE_URLS: 'true', WEBHOOK_POLL_MS: '50', WORKER_POLL_MS: '50', ...env });
    servers.push(server);
    return server;
  };
  f.workspaceKey = async () => {
    const created = await createWorkspaceCli(['--workspace', 'Acme', '--email', 'ops@acme.test'], f.dbEnv);
    expect(created.code, created.stderr).toBe(0);
    return JSON.parse(created.stdout).apiKey.key as string;
  };
  return f;
}

/** The outbox against a real SIGKILL: no stop(), no drain, whatever the process had in memory is gone. */
describe.each(databaseKinds)('a server process killed with webhook events pending, on %s', (kind) => {
  const f = processFixture(kind);

  it('delivers every event once, in order, after a restart, the receiver having been down', async () => {
    const { receiver } = f;
    const apiKey = await f.workspaceKey();
    receiver.reply = () => ({ status: 503, body: 'down for maintenance' });
    const first = await f.serverProcess({ DATA_DIR: path.join(f.dir, 'data') });
    const api = new ApiClient(first.url, apiKey);
    const hook = await api.post('/api/webhooks', { url: `${receiver.url}/hook`, events: WEBHOOK_EVENTS });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    const secret = (await api.get('/api/webhooks/secret')).body.secret as string;
    const position = await createPosition(api);
    const interviews: string[] = [];
    for (const name of ['Ann Lee', 'Bo Chan', 'Cy Diaz']) {
      const invited = await api.post(`/api/positions/${position.id}/interviews`, { name, email: `${name.split(' ')[0]}@example.com`, sendEmail: false });
      expect(invited.status, JSON.stringify(invited.body)).toBe(201);
      interviews.push(invited.body.id);
    }
    expect((await api.post(`/api/interviews/${interviews[0]}/cancel`)).status).toBe(200);
    expect((await api.delete(`/api/interviews/${interviews[1]}`)).status).toBe(200);

    // Each interview's first event was tried and failed; the rest waits behind it. Once nothing is leased (every
    // outcome and release written), the kill strands nothing that only a lease's end would free.
    const rows = () => f.database.db.selectFrom('webhook_deliveries').select(['attempts', 'locked_by']).where('webhook_id', '=', hook.body.id).execute();
    await receiver.waitFor(() => receiver.received.length >= 3, 20_000, 'the first attempts');
    for (const deadline = Date.now() + 20_000; ; ) {
      const now = await rows();
      if (now.length === 5 && now.filter((r) => r.attempts === 1).length === 3 && now.every((r) => r.locked_by === null)) break;
      if (Date.now() > deadline) throw new Error(`the first attempts were not recorded: ${JSON.stringify(now)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await first.kill('SIGKILL');

    receiver.reply = () => ({ status: 200, body: 'ok' });
    await f.serverProcess({ DATA_DIR: path.join(f.dir, 'data') });
    const succeeded = () => receiver.received.filter((r) => r.answeredStatus === 200);
    // The first retry is due 5 s (with jitter) after the failed attempt.
    await receiver.waitFor(() => succeeded().length >= 5, 30_000, 'every event after the restart');
    await new Promise((resolve) => setTimeout(resolve, 300));

    const ok = succeeded();
    expect(ok).toHaveLength(5);
    expect(new Set(ok.map((r) => r.webhookId)).size).toBe(5);
    expect(ok.every((r) => hireflixVerifies(secret, r) && standardVerifies(secret, r))).toBe(true);
    const sequence = (id: string) => ok.filter((r) => r.json.data.id === id).map((r) => `${r.json.event}:${r.json.data.status}`);
    expect(sequence(interviews[0]!)).toEqual(['interview.create:pending', 'interview.status-change:cancelled']);
    expect(sequence(interviews[1]!)).toEqual(['interview.create:pending', 'interview.delete:pending']);
    expect(sequence(interviews[2]!)).toEqual(['interview.create:pending']);
    // Only the three first events were ever refused, each once, by the receiver that was down.
    expect(receiver.received.filter((r) => r.answeredStatus === 503).map((r) => r.json.event)).toEqual(['interview.create', 'interview.create', 'interview.create']);
  }, 90_000);
});

/** Each event once per attempt schedule, not once per process, with both processes sending. */
describe('two server processes on one PostgreSQL', () => {
  const f = processFixture('postgres');

  it('deliver every event once, each interview’s in order, one process’s sends overlapping the other’s', async () => {
    const { receiver } = f;
    const apiKey = await f.workspaceKey();
    // One send at a time per process, each taking 100 ms: two sends at once can only come from two processes.
    receiver.reply = () => ({ status: 200, body: 'ok', delayMs: 100 });
    const a = await f.serverProcess({ WEBHOOK_CONCURRENCY: '1', DATA_DIR: path.join(f.dir, 'a') });
    const b = await f.serverProcess({ WEBHOOK_CONCURRENCY: '1', DATA_DIR: path.join(f.dir, 'b') });
    const api = new ApiClient(a.url, apiKey);
    expect((await new ApiClient(b.url, apiKey).get('/api/webhooks')).status).toBe(200);
    const hook = await api.post('/api/webhooks', { url: `${receiver.url}/hook`, events: WEBHOOK_EVENTS });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    const secret = (await api.get('/api/webhooks/secret')).body.secret as string;
    const position = await createPosition(api);
    const interviews: string[] = [];
    for (let i = 0; i < 20; i++) {
      const invited = await api.post(`/api/positions/${position.id}/interviews`, { name: `Candidate ${i}`, email: `c${i}@example.com`, sendEmail: false });
      expect(invited.status, JSON.stringify(invited.body)).toBe(201);
      interviews.push(invited.body.id);
      expect((await api.post(`/api/interviews/${invited.body.id}/cancel`)).status).toBe(200);
    }

    await receiver.waitFor(() => receiver.received.filter((r) => r.answeredStatus === 200).length >= 40, 30_000, 'all 40 events');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const got = receiver.received;
    expect(got).toHaveLength(40);
    expect(new Set(got.map((r) => r.webhookId)).size).toBe(40);
    expect(got.every((r) => hireflixVerifies(secret, r) && standardVerifies(secret, r))).toBe(true);
    for (const id of interviews) {
      const ofInterview = got.filter((r) => r.json.data.id === id);
      expect(ofInterview.map((r) => r.json.event)).toEqual(['interview.create', 'interview.status-change']);
      // The second was sent only after the first was answered.
      expect(ofInterview[1]!.arrivedSeq).toBeGreaterThan(ofInterview[0]!.answeredSeq!);
    }
    const overlapping = got.some((x) => got.some((y) => x !== y && y.arrivedSeq > x.arrivedSeq && y.arrivedSeq < x.answeredSeq!));
    expect(overlapping, 'no two sends overlapped: one process sent everything').toBe(true);
  }, 90_000);
});
