import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_EVENTS } from '../../server/db/schema.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../support/test-databases.ts';
import { createWorkspaceCli, startServerProcess, type ServerProcess } from '../support/server-process.ts';
import { ApiClient, createPosition } from '../support/test-platform.ts';
import { hireflixVerifies, standardVerifies, WebhookReceiver } from './webhook-receiver.ts';

/** The outbox against a real SIGKILL: no stop(), no drain, whatever the process had in memory is gone. */
describe.each(databaseKinds)('a server process killed with webhook events pending, on %s', (kind) => {
  let dir: string;
  let database: TestDatabase;
  let dbEnv: Record<string, string>;
  let receiver: WebhookReceiver;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oneway-kill-'));
    database = await createTestDatabase(kind);
    dbEnv = database.target.kind === 'postgres' ? { DATABASE_URL: database.target.url } : { SQLITE_PATH: database.target.path };
    receiver = await WebhookReceiver.start(() => Date.now());
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.kill('SIGKILL')));
    await receiver.down();
    await database.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function serverProcess(): Promise<ServerProcess> {
    const server = await startServerProcess({
      ...dbEnv,
      DATA_DIR: path.join(dir, 'data'),
      WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
      WEBHOOK_POLL_MS: '50',
      WORKER_POLL_MS: '50',
    });
    servers.push(server);
    return server;
  }

  it('delivers every event once, in order, after a restart, the receiver having been down', async () => {
    const created = await createWorkspaceCli(['--workspace', 'Acme', '--email', 'ops@acme.test'], dbEnv);
    expect(created.code, created.stderr).toBe(0);
    const apiKey = JSON.parse(created.stdout).apiKey.key as string;

    receiver.reply = () => ({ status: 503, body: 'down for maintenance' });
    const first = await serverProcess();
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
    const rows = () => database.db.selectFrom('webhook_deliveries').select(['attempts', 'locked_by']).where('webhook_id', '=', hook.body.id).execute();
    await receiver.waitFor(() => receiver.received.length >= 3, 20_000, 'the first attempts');
    for (const deadline = Date.now() + 20_000; ; ) {
      const now = await rows();
      if (now.length === 5 && now.filter((r) => r.attempts === 1).length === 3 && now.every((r) => r.locked_by === null)) break;
      if (Date.now() > deadline) throw new Error(`the first attempts were not recorded: ${JSON.stringify(now)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await first.kill('SIGKILL');

    receiver.reply = () => ({ status: 200, body: 'ok' });
    await serverProcess();
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
