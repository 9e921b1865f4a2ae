import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/test-databases.ts';
import { ApiClient, createPosition, startTestPlatform, type TestPlatform, type TestWorkspace } from '../support/test-platform.ts';

type Role = 'owner' | 'admin' | 'reviewer';

const PASSWORD = 'member passphrase';
const uniqueEmail = (who: string) => `${who}.${randomBytes(4).toString('hex')}@example.com`;
const tokenOf = (acceptUrl: string) => new URL(acceptUrl).searchParams.get('token')!;

interface Member {
  client: ApiClient;
  userId: string;
  email: string;
}

describe.each(databaseKinds)('members API on %s', (kind) => {
  let t: TestPlatform;
  let ws: TestWorkspace;
  let other: TestWorkspace;

  beforeAll(async () => {
    t = await startTestPlatform(kind);
    ws = await t.createWorkspace('Acme');
    other = await t.createWorkspace('Globex');
  });
  afterAll(() => t.stop());

  /** Invites a new person by `inviter`, accepts through the public endpoint and logs them in. */
  async function join(inviter: ApiClient, role: Role, email = uniqueEmail(role)): Promise<Member> {
    const invite = await inviter.post('/api/members/invitations', { email, role });
    expect(invite.status, JSON.stringify(invite.body)).toBe(201);
    const accepted = await t.anonymous().post('/api/member-invitations/accept', { token: tokenOf(invite.body.acceptUrl), name: 'Rita Member', password: PASSWORD });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    const client = t.anonymous();
    const login = await client.login(email, PASSWORD);
    expect(login.status).toBe(200);
    return { client, userId: login.body.user.id, email };
  }

  const memberIds = async (client: ApiClient) => (await client.get('/api/members')).body.items.map((m: any) => m.id);

  it('invites by email, sends the link, and the new person joins with a name and password', async () => {
    const invite = await ws.session.post('/api/members/invitations', { email: 'New.Person@Example.com', role: 'reviewer' });
    expect(invite.status).toBe(201);
    expect(invite.body).toMatchObject({ email: 'new.person@example.com', role: 'reviewer', createdAt: t.clock.now(), expiresAt: t.clock.now() + 7 * 86400_000 });
    expect(invite.body.acceptUrl.startsWith(`${t.url}/admin/join?token=`)).toBe(true);
    const token = tokenOf(invite.body.acceptUrl);

    const emails = (await ws.session.get('/api/emails?to=new.person@example.com')).body.items;
    expect(emails).toHaveLength(1);
    expect(emails[0]).toMatchObject({ kind: 'member_invitation', to: 'new.person@example.com', status: 'queued' });
    expect(emails[0].subject).toContain('Acme');
    expect(emails[0].text).toContain(invite.body.acceptUrl);
    expect(emails[0].text).toContain('Olive Owner');
    await t.drainJobs();
    expect((await ws.session.get('/api/emails?to=new.person@example.com')).body.items[0]).toMatchObject({ status: 'sent', transport: 'outbox' });
    // The token travels in the email only; the database keeps its hash.
    const stored = await t.database.db.selectFrom('member_invitations').selectAll().where('id', '=', invite.body.id).executeTakeFirstOrThrow();
    for (const value of Object.values(stored)) expect(String(value)).not.toContain(token);

    expect((await ws.session.get('/api/members/invitations')).body.items.map((i: any) => i.id)).toContain(invite.body.id);
    const described = await t.anonymous().get(`/api/member-invitations?token=${encodeURIComponent(token)}`);
    expect(described.status).toBe(200);
    expect(described.body).toEqual({ workspaceName: 'Acme', email: 'new.person@example.com', role: 'reviewer', hasAccount: false });
    const bogus = await t.anonymous().get(`/api/member-invitations?token=${'x'.repeat(43)}`);
    expect(bogus.status).toBe(404);

    const noName = await t.anonymous().post('/api/member-invitations/accept', { token, password: PASSWORD });
    expect(noName.status).toBe(400);
    const weak = await t.anonymous().post('/api/member-invitations/accept', { token, name: 'Nina', password: 'short' });
    expect(weak.status).toBe(400);
    const accepted = await t.anonymous().post('/api/member-invitations/accept', { token, name: 'Nina New', password: PASSWORD });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toEqual({ email: 'new.person@example.com', workspaceId: ws.workspaceId });

    const nina = t.anonymous();
    const login = await nina.login('new.person@example.com', PASSWORD);
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ user: { name: 'Nina New' }, workspaceId: ws.workspaceId, role: 'reviewer' });
    const members = (await ws.session.get('/api/members')).body.items;
    expect(members.find((m: any) => m.email === 'new.person@example.com')).toMatchObject({ id: login.body.user.id, name: 'Nina New', role: 'reviewer', joinedAt: t.clock.now() });
    expect((await ws.session.get('/api/members/invitations')).body.items.map((i: any) => i.id)).not.toContain(invite.body.id);

    const twice = await t.anonymous().post('/api/member-invitations/accept', { token, name: 'Nina Again', password: 'another passphrase' });
    expect(twice.status).toBe(409);
    expect((await t.anonymous().get(`/api/member-invitations?token=${encodeURIComponent(token)}`)).status).toBe(409);
    expect((await t.anonymous().login('new.person@example.com', 'another passphrase')).status).toBe(401);
  });

  it('an API key can invite too', async () => {
    const email = uniqueEmail('by-key');
    const invite = await ws.api.post('/api/members/invitations', { email, role: 'admin' });
    expect(invite.status).toBe(201);
    const mail = (await ws.api.get(`/api/emails?to=${encodeURIComponent(email)}`)).body.items[0];
    expect(mail.kind).toBe('member_invitation');
    expect(mail.text).toContain(invite.body.acceptUrl);
    expect((await ws.api.post('/api/members/invitations', { email: uniqueEmail('owner'), role: 'owner' })).status).toBe(403);
  });

  it('reviewers read but cannot manage', async () => {
    const position = await createPosition(ws.api, 'Readable');
    const reviewer = await join(ws.session, 'reviewer');
    const r = reviewer.client;
    expect((await r.get('/api/positions')).status).toBe(200);
    expect((await r.get(`/api/positions/${position.id}`)).body.name).toBe('Readable');
    expect((await r.get('/api/interviews')).status).toBe(200);
    expect((await r.get('/api/members')).status).toBe(200);

    const owner = (await ws.session.get('/api/auth/session')).body.user.id;
    const refused = [
      await r.post('/api/positions', { name: 'By reviewer', questions: [{ title: 'q' }] }),
      await r.patch(`/api/positions/${position.id}`, { name: 'Renamed by reviewer' }),
      await r.post(`/api/positions/${position.id}/interviews`, { name: 'Cand Idate', email: 'cand@example.com' }),
      await r.get('/api/api-keys'),
      await r.post('/api/api-keys', { name: 'x' }),
      await r.get('/api/members/invitations'),
      await r.post('/api/members/invitations', { email: uniqueEmail('friend'), role: 'reviewer' }),
      await r.patch(`/api/members/${reviewer.userId}`, { role: 'admin' }),
      await r.patch(`/api/members/${owner}`, { role: 'reviewer' }),
      await r.delete(`/api/members/${owner}`),
      await r.get('/api/emails'),
    ];
    for (const res of refused) {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('forbidden');
    }
    expect((await ws.api.get(`/api/positions/${position.id}`)).body.name).toBe('Readable');
    expect((await ws.api.get('/api/positions')).body.items.map((p: any) => p.name)).not.toContain('By reviewer');
    expect((await ws.api.get('/api/interviews')).body.items).toEqual([]);
    const members = (await ws.session.get('/api/members')).body.items;
    expect(members.find((m: any) => m.id === reviewer.userId).role).toBe('reviewer');
    expect(members.find((m: any) => m.id === owner).role).toBe('owner');
  });

  it("a reviewer of one workspace gets 404 on another workspace's positions", async () => {
    const reviewer = await join(ws.session, 'reviewer');
    const theirs = await createPosition(other.api, 'Globex secret');
    const res = await reviewer.client.get(`/api/positions/${theirs.id}`);
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toContain('Globex secret');
    expect((await reviewer.client.get('/api/positions')).body.items.map((p: any) => p.id)).not.toContain(theirs.id);
    expect((await reviewer.client.get('/api/members')).body.items.map((m: any) => m.email)).not.toContain(other.owner.email);
  });

  it('refuses a second open invitation and inviting someone who is already a member', async () => {
    const email = uniqueEmail('dup');
    expect((await ws.session.post('/api/members/invitations', { email, role: 'reviewer' })).status).toBe(201);
    const dup = await ws.session.post('/api/members/invitations', { email: email.toUpperCase(), role: 'admin' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('already_invited');
    expect((await ws.session.get(`/api/emails?to=${encodeURIComponent(email)}`)).body.items).toHaveLength(1);
    // Another workspace may invite the same person.
    expect((await other.session.post('/api/members/invitations', { email, role: 'reviewer' })).status).toBe(201);

    const anonymous = await t.anonymous().post('/api/members/invitations', { email: uniqueEmail('anon'), role: 'reviewer' });
    expect(anonymous.status).toBe(401);
    const self = await ws.session.post('/api/members/invitations', { email: ws.owner.email.toUpperCase(), role: 'reviewer' });
    expect(self.status).toBe(409);
    expect(self.body.error.code).toBe('already_member');
    const joined = await join(ws.session, 'reviewer');
    const again = await ws.session.post('/api/members/invitations', { email: joined.email, role: 'admin' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_member');
  });

  it('an existing account joins with its own password', async () => {
    const invite = await ws.session.post('/api/members/invitations', { email: other.owner.email, role: 'admin' });
    expect(invite.status).toBe(201);
    const token = tokenOf(invite.body.acceptUrl);
    expect((await t.anonymous().get(`/api/member-invitations?token=${token}`)).body).toMatchObject({ hasAccount: true, role: 'admin' });

    const wrong = await t.anonymous().post('/api/member-invitations/accept', { token, name: 'Mallory', password: 'not their password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    expect(await memberIds(ws.session)).not.toContain(other.ownerId);
    expect((await ws.session.get('/api/members/invitations')).body.items.map((i: any) => i.id)).toContain(invite.body.id);
    // The wrong password did not become the account's password.
    expect((await t.anonymous().login(other.owner.email, 'not their password')).status).toBe(401);

    const right = await t.anonymous().post('/api/member-invitations/accept', { token, name: 'Renamed?', password: other.owner.password });
    expect(right.status).toBe(200);
    expect(right.body.workspaceId).toBe(ws.workspaceId);
    const members = (await ws.session.get('/api/members')).body.items;
    expect(members.find((m: any) => m.id === other.ownerId)).toMatchObject({ role: 'admin', name: 'Olive Owner' });
    const login = await t.anonymous().login(other.owner.email, other.owner.password);
    expect(login.body.workspaces.map((w: any) => w.id).sort()).toEqual([ws.workspaceId, other.workspaceId].sort());
    // Their own workspace is untouched.
    expect((await other.session.get('/api/auth/session')).body).toMatchObject({ workspaceId: other.workspaceId, role: 'owner' });
  });

  it('withdraws an invitation so its link stops working', async () => {
    const invite = await ws.session.post('/api/members/invitations', { email: uniqueEmail('withdrawn'), role: 'reviewer' });
    expect((await other.session.delete(`/api/members/invitations/${invite.body.id}`)).status).toBe(404);
    expect((await ws.session.delete(`/api/members/invitations/${invite.body.id}`)).status).toBe(204);
    const token = tokenOf(invite.body.acceptUrl);
    expect((await t.anonymous().get(`/api/member-invitations?token=${token}`)).status).toBe(404);
    expect((await t.anonymous().post('/api/member-invitations/accept', { token, name: 'Late', password: PASSWORD })).status).toBe(404);
  });

  it('changes a role, and the change applies to the live session at once', async () => {
    const person = await join(ws.session, 'reviewer');
    expect((await person.client.post('/api/positions', { name: 'Too early', questions: [{ title: 'q' }] })).status).toBe(403);
    const promoted = await ws.session.patch(`/api/members/${person.userId}`, { role: 'admin' });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ id: person.userId, email: person.email, role: 'admin' });
    expect((await person.client.get('/api/auth/session')).body.role).toBe('admin');
    expect((await person.client.post('/api/positions', { name: 'Now allowed', questions: [{ title: 'q' }] })).status).toBe(201);

    const demoted = await ws.session.patch(`/api/members/${person.userId}`, { role: 'reviewer' });
    expect(demoted.body.role).toBe('reviewer');
    expect((await person.client.post('/api/positions', { name: 'Not any more', questions: [{ title: 'q' }] })).status).toBe(403);

    expect((await ws.session.patch('/api/members/no-such-user', { role: 'admin' })).status).toBe(404);
    expect((await other.session.patch(`/api/members/${person.userId}`, { role: 'admin' })).status).toBe(404);
  });

  it('keeps at least one owner', async () => {
    const solo = await t.createWorkspace('Solo');
    const demote = await solo.session.patch(`/api/members/${solo.ownerId}`, { role: 'admin' });
    expect(demote.status).toBe(409);
    expect(demote.body.error.code).toBe('last_owner');
    const remove = await solo.session.delete(`/api/members/${solo.ownerId}`);
    expect(remove.status).toBe(409);
    expect(remove.body.error.code).toBe('last_owner');
    expect((await solo.session.get('/api/members')).body.items).toEqual([expect.objectContaining({ id: solo.ownerId, role: 'owner' })]);
    expect((await solo.session.get('/api/auth/session')).body.role).toBe('owner');

    // With a second owner, the first may step down; then the second is the last one.
    const second = await join(solo.session, 'owner');
    const stepDown = await solo.session.patch(`/api/members/${solo.ownerId}`, { role: 'admin' });
    expect(stepDown.status).toBe(200);
    expect((await second.client.patch(`/api/members/${second.userId}`, { role: 'admin' })).body.error.code).toBe('last_owner');
    expect((await second.client.delete(`/api/members/${second.userId}`)).body.error.code).toBe('last_owner');
  });

  it('an admin cannot grant or take the owner role', async () => {
    const team = await t.createWorkspace('Team');
    const admin = await join(team.session, 'admin');
    const reviewer = await join(team.session, 'reviewer');
    const grant = await admin.client.patch(`/api/members/${reviewer.userId}`, { role: 'owner' });
    expect(grant.status).toBe(403);
    expect(grant.body.error.code).toBe('forbidden');
    const self = await admin.client.patch(`/api/members/${admin.userId}`, { role: 'owner' });
    expect(self.status).toBe(403);
    expect((await admin.client.patch(`/api/members/${team.ownerId}`, { role: 'reviewer' })).status).toBe(403);
    expect((await admin.client.delete(`/api/members/${team.ownerId}`)).status).toBe(403);
    expect((await admin.client.post('/api/members/invitations', { email: uniqueEmail('boss'), role: 'owner' })).status).toBe(403);
    const roles = Object.fromEntries((await team.session.get('/api/members')).body.items.map((m: any) => [m.id, m.role]));
    expect(roles).toEqual({ [team.ownerId]: 'owner', [admin.userId]: 'admin', [reviewer.userId]: 'reviewer' });
    // What an admin may do: manage non-owners.
    expect((await admin.client.patch(`/api/members/${reviewer.userId}`, { role: 'admin' })).status).toBe(200);
  });

  it("removing a member ends their access to the workspace at once, in their existing session", async () => {
    const person = await join(ws.session, 'admin');
    expect((await person.client.get('/api/positions')).status).toBe(200);
    const removed = await ws.session.delete(`/api/members/${person.userId}`);
    expect(removed.status).toBe(204);
    for (const res of [await person.client.get('/api/positions'), await person.client.post('/api/positions', { name: 'After removal', questions: [{ title: 'q' }] }), await person.client.get('/api/members')]) {
      expect(res.status).toBe(403);
      expect(res.body.items).toBeUndefined();
    }
    const session = await person.client.get('/api/auth/session');
    expect(session.body).toMatchObject({ workspaceId: null, role: null, workspaces: [] });
    expect(await memberIds(ws.session)).not.toContain(person.userId);
    expect((await ws.session.delete(`/api/members/${person.userId}`)).status).toBe(404);
    // Logging in again does not bring it back.
    const fresh = t.anonymous();
    expect((await fresh.login(person.email, PASSWORD)).body.workspaceId).toBeNull();
    expect((await fresh.get('/api/positions')).status).toBe(403);
  });

  it('validates input', async () => {
    const bad = [
      { email: 'not-an-email', role: 'reviewer' },
      { email: 'a@', role: 'reviewer' },
      { email: uniqueEmail('super'), role: 'superuser' },
      { role: 'reviewer' },
      { email: `${'x'.repeat(250)}@example.com`, role: 'reviewer' },
    ];
    for (const body of bad) {
      const res = await ws.session.post('/api/members/invitations', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    expect((await ws.session.get('/api/members/invitations')).body.items.map((i: any) => i.email)).not.toContain(bad[2]!.email);
    const owner = (await ws.session.get('/api/auth/session')).body.user.id;
    const role = await ws.session.patch(`/api/members/${owner}`, { role: 'superuser' });
    expect(role.status).toBe(400);
    expect(role.body.error.fields.map((f: any) => f.path)).toContain('role');
    expect((await t.anonymous().post('/api/member-invitations/accept', { token: 'short', password: PASSWORD, name: 'x' })).status).toBe(400);
  });

  // Last: it moves the shared clock by 8 days.
  it('an invitation expires after 7 days', async () => {
    const email = uniqueEmail('late');
    const invite = await ws.session.post('/api/members/invitations', { email, role: 'reviewer' });
    const token = tokenOf(invite.body.acceptUrl);
    t.clock.advance(8 * 86400_000);
    const described = await t.anonymous().get(`/api/member-invitations?token=${token}`);
    expect(described.status).toBe(410);
    expect(described.body.error.code).toBe('invitation_expired');
    const accept = await t.anonymous().post('/api/member-invitations/accept', { token, name: 'Late Larry', password: PASSWORD });
    expect(accept.status).toBe(410);
    expect(accept.body.error.code).toBe('invitation_expired');
    expect((await t.anonymous().login(email, PASSWORD)).status).toBe(401);
    expect((await ws.session.get('/api/members/invitations')).body.items.map((i: any) => i.id)).not.toContain(invite.body.id);
    // An expired invitation does not block a new one.
    expect((await ws.session.post('/api/members/invitations', { email, role: 'reviewer' })).status).toBe(201);
  });
});
