import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_EVENTS } from '../../server/db/schema.ts';
import { newId } from '../../server/shared/ids.ts';
import { WebhookRepository } from '../../server/webhooks/webhook.repository.ts';
import { databaseKinds } from '../support/test-databases.ts';
import { createPosition, startTestPlatform, type ApiClient, type TestPlatform, type TestWorkspace } from '../support/test-platform.ts';
import { WebhookReceiver } from './webhook-receiver.ts';

// A public address (no DNS here): the guard must let it through while it refuses the private ones.
const PUBLIC_URL = 'https://93.184.215.14/hooks/ats';

/** The management API, on a platform with the default WEBHOOK_ALLOW_PRIVATE_URLS (false): the SSRF guard is on. */
describe.each(databaseKinds)('webhook management and SSRF guard on %s', (kind) => {
  let t: TestPlatform;
  let ws: TestWorkspace;
  let other: TestWorkspace;
  const receivers: WebhookReceiver[] = [];

  beforeAll(async () => {
    t = await startTestPlatform(kind);
    ws = await t.createWorkspace('Acme');
    other = await t.createWorkspace('Globex');
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.down()));
    await t.stop();
  });

  const list = async (client: ApiClient = ws.api) => (await client.get('/api/webhooks')).body.items as any[];

  describe('management', () => {
    it('creates, lists, reads, updates and deletes a webhook with an API key and with a session', async () => {
      const created = await ws.api.post('/api/webhooks', { url: PUBLIC_URL, events: ['interview.finish', 'interview.create'], description: 'Kula' });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String),
        url: PUBLIC_URL,
        events: ['interview.create', 'interview.finish'],
        active: true,
        description: 'Kula',
        disabledReason: null,
        createdAt: t.clock.now(),
        updatedAt: t.clock.now(),
      });
      const id = created.body.id;
      expect((await ws.api.get(`/api/webhooks/${id}`)).body).toEqual(created.body);
      expect((await ws.session.get(`/api/webhooks/${id}`)).body).toEqual(created.body);
      expect((await list()).map((w) => w.id)).toContain(id);

      t.clock.advance(1000);
      const updated = await ws.session.patch(`/api/webhooks/${id}`, { events: ['interview.delete'], active: false, description: 'paused' });
      expect(updated.status).toBe(200);
      expect(updated.body).toEqual({ ...created.body, events: ['interview.delete'], active: false, description: 'paused', updatedAt: t.clock.now() });
      const moved = await ws.api.patch(`/api/webhooks/${id}`, { url: 'https://93.184.215.14/hooks/v2', active: true });
      expect(moved.body).toMatchObject({ url: 'https://93.184.215.14/hooks/v2', events: ['interview.delete'], active: true, description: 'paused' });

      const removed = await ws.api.delete(`/api/webhooks/${id}`);
      expect(removed.status).toBe(204);
      expect((await ws.api.get(`/api/webhooks/${id}`)).status).toBe(404);
      expect((await ws.api.delete(`/api/webhooks/${id}`)).status).toBe(404);
      expect((await list()).map((w) => w.id)).not.toContain(id);
    });

    it('reveals the workspace secret: one per workspace, in the whsec_ form', async () => {
      const mine = await ws.api.get('/api/webhooks/secret');
      expect(mine.status).toBe(200);
      expect(mine.body).toEqual({ secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/]{43}=$/), previousSecretValidUntil: null });
      expect((await ws.session.get('/api/webhooks/secret')).body).toEqual(mine.body);
      expect((await other.api.get('/api/webhooks/secret')).body.secret).not.toBe(mine.body.secret);
    });

    it('refuses invalid webhooks with field errors and stores nothing', async () => {
      const before = await list();
      const cases: [object, string][] = [
        [{ url: PUBLIC_URL, events: [] }, 'events'],
        [{ url: PUBLIC_URL }, 'events'],
        [{ url: PUBLIC_URL, events: ['interview.create', 'interview.unknown'] }, 'events.1'],
        [{ url: PUBLIC_URL, events: ['webhook.ping'] }, 'events.0'],
        [{ url: 'not a url', events: ['interview.create'] }, 'url'],
        [{ url: '', events: ['interview.create'] }, 'url'],
        [{ url: '/relative/path', events: ['interview.create'] }, 'url'],
        [{ events: ['interview.create'] }, 'url'],
      ];
      for (const [body, field] of cases) {
        const res = await ws.api.post('/api/webhooks', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.error.code).toBe('validation_failed');
        expect(res.body.error.fields.map((f: any) => f.path), JSON.stringify(body)).toContain(field);
      }
      const hook = (await ws.api.post('/api/webhooks', { url: PUBLIC_URL, events: ['interview.create'] })).body;
      const badPatch = await ws.api.patch(`/api/webhooks/${hook.id}`, { events: ['interview.nope'] });
      expect(badPatch.status).toBe(400);
      expect((await ws.api.patch(`/api/webhooks/${hook.id}`, { events: [] })).status).toBe(400);
      expect((await ws.api.get(`/api/webhooks/${hook.id}`)).body.events).toEqual(['interview.create']);
      await ws.api.delete(`/api/webhooks/${hook.id}`);
      expect(await list()).toEqual(before);
    });

    it('pages the event log, and refuses a cursor it did not hand out with a field error', async () => {
      const own = await t.createWorkspace();
      const position = await createPosition(own.api);
      for (const n of [1, 2, 3]) {
        expect((await own.api.post(`/api/positions/${position.id}/interviews`, { name: `Pat ${n}`, email: `pat${n}@example.com`, sendEmail: false })).status).toBe(201);
      }
      const first = await own.api.get('/api/webhooks/events?limit=2');
      expect(first.body.items).toHaveLength(2);
      const second = await own.api.get(`/api/webhooks/events?limit=2&cursor=${first.body.nextCursor}`);
      expect(second.body).toMatchObject({ items: [{ event: 'interview.create' }], nextCursor: null });
      expect(new Set([...first.body.items, ...second.body.items].map((e: { id: string }) => e.id)).size).toBe(3);

      // Not base64 of anything; a space; a negative number; a number with a fraction; another list's cursor.
      const b64 = (text: string) => Buffer.from(text).toString('base64url');
      for (const cursor of ['zzzz', b64(' '), b64('-5'), b64('1.5'), b64('[1,"x"]')]) {
        const bad = await own.api.get(`/api/webhooks/events?cursor=${cursor}`);
        expect(bad.status, cursor).toBe(400);
        expect(bad.body.error).toMatchObject({ code: 'validation_failed', fields: [{ path: 'cursor', message: 'is not a cursor this API returned' }] });
      }
    });

    it('lets a reviewer do nothing with webhooks (403)', async () => {
      const hook = (await ws.api.post('/api/webhooks', { url: PUBLIC_URL, events: ['interview.create'] })).body;
      const r = (await t.joinMember(ws, 'reviewer')).client;
      const attempts = [
        await r.get('/api/webhooks'),
        await r.post('/api/webhooks', { url: PUBLIC_URL, events: ['interview.create'] }),
        await r.get(`/api/webhooks/${hook.id}`),
        await r.patch(`/api/webhooks/${hook.id}`, { active: false }),
        await r.delete(`/api/webhooks/${hook.id}`),
        await r.get('/api/webhooks/secret'),
        await r.post('/api/webhooks/secret/rotate'),
        await r.get(`/api/webhooks/${hook.id}/deliveries`),
        await r.post(`/api/webhooks/${hook.id}/ping`),
        await r.get('/api/webhooks/events'),
      ];
      for (const res of attempts) {
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
      expect((await ws.api.get(`/api/webhooks/${hook.id}`)).body).toMatchObject({ active: true });
      expect((await ws.api.get(`/api/webhooks/${hook.id}/deliveries`)).body.items).toEqual([]);
      await ws.api.delete(`/api/webhooks/${hook.id}`);
    });

    it("keeps another workspace's webhooks out of reach (404) and out of its list", async () => {
      const hook = (await ws.api.post('/api/webhooks', { url: PUBLIC_URL, events: ['interview.create'] })).body;
      const attempts = [
        await other.api.get(`/api/webhooks/${hook.id}`),
        await other.api.patch(`/api/webhooks/${hook.id}`, { active: false }),
        await other.api.delete(`/api/webhooks/${hook.id}`),
        await other.api.get(`/api/webhooks/${hook.id}/deliveries`),
        await other.api.get(`/api/webhooks/${hook.id}/deliveries/whatever`),
        await other.api.post(`/api/webhooks/${hook.id}/redeliver`, { eventId: 'msg_x' }),
        await other.api.post(`/api/webhooks/${hook.id}/ping`),
        await other.session.get(`/api/webhooks/${hook.id}`),
      ];
      for (const res of attempts) {
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('not_found');
      }
      expect((await list(other.api)).map((w) => w.id)).not.toContain(hook.id);
      expect((await ws.api.get(`/api/webhooks/${hook.id}`)).body).toEqual(hook);
      await ws.api.delete(`/api/webhooks/${hook.id}`);
    });

    it('needs credentials: no key, a wrong key, or a session without CSRF token are refused', async () => {
      expect((await t.anonymous().get('/api/webhooks')).status).toBe(401);
      expect((await t.anonymous().post('/api/webhooks', { url: PUBLIC_URL, events: ['interview.create'] })).status).toBe(401);
      expect((await t.anonymous().get('/api/webhooks', { 'x-api-key': 'not-a-key' })).status).toBe(401);
      expect((await t.anonymous().get('/api/webhooks', { authorization: `Bearer ${ws.apiKey}` })).status).toBe(200);
      const before = await list();
      const noCsrf = await t.anonymous().request('POST', '/api/webhooks', { url: PUBLIC_URL, events: ['interview.create'] }, { cookie: ws.session.cookie! });
      expect(noCsrf.status).toBe(403);
      expect(await list()).toEqual(before);
    });
  });

  describe('SSRF', () => {
    it.each([
      ['a loopback address', 'http://127.0.0.1:8080/hook'],
      ['IPv6 loopback', 'http://[::1]/'],
      ['an IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]/'],
      ['a private network', 'http://10.0.0.1/'],
      ['another private network', 'https://192.168.0.10/hook'],
      ['the cloud metadata service', 'http://169.254.169.254/latest/meta-data'],
      ['a name that resolves to a loopback address', 'http://localhost/'],
      ['a loopback address written as a number', 'http://2130706433/'],
      ['the unspecified address', 'http://0.0.0.0:3000/'],
      ['another scheme', 'ftp://example.com/'],
      ['a file URL', 'file:///etc/passwd'],
      ['credentials in the URL', 'http://user:pass@example.com/'],
      ['a host that does not resolve', 'https://no-such-host.invalid/hook'],
    ])('refuses %s (%s) with a field error on url and stores nothing', async (_, url) => {
      const before = await list();
      const res = await ws.api.post('/api/webhooks', { url, events: ['interview.create'] });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.fields).toEqual([{ path: 'url', message: expect.any(String) }]);
      expect(await list()).toEqual(before);
      const stored = await t.database.db.selectFrom('webhooks').select('url').execute();
      expect(stored.map((w) => w.url)).not.toContain(url);
    });

    it('refuses moving an existing webhook to a private address', async () => {
      const hook = (await ws.api.post('/api/webhooks', { url: PUBLIC_URL, events: ['interview.create'] })).body;
      const res = await ws.api.patch(`/api/webhooks/${hook.id}`, { url: 'http://169.254.169.254/latest/meta-data' });
      expect(res.status).toBe(400);
      expect(res.body.error.fields.map((f: any) => f.path)).toEqual(['url']);
      expect((await ws.api.get(`/api/webhooks/${hook.id}`)).body.url).toBe(PUBLIC_URL);
      await ws.api.delete(`/api/webhooks/${hook.id}`);
    });

    it('refuses at delivery time a webhook whose host now points at a private address (rebinding)', async () => {
      // As if the names resolved to public addresses when they were registered: stored without the API's check.
      const target = await WebhookReceiver.start(() => t.clock.now());
      receivers.push(target);
      const e = await t.createWorkspace();
      const repo = new WebhookRepository(t.database.db);
      const now = t.clock.now();
      const hookIds: string[] = [];
      for (const url of [`http://localhost:${target.port}/hook`, `http://127.0.0.1:${target.port}/hook`]) {
        const id = newId();
        hookIds.push(id);
        await repo.insert({ id, workspace_id: e.workspaceId, url, events: JSON.stringify(WEBHOOK_EVENTS), active: 1, description: '', disabled_reason: null, created_at: now, updated_at: now });
      }
      const position = await createPosition(e.api);
      expect((await e.api.post(`/api/positions/${position.id}/interviews`, { name: 'Ray Bind', email: 'ray@example.com', sendEmail: false })).status).toBe(201);
      await t.drainWebhooks();
      expect(target.received).toEqual([]);
      for (const id of hookIds) {
        const [delivery] = (await e.api.get(`/api/webhooks/${id}/deliveries`)).body.items;
        expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null, lastError: expect.stringMatching(/refused/) });
        const detail = (await e.api.get(`/api/webhooks/${id}/deliveries/${delivery.id}`)).body;
        expect(detail.attempts).toEqual([expect.objectContaining({ statusCode: null, error: expect.stringMatching(/private address/), responseExcerpt: null })]);
      }
      t.clock.advance(10_000);
      await t.drainWebhooks();
      expect(target.received).toEqual([]);
    });
  });
});
