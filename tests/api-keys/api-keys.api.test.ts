import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/test-databases.ts';
import { ApiClient, startTestPlatform, type TestPlatform, type TestWorkspace } from '../support/test-platform.ts';

describe.each(databaseKinds)('API keys on %s', (kind) => {
  let t: TestPlatform;
  let ws: TestWorkspace;
  let other: TestWorkspace;

  beforeAll(async () => {
    t = await startTestPlatform(kind);
    ws = await t.createWorkspace('Acme');
    other = await t.createWorkspace('Globex');
  });
  afterAll(() => t.stop());

  const withKey = (key: string) => new ApiClient(t.url, key);
  const bearer = (key: string) => t.anonymous().get('/api/positions', { authorization: `Bearer ${key}` });

  it('shows the secret once and stores only its SHA-256', async () => {
    const created = await ws.session.post('/api/api-keys', { name: '  Greenhouse  ' });
    expect(created.status).toBe(201);
    const { key, apiKey } = created.body;
    expect(key).toMatch(/^owk_[A-Za-z0-9_-]{40,}$/);
    expect(apiKey).toEqual({ id: expect.any(String), name: 'Greenhouse', prefix: key.slice(0, apiKey.prefix.length), createdAt: t.clock.now(), lastUsedAt: null, revokedAt: null });
    expect(apiKey.prefix.length).toBeLessThanOrEqual(12);

    const listed = await ws.session.get('/api/api-keys');
    expect(listed.status).toBe(200);
    expect(listed.body.items.find((k: any) => k.id === apiKey.id)).toEqual(apiKey);
    expect(JSON.stringify(listed.body)).not.toContain(key);
    // Not in the OpenAPI list schema either: nothing else hands out a secret.
    expect(Object.keys(listed.body.items[0])).not.toContain('key');

    const row = await t.database.db.selectFrom('api_keys').selectAll().where('id', '=', apiKey.id).executeTakeFirstOrThrow();
    expect(row.key_hash).not.toBe(key);
    expect(row.key_hash).toBe(createHash('sha256').update(key).digest('hex'));
    for (const value of Object.values(row)) expect(String(value)).not.toContain(key);
  });

  it('accepts the key as X-API-KEY and as Authorization: Bearer, and records when it was last used', async () => {
    const { key, apiKey } = (await ws.session.post('/api/api-keys', { name: 'Lever' })).body;
    const viaHeader = await withKey(key).get('/api/positions');
    expect(viaHeader.status).toBe(200);
    const viaBearer = await bearer(key);
    expect(viaBearer.status).toBe(200);
    expect(viaBearer.body).toEqual(viaHeader.body);
    expect((await t.anonymous().get('/api/positions', { authorization: `bearer ${key}` })).status).toBe(200);

    const firstUse = t.clock.now();
    const afterUse = (await ws.session.get('/api/api-keys')).body.items.find((k: any) => k.id === apiKey.id);
    expect(afterUse.lastUsedAt).toBe(firstUse);

    t.clock.advance(5 * 60_000);
    expect((await withKey(key).get('/api/positions')).status).toBe(200);
    const later = (await ws.session.get('/api/api-keys')).body.items.find((k: any) => k.id === apiKey.id);
    expect(later.lastUsedAt).toBe(t.clock.now());
    expect(later.lastUsedAt).toBeGreaterThan(firstUse);
  });

  it('rotates: the new secret works at once and the old one stops', async () => {
    const { key: oldKey, apiKey } = (await ws.session.post('/api/api-keys', { name: 'Workable' })).body;
    expect((await withKey(oldKey).get('/api/positions')).status).toBe(200);
    const rotated = await ws.session.post(`/api/api-keys/${apiKey.id}/rotate`);
    expect(rotated.status).toBe(201);
    expect(rotated.body.key).not.toBe(oldKey);
    expect(rotated.body.apiKey).toMatchObject({ name: 'Workable', revokedAt: null });
    expect((await withKey(rotated.body.key).get('/api/positions')).status).toBe(200);
    const old = await withKey(oldKey).get('/api/positions');
    expect(old.status).toBe(401);
    expect(old.body.error.code).toBe('invalid_api_key');
    expect((await bearer(oldKey)).status).toBe(401);

    const items = (await ws.session.get('/api/api-keys')).body.items;
    expect(items.find((k: any) => k.id === apiKey.id).revokedAt).toBe(t.clock.now());
    expect(JSON.stringify(items)).not.toContain(rotated.body.key);
  });

  it('revokes: the key gets 401 invalid_api_key and cannot be rotated back to life', async () => {
    const { key, apiKey } = (await ws.session.post('/api/api-keys', { name: 'Revoke me' })).body;
    const revoked = await ws.session.delete(`/api/api-keys/${apiKey.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: apiKey.id, revokedAt: t.clock.now() });
    for (const res of [await withKey(key).get('/api/positions'), await bearer(key)]) {
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('invalid_api_key');
      expect(res.body.items).toBeUndefined();
    }
    const rotate = await ws.session.post(`/api/api-keys/${apiKey.id}/rotate`);
    expect(rotate.status).toBe(409);
    expect(rotate.body.key).toBeUndefined();
    expect((await ws.session.get('/api/api-keys')).body.items.filter((k: any) => k.name === 'Revoke me')).toHaveLength(1);
    // Revoking again changes nothing.
    t.clock.advance(1000);
    const again = await ws.session.delete(`/api/api-keys/${apiKey.id}`);
    expect(again.status).toBe(200);
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
    expect((await ws.session.delete('/api/api-keys/no-such-key')).status).toBe(404);
  });

  it("keeps keys apart: another workspace gets 404 on this workspace's key ids", async () => {
    const { key, apiKey } = (await ws.session.post('/api/api-keys', { name: 'Ours' })).body;
    for (const client of [other.api, other.session]) {
      const revoke = await client.delete(`/api/api-keys/${apiKey.id}`);
      expect(revoke.status).toBe(404);
      const rotate = await client.post(`/api/api-keys/${apiKey.id}/rotate`);
      expect(rotate.status).toBe(404);
      expect(rotate.body.key).toBeUndefined();
      expect((await client.get('/api/api-keys')).body.items.map((k: any) => k.id)).not.toContain(apiKey.id);
    }
    expect((await withKey(key).get('/api/positions')).status).toBe(200);
    expect((await ws.session.get('/api/api-keys')).body.items.find((k: any) => k.id === apiKey.id).revokedAt).toBeNull();
    // A key acts in its own workspace only.
    const mine = (await other.api.post('/api/positions', { name: 'Globex only', questions: [{ title: 'q' }] })).body;
    expect((await withKey(key).get(`/api/positions/${mine.id}`)).status).toBe(404);
  });

  it('is for owners and admins: a reviewer gets 403', async () => {
    const reviewer = (await t.joinMember(ws, 'reviewer')).client;
    const { apiKey } = (await ws.session.post('/api/api-keys', { name: 'Not for reviewers' })).body;
    const list = await reviewer.get('/api/api-keys');
    expect(list.status).toBe(403);
    expect(list.body.error.code).toBe('forbidden');
    expect(list.body.items).toBeUndefined();
    const create = await reviewer.post('/api/api-keys', { name: 'sneaky' });
    expect(create.status).toBe(403);
    expect(create.body.key).toBeUndefined();
    expect((await reviewer.post(`/api/api-keys/${apiKey.id}/rotate`)).status).toBe(403);
    expect((await reviewer.delete(`/api/api-keys/${apiKey.id}`)).status).toBe(403);
    const names = (await ws.session.get('/api/api-keys')).body.items.map((k: any) => k.name);
    expect(names).not.toContain('sneaky');
    expect((await ws.session.get('/api/api-keys')).body.items.find((k: any) => k.id === apiKey.id).revokedAt).toBeNull();

    const admin = (await t.joinMember(ws, 'admin')).client;
    const byAdmin = await admin.post('/api/api-keys', { name: 'By admin' });
    expect(byAdmin.status).toBe(201);
    expect((await withKey(byAdmin.body.key).get('/api/positions')).status).toBe(200);
  });

  it('cannot call member-only endpoints', async () => {
    const session = await ws.api.get('/api/auth/session');
    expect([401, 403]).toContain(session.status);
    expect(session.body.user).toBeUndefined();
    expect(session.body.csrfToken).toBeUndefined();
    expect(JSON.stringify(session.body)).not.toContain(ws.owner.email);
    const viaBearer = await t.anonymous().get('/api/auth/session', { authorization: `Bearer ${ws.apiKey}` });
    expect([401, 403]).toContain(viaBearer.status);
    expect(viaBearer.body.user).toBeUndefined();
    const switchWs = await ws.api.post('/api/auth/workspace', { workspaceId: other.workspaceId });
    expect([401, 403]).toContain(switchWs.status);
    expect([401, 403]).toContain((await ws.api.post('/api/auth/logout')).status);
    // The key is still good for the recruiter API.
    expect((await ws.api.get('/api/positions')).status).toBe(200);
  });

  it('validates the name', async () => {
    const before = (await ws.session.get('/api/api-keys')).body.items.length;
    for (const body of [{ name: '' }, { name: '   ' }, { name: 'x'.repeat(101) }, {}, { name: 42 }]) {
      const res = await ws.session.post('/api/api-keys', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.fields.map((f: any) => f.path)).toContain('name');
      expect(res.body.key).toBeUndefined();
    }
    expect((await ws.session.get('/api/api-keys')).body.items.length).toBe(before);
    const longest = await ws.session.post('/api/api-keys', { name: 'x'.repeat(100) });
    expect(longest.status).toBe(201);
    expect(longest.body.apiKey.name).toBe('x'.repeat(100));
  });
});
