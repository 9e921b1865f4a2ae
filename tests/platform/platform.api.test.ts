import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/test-databases.ts';
import { startTestPlatform, type TestPlatform, type TestWorkspace } from '../support/test-platform.ts';

const MiB = 1024 * 1024;

/** Whether anything still accepts connections at `url`. */
async function accepts(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

describe.each(databaseKinds)('platform on %s', (kind) => {
  let t: TestPlatform;
  let ws: TestWorkspace;

  beforeAll(async () => {
    t = await startTestPlatform(kind);
    ws = await t.createWorkspace();
  });
  afterAll(() => t.stop());

  it('GET /healthz answers 200 when the database is reachable', async () => {
    const res = await t.anonymous().get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
  });

  it('GET /healthz answers 503 once the database is gone', async () => {
    const broken = await startTestPlatform(kind);
    try {
      expect((await broken.anonymous().get('/healthz')).status).toBe(200);
      await broken.database.db.destroy();
      const res = await broken.anonymous().get('/healthz');
      expect(res.status).toBe(503);
      expect(res.body.ok).toBe(false);
    } finally {
      await broken.stop();
    }
  });

  it('serves an OpenAPI 3 document of the API', async () => {
    const res = await t.anonymous().get('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info.title).toEqual(expect.any(String));
    for (const path of ['/api/positions', '/api/positions/{id}', '/api/interviews', '/api/positions/{id}/interviews/bulk', '/api/api-keys', '/api/members', '/api/auth/login']) {
      expect(Object.keys(doc.paths), path).toContain(path);
    }
    expect(Object.keys(doc.paths['/api/positions'])).toEqual(expect.arrayContaining(['get', 'post']));
    expect(doc.components.securitySchemes.ApiKey).toEqual({ type: 'apiKey', in: 'header', name: 'X-API-KEY' });
    expect(doc.components.securitySchemes.Bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.security).toEqual(expect.arrayContaining([{ ApiKey: [] }]));
    expect(doc.servers).toEqual([{ url: t.url }]);
    // The schemas say what the API checks: emails are emails, reviewers may get no candidate link.
    expect(doc.components.schemas.CandidateInput.properties.email).toMatchObject({ type: 'string', format: 'email', maxLength: 254 });
    expect(doc.components.schemas.Interview.properties.url.properties.public).toMatchObject({ nullable: true });
  });

  it('answers unknown routes with 404 not_found in the common error shape', async () => {
    for (const path of ['/api/no-such-thing', '/nothing-here', '/api/positions/x/y/z']) {
      const res = await ws.api.get(path);
      expect(res.status, path).toBe(404);
      expect(res.body.error.code).toBe('not_found');
      expect(res.body.error.message).toEqual(expect.any(String));
    }
    const anon = await t.anonymous().request('DELETE', '/api/no-such-thing');
    expect(anon.status).toBe(404);
    expect(anon.body.error.code).toBe('not_found');
  });

  it('refuses a body over 2 MiB with 413 payload_too_large, with or without Content-Length', async () => {
    const headers = { 'x-api-key': ws.apiKey, 'content-type': 'application/json' };
    // The declared length alone is enough: the server answers before the body arrives.
    const declared = await post(`${t.url}/api/positions`, { ...headers, 'content-length': String(3 * MiB) }, [Buffer.from('{"name": "Huge", ')], { end: false });
    expect(declared.status).toBe(413);
    expect(declared.body.error.code).toBe('payload_too_large');

    // Chunked, so the server cannot trust a header and must count.
    const chunks = Array.from({ length: 12 }, (_, i) => Buffer.from(i === 0 ? `{"name": "Huge", "introMessage": "${'x'.repeat(256 * 1024 - 32)}` : 'x'.repeat(256 * 1024)));
    const chunked = await post(`${t.url}/api/positions`, { ...headers, 'transfer-encoding': 'chunked' }, chunks);
    expect(chunked.status).toBe(413);
    expect(chunked.body.error.code).toBe('payload_too_large');
    expect(chunked.sent).toBeGreaterThan(2 * MiB);

    expect((await ws.api.get('/api/positions')).body.items.map((p: any) => p.name)).not.toContain('Huge');
    // Under the limit is fine.
    const fits = await ws.api.post('/api/positions', { name: 'Fits', introMessage: 'x'.repeat(1000), questions: [{ title: 'q' }] });
    expect(fits.status).toBe(201);
  });

  it('stop() lets an in-flight request finish, refuses new connections meanwhile, then closes the port', async () => {
    const s = await startTestPlatform(kind);
    try {
      const owner = await s.createWorkspace();
      const slow = await startSlowRequest(s, owner.apiKey, new http.Agent({ keepAlive: false }));

      let stopped = false;
      const stopping = s.running.stop().then(() => {
        stopped = true;
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(stopped).toBe(false);
      expect(await accepts(s.url)).toBe(false);

      const res = await slow.finish();
      expect(res.status).toBe(201);
      expect(res.body.name).toBe('Sent during shutdown');
      await stopping;
      expect(await accepts(s.url)).toBe(false);
      const row = await s.database.db.selectFrom('positions').select('name').where('id', '=', res.body.id).executeTakeFirst();
      expect(row?.name).toBe('Sent during shutdown');
    } finally {
      await s.stop();
    }
  });

  // stop() keeps closing connections as they go idle, so a keep-alive connection whose request finishes
  // after stop() began does not hold the shutdown until the keep-alive timeout (about 5 s).
  it('stop() does not wait for a keep-alive connection once its request is answered', async () => {
    const s = await startTestPlatform(kind);
    const agent = new http.Agent({ keepAlive: true });
    try {
      const owner = await s.createWorkspace();
      const slow = await startSlowRequest(s, owner.apiKey, agent);
      const stopping = s.running.stop();
      await new Promise((r) => setTimeout(r, 100));
      expect((await slow.finish()).status).toBe(201);
      const answeredAt = Date.now();
      await stopping;
      expect(Date.now() - answeredAt).toBeLessThan(2000);
    } finally {
      agent.destroy();
      await s.stop();
    }
  });
});

interface RawResponse {
  status: number;
  body: any;
  /** Body bytes written before the answer came. */
  sent: number;
}

/** POSTs `chunks` one at a time, stopping as soon as the server answers (as curl does), so an early 413 is read, not reset. */
function post(url: string, headers: Record<string, string>, chunks: Buffer[], options: { end?: boolean } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = http.request(url, { method: 'POST', headers, agent: false });
    req.on('response', (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode!, body: JSON.parse(text), sent });
      });
      res.on('error', reject);
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const next = () => {
      if (answered) return;
      const chunk = chunks.shift();
      if (!chunk) {
        if (options.end !== false) req.end();
        return;
      }
      sent += chunk.length;
      req.write(chunk, () => setImmediate(next));
    };
    next();
  });
}

/** A POST /api/positions whose body is half sent: the server holds it in flight until `finish()`. */
async function startSlowRequest(s: TestPlatform, apiKey: string, agent: http.Agent) {
  const received = new Promise<void>((resolve) => s.running.server.once('request', () => resolve()));
  const req = http.request(`${s.url}/api/positions`, {
    method: 'POST',
    agent,
    headers: { 'x-api-key': apiKey, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
  });
  const response = new Promise<{ status: number; body: any }>((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
    });
  });
  req.write('{"name": "Sent during shutdown", ');
  await received;
  return {
    finish() {
      req.end('"questions": [{"title": "Still saved?"}]}');
      return response;
    },
  };
}
