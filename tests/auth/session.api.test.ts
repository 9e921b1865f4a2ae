import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/test-databases.ts';
import { ApiClient, createPosition, startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

const PASSWORD = 'a long enough passphrase';

/** A client that sends the given cookie (and CSRF token, if any) and nothing else. */
function withCookie(t: TestPlatform, cookie: string | undefined, csrfToken?: string): ApiClient {
  const client = t.anonymous();
  client.cookie = cookie;
  client.csrfToken = csrfToken;
  return client;
}

describe.each(databaseKinds)('sessions and first-run setup on %s', (kind) => {
  let t: TestPlatform;

  beforeAll(async () => {
    t = await startTestPlatform(kind);
  });
  afterAll(() => t.stop());

  describe('first-run setup', () => {
    it('reports that setup is needed on an empty database and refuses a weak password', async () => {
      const state = await t.anonymous().get('/api/setup');
      expect(state.status).toBe(200);
      expect(state.body).toEqual({ needsSetup: true });

      const weak = await t.anonymous().post('/api/setup', { workspaceName: 'Acme', name: 'Olga', email: 'olga@acme.test', password: 'short' });
      expect(weak.status).toBe(400);
      expect(weak.body.error.code).toBe('validation_failed');
      expect(weak.body.error.fields.map((f: any) => f.path)).toContain('password');
      expect(weak.headers.get('set-cookie')).toBeNull();

      const badEmail = await t.anonymous().post('/api/setup', { workspaceName: 'Acme', name: 'Olga', email: 'not-an-email', password: PASSWORD });
      expect(badEmail.status).toBe(400);
      expect((await t.anonymous().get('/api/setup')).body).toEqual({ needsSetup: true });
    });

    it('creates the workspace and its owner, logs in, and then refuses a second setup', async () => {
      const owner = t.anonymous();
      const created = await owner.post('/api/setup', { workspaceName: ' Acme ', name: 'Olga Owner', email: 'Olga@Acme.test', password: PASSWORD });
      expect(created.status).toBe(201);
      expect(created.body.user).toMatchObject({ email: 'olga@acme.test', name: 'Olga Owner' });
      expect(created.body.role).toBe('owner');
      expect(created.body.workspaces).toEqual([{ id: created.body.workspaceId, name: 'Acme', role: 'owner' }]);
      expect(owner.cookie).toMatch(/^owi_session=.+/);

      owner.csrfToken = created.body.csrfToken;
      const session = await owner.get('/api/auth/session');
      expect(session.status).toBe(200);
      expect(session.body.workspaceId).toBe(created.body.workspaceId);
      expect((await owner.post('/api/positions', { name: 'First role', questions: [{ title: 'Hi' }] })).status).toBe(201);

      expect((await t.anonymous().get('/api/setup')).body).toEqual({ needsSetup: false });
      const again = await t.anonymous().post('/api/setup', { workspaceName: 'Evil', name: 'Eve', email: 'eve@evil.test', password: PASSWORD });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('setup_done');
      expect(again.headers.get('set-cookie')).toBeNull();
      expect((await t.anonymous().login('eve@evil.test', PASSWORD)).status).toBe(401);
    });
  });

  describe('login', () => {
    it('sets an HttpOnly, SameSite=Lax session cookie for the right password', async () => {
      const ws = await t.createWorkspace();
      const client = t.anonymous();
      const res = await client.login(ws.owner.email.toUpperCase(), ws.owner.password);
      expect(res.status).toBe(200);
      const cookie = res.headers.get('set-cookie')!;
      expect(cookie).toMatch(/^owi_session=[^;]+;/);
      expect(cookie).toMatch(/;\s*HttpOnly/i);
      expect(cookie).toMatch(/;\s*SameSite=Lax/i);
      expect(cookie).toMatch(/;\s*Path=\//i);
      expect(res.body).toMatchObject({ user: { id: ws.ownerId, email: ws.owner.email }, workspaceId: ws.workspaceId, role: 'owner' });
      expect(res.body.csrfToken).toEqual(expect.any(String));
      expect(JSON.stringify(res.body)).not.toContain(ws.owner.password);
      expect((await client.get('/api/auth/session')).body.user.id).toBe(ws.ownerId);
    });

    it('answers a wrong password and an unknown email alike', async () => {
      const ws = await t.createWorkspace();
      const wrong = await t.anonymous().login(ws.owner.email, 'not the password at all');
      const unknown = await t.anonymous().login('nobody@example.com', ws.owner.password);
      for (const res of [wrong, unknown]) {
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe('invalid_credentials');
        expect(res.headers.get('set-cookie')).toBeNull();
      }
      expect(wrong.body.error.message).toBe(unknown.body.error.message);
    });

    it('refuses logins for an account after 10 wrong passwords in 15 minutes, even the right one, then lets it in again', async () => {
      const ws = await t.createWorkspace();
      const other = await t.createWorkspace();
      for (let i = 0; i < 10; i++) expect((await t.anonymous().login(ws.owner.email, `wrong password ${i}`)).status).toBe(401);
      const locked = await t.anonymous().login(ws.owner.email.toUpperCase(), ws.owner.password);
      expect(locked.status).toBe(429);
      expect(locked.body.error.code).toBe('rate_limited');
      expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
      expect(Number(locked.headers.get('retry-after'))).toBeLessThanOrEqual(900);
      expect(locked.headers.get('set-cookie')).toBeNull();
      // Another account is not affected.
      expect((await t.anonymous().login(other.owner.email, other.owner.password)).status).toBe(200);
      t.clock.advance(15 * 60_000);
      expect((await t.anonymous().login(ws.owner.email, ws.owner.password)).status).toBe(200);
      // A successful login clears the count: nine more mistakes do not lock the account.
      for (let i = 0; i < 9; i++) expect((await t.anonymous().login(ws.owner.email, `wrong again ${i}`)).status).toBe(401);
      expect((await t.anonymous().login(ws.owner.email, ws.owner.password)).status).toBe(200);
    });

    it('stores the password as a salted scrypt hash', async () => {
      const ws = await t.createWorkspace();
      const other = await t.createWorkspace();
      const rows = await t.database.db.selectFrom('users').select(['id', 'password_hash']).where('id', 'in', [ws.ownerId, other.ownerId]).execute();
      expect(rows).toHaveLength(2);
      for (const row of rows) {
        expect(row.password_hash.startsWith('scrypt$')).toBe(true);
        expect(row.password_hash).not.toContain(ws.owner.password);
        expect(row.password_hash).not.toContain(Buffer.from(ws.owner.password).toString('base64'));
      }
      // Same password, different salt.
      expect(rows[0]!.password_hash).not.toBe(rows[1]!.password_hash);
    });

    it('GET /api/auth/session needs a live session', async () => {
      const anon = await t.anonymous().get('/api/auth/session');
      expect(anon.status).toBe(401);
      expect(anon.body.error.code).toBe('unauthenticated');
      const forged = await withCookie(t, 'owi_session=forged-token').get('/api/auth/session');
      expect(forged.status).toBe(401);
    });
  });

  describe('CSRF protection', () => {
    it('refuses a state-changing request with the cookie but without the token, and changes nothing', async () => {
      const ws = await t.createWorkspace();
      const noToken = withCookie(t, ws.session.cookie);
      const res = await noToken.post('/api/positions', { name: 'Forged', questions: [{ title: 'q' }] });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('csrf_failed');
      expect((await noToken.get('/api/positions')).body.items).toEqual([]);

      const wrong = await ws.session.post('/api/positions', { name: 'Forged', questions: [{ title: 'q' }] }, { 'x-csrf-token': 'x'.repeat(ws.session.csrfToken!.length) });
      expect(wrong.status).toBe(403);
      expect(wrong.body.error.code).toBe('csrf_failed');
      const otherSessionsToken = await t.anonymous().login(ws.owner.email, ws.owner.password);
      const crossed = await ws.session.post('/api/positions', { name: 'Forged', questions: [{ title: 'q' }] }, { 'x-csrf-token': otherSessionsToken.body.csrfToken });
      expect(crossed.status).toBe(403);
      expect((await ws.session.get('/api/positions')).body.items).toEqual([]);

      // Logging out is state-changing too: a forged logout must not end the session.
      expect((await noToken.post('/api/auth/logout')).status).toBe(403);
      expect((await noToken.get('/api/auth/session')).status).toBe(200);

      const right = await ws.session.post('/api/positions', { name: 'Real', questions: [{ title: 'q' }] });
      expect(right.status).toBe(201);
      // GET needs no token.
      const listed = await noToken.get('/api/positions');
      expect(listed.status).toBe(200);
      expect(listed.body.items.map((p: any) => p.name)).toEqual(['Real']);
    });

    it('checks the token on PATCH and DELETE as well', async () => {
      const ws = await t.createWorkspace();
      const p = await createPosition(ws.session, 'Keep me');
      const noToken = withCookie(t, ws.session.cookie);
      expect((await noToken.patch(`/api/positions/${p.id}`, { name: 'Renamed' })).status).toBe(403);
      expect((await noToken.delete(`/api/positions/${p.id}/questions/${p.questions[0]!.id}`)).status).toBe(403);
      const after = await ws.session.get(`/api/positions/${p.id}`);
      expect(after.body.name).toBe('Keep me');
      expect(after.body.questions).toHaveLength(2);
    });
  });

  it('logout ends the session on the server, not just in the browser', async () => {
    const ws = await t.createWorkspace();
    const cookie = ws.session.cookie;
    const csrfToken = ws.session.csrfToken;
    const out = await ws.session.post('/api/auth/logout');
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/^owi_session=;.*Max-Age=0/i);
    // A copy of the old cookie (as an attacker might hold) is dead too.
    const replay = withCookie(t, cookie, csrfToken);
    const session = await replay.get('/api/auth/session');
    expect(session.status).toBe(401);
    expect(session.body.error.code).toBe('unauthenticated');
    expect((await replay.get('/api/positions')).status).toBe(401);
    expect((await replay.post('/api/positions', { name: 'x', questions: [{ title: 'q' }] })).status).toBe(401);
    // Other sessions of the same person live on.
    const again = t.anonymous();
    expect((await again.login(ws.owner.email, ws.owner.password)).status).toBe(200);
    expect((await again.get('/api/auth/session')).status).toBe(200);
  });

  describe('workspace switcher', () => {
    it('lets a member of two workspaces switch, and then shows only that workspace', async () => {
      const a = await t.createWorkspace('Alpha');
      const b = await t.createWorkspace('Beta');
      await createPosition(a.api, 'Alpha role');
      await createPosition(b.api, 'Beta role');

      const invite = await b.session.post('/api/members/invitations', { email: a.owner.email, role: 'reviewer' });
      expect(invite.status).toBe(201);
      const token = new URL(invite.body.acceptUrl).searchParams.get('token')!;
      const accepted = await t.anonymous().post('/api/member-invitations/accept', { token, password: a.owner.password });
      expect(accepted.status).toBe(200);

      const person = t.anonymous();
      const login = await person.login(a.owner.email, a.owner.password);
      expect(login.body.workspaceId).toBe(a.workspaceId);
      expect(login.body.workspaces).toEqual(
        expect.arrayContaining([
          { id: a.workspaceId, name: 'Alpha', role: 'owner' },
          { id: b.workspaceId, name: 'Beta', role: 'reviewer' },
        ]),
      );
      expect((await person.get('/api/positions')).body.items.map((p: any) => p.name)).toEqual(['Alpha role']);

      const switched = await person.post('/api/auth/workspace', { workspaceId: b.workspaceId });
      expect(switched.status).toBe(200);
      expect(switched.body).toMatchObject({ workspaceId: b.workspaceId, role: 'reviewer' });
      expect((await person.get('/api/auth/session')).body).toMatchObject({ workspaceId: b.workspaceId, role: 'reviewer' });
      expect((await person.get('/api/positions')).body.items.map((p: any) => p.name)).toEqual(['Beta role']);
      // The role follows the workspace: a reviewer in Beta cannot create there.
      expect((await person.post('/api/positions', { name: 'x', questions: [{ title: 'q' }] })).status).toBe(403);

      const back = await person.post('/api/auth/workspace', { workspaceId: a.workspaceId });
      expect(back.body).toMatchObject({ workspaceId: a.workspaceId, role: 'owner' });
      expect((await person.get('/api/positions')).body.items.map((p: any) => p.name)).toEqual(['Alpha role']);
    });

    it('a member removed from the workspace they are in opens the app in their other workspace, and no request moves there by itself', async () => {
      const a = await t.createWorkspace('Gamma');
      const b = await t.createWorkspace('Delta');
      await createPosition(b.api, 'Delta role');
      const invite = await a.session.post('/api/members/invitations', { email: b.owner.email, role: 'admin' });
      const token = new URL(invite.body.acceptUrl).searchParams.get('token')!;
      expect((await t.anonymous().post('/api/member-invitations/accept', { token, password: b.owner.password })).status).toBe(200);
      const person = t.anonymous();
      await person.login(b.owner.email, b.owner.password);
      expect((await person.post('/api/auth/workspace', { workspaceId: a.workspaceId })).status).toBe(200);

      expect((await a.session.delete(`/api/members/${b.ownerId}`)).status).toBe(204);
      // A request sent for Gamma is refused, not carried out in Delta.
      const refused = await person.post('/api/positions', { name: 'Meant for Gamma', questions: [{ title: 'q' }] });
      expect(refused.status).toBe(403);
      expect((await b.api.get('/api/positions')).body.items.map((p: any) => p.name)).toEqual(['Delta role']);
      // The app, reading the session, opens in Delta.
      expect((await person.get('/api/auth/session')).body).toMatchObject({ workspaceId: b.workspaceId, role: 'owner', workspaces: [{ id: b.workspaceId, name: 'Delta', role: 'owner' }] });
      expect((await person.get('/api/positions')).body.items.map((p: any) => p.name)).toEqual(['Delta role']);
    });

    it('refuses to switch to a workspace you are not in and stays where you were', async () => {
      const a = await t.createWorkspace();
      const stranger = await t.createWorkspace();
      await createPosition(stranger.api, 'Not yours');
      const res = await a.session.post('/api/auth/workspace', { workspaceId: stranger.workspaceId });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
      expect((await a.session.post('/api/auth/workspace', { workspaceId: 'no-such-workspace' })).status).toBe(403);
      expect((await a.session.get('/api/auth/session')).body.workspaceId).toBe(a.workspaceId);
      expect((await a.session.get('/api/positions')).body.items).toEqual([]);
      expect((await a.api.post('/api/auth/workspace', { workspaceId: a.workspaceId })).status).toBe(403);
    });
  });

  // Last: it moves the shared clock past every session's lifetime.
  it('ends a session once SESSION_TTL has passed', async () => {
    const ws = await t.createWorkspace();
    t.clock.advance(t.config.sessionTtlMs - 60_000);
    expect((await ws.session.get('/api/auth/session')).status).toBe(200);
    t.clock.advance(60_000);
    const expired = await ws.session.get('/api/auth/session');
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('unauthenticated');
    expect((await ws.session.get('/api/positions')).status).toBe(401);
    // The API key does not expire with sessions, and a fresh login works.
    expect((await ws.api.get('/api/positions')).status).toBe(200);
    expect((await t.anonymous().login(ws.owner.email, ws.owner.password)).status).toBe(200);
  });
});

describe.each(databaseKinds)('concurrent first-run setup on %s', (kind) => {
  let t: TestPlatform;

  beforeAll(async () => {
    t = await startTestPlatform(kind);
  });
  afterAll(() => t.stop());

  it('lets exactly one of several simultaneous setups become the owner', async () => {
    const attempts = await Promise.all(
      ['first', 'second', 'third'].map((who) =>
        t.anonymous().post('/api/setup', { workspaceName: `${who} co`, name: who, email: `${who}@race.test`, password: PASSWORD }),
      ),
    );
    expect(attempts.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    for (const refused of attempts.filter((r) => r.status === 409)) expect(refused.body.error.code).toBe('setup_done');
    const users = await t.database.db.selectFrom('users').select('email').execute();
    const workspaces = await t.database.db.selectFrom('workspaces').select('id').execute();
    expect(users).toHaveLength(1);
    expect(workspaces).toHaveLength(1);
  });
});
