import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/test-databases.ts';
import { createPosition, startTestPlatform, type ApiClient, type TestPlatform, type TestWorkspace } from '../support/test-platform.ts';

interface SseEvent {
  event: string;
  id?: string;
  data: any;
}

/** GET /api/live read as the browser's EventSource would: frames of `event:`, `id:` and `data:` lines. */
async function openLive(baseUrl: string, client: ApiClient, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}/api/live`, { headers: { cookie: client.cookie ?? '', ...headers }, signal: controller.signal });
  const events: SseEvent[] = [];
  let ended = false;
  const reading = (async () => {
    if (!res.ok || !res.body) return;
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields: Record<string, string> = {};
          for (const line of frame.split('\n')) {
            if (!line || line.startsWith(':')) continue;
            const at = line.indexOf(':');
            fields[line.slice(0, at)] = line.slice(at + 1).trimStart();
          }
          if (fields.data !== undefined) events.push({ event: fields.event ?? 'message', id: fields.id, data: JSON.parse(fields.data) });
        }
      }
    } catch {
      // aborted
    } finally {
      ended = true;
    }
  })();
  return {
    res,
    events,
    get ended() {
      return ended;
    },
    async waitFor(predicate: (e: SseEvent) => boolean, timeoutMs = 10_000): Promise<SseEvent> {
      const started = Date.now();
      for (;;) {
        const found = events.find(predicate);
        if (found) return found;
        if (ended || Date.now() - started > timeoutMs) throw new Error(`no matching event in ${JSON.stringify(events)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      controller.abort();
      await reading;
    },
    reading,
  };
}

describe.each(databaseKinds)('live updates (GET /api/live) on %s', (kind) => {
  let t: TestPlatform;
  let ws: TestWorkspace;
  let other: TestWorkspace;
  let positionId: string;
  let otherPositionId: string;

  beforeAll(async () => {
    t = await startTestPlatform(kind);
    ws = await t.createWorkspace();
    other = await t.createWorkspace();
    positionId = (await createPosition(ws.api)).id;
    otherPositionId = (await createPosition(other.api)).id;
  });
  afterAll(async () => {
    await t.stop();
  });

  const invite = async (client: ApiClient, position: string, name: string) => {
    const res = await client.post(`/api/positions/${position}/interviews`, { name, email: `${name.toLowerCase().replace(/\W+/g, '.')}.${Date.now()}@example.com`, sendEmail: false });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  it('is for logged-in members only', async () => {
    expect((await fetch(`${t.url}/api/live`)).status).toBe(401);
    const withKey = await fetch(`${t.url}/api/live`, { headers: { 'x-api-key': ws.apiKey } });
    expect(withKey.status).toBe(403);
    expect((await withKey.json()).error.code).toBe('forbidden');
  });

  it("streams the workspace's interview changes, and none of another workspace", async () => {
    const live = await openLive(t.url, ws.session);
    expect(live.res.status).toBe(200);
    expect(live.res.headers.get('content-type')).toContain('text/event-stream');
    await live.waitFor((e) => e.event === 'ready');

    const strangerId = await invite(other.api, otherPositionId, 'Sam Stranger');
    const id = await invite(ws.api, positionId, 'Ada Lovelace');
    const created = await live.waitFor((e) => e.event === 'interview' && e.data.interviewId === id);
    expect(created.data).toMatchObject({ interviewId: id, event: 'interview.create' });
    expect(Number(created.id)).toBeGreaterThanOrEqual(created.data.seq);

    expect((await ws.api.post(`/api/interviews/${id}/cancel`)).status).toBe(200);
    await live.waitFor((e) => e.data.interviewId === id && e.data.event === 'interview.status-change');
    expect((await ws.api.delete(`/api/interviews/${id}`)).status).toBe(200);
    await live.waitFor((e) => e.data.interviewId === id && e.data.event === 'interview.delete');

    expect(live.events.some((e) => e.data.interviewId === strangerId)).toBe(false);
    await live.close();
  });

  it('resumes after the Last-Event-ID a reconnecting browser sends', async () => {
    const first = await openLive(t.url, ws.session);
    const ready = await first.waitFor((e) => e.event === 'ready');
    await first.close();
    const missed = await invite(ws.api, positionId, 'Grace Hopper');
    const again = await openLive(t.url, ws.session, { 'last-event-id': ready.id! });
    await again.waitFor((e) => e.data.interviewId === missed && e.data.event === 'interview.create');
    await again.close();
  });

  it('does not hold up the server when it stops', async () => {
    const live = await openLive(t.url, ws.session);
    await live.waitFor((e) => e.event === 'ready');
    const started = Date.now();
    await t.running.stop();
    // Without the check the stop would wait for the stream's five-minute end. (A few seconds can go to a
    // connection the test's HTTP client opened and never used; that is not the stream.)
    expect(Date.now() - started).toBeLessThan(8000);
    await live.reading;
    expect(live.ended).toBe(true);
    await t.restart();
    // The restarted server streams again (the session lives in the database).
    const after = await openLive(t.url, ws.session);
    await after.waitFor((e) => e.event === 'ready');
    await after.close();
  });
});
