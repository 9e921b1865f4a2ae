import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/test-databases.ts';
import { createPosition, startTestPlatform, type TestPlatform, type TestWorkspace } from '../support/test-platform.ts';

describe.each(databaseKinds)('positions API on %s', (kind) => {
  let t: TestPlatform;
  let ws: TestWorkspace;
  let other: TestWorkspace;

  beforeAll(async () => {
    t = await startTestPlatform(kind);
    ws = await t.createWorkspace('Acme');
    other = await t.createWorkspace('Globex');
  });
  afterAll(() => t.stop());

  it('creates a position with ordered questions and defaults', async () => {
    const res = await ws.api.post('/api/positions', {
      name: '  Sales Rep First Round ',
      introMessage: 'Hello',
      questions: [{ title: 'One' }, { title: 'Two', thinkTimeSeconds: 0, maxAnswerSeconds: 90, retakes: 3 }],
    });
    expect(res.status).toBe(201);
    expect(res.body.name).toBe('Sales Rep First Round');
    expect(res.body.archived).toBe(false);
    expect(res.body.questions.map((q: any) => q.title)).toEqual(['One', 'Two']);
    expect(res.body.questions[0]).toMatchObject({ description: '', thinkTimeSeconds: 30, maxAnswerSeconds: 120, retakes: 1 });
    expect(res.body.questions[1]).toMatchObject({ thinkTimeSeconds: 0, maxAnswerSeconds: 90, retakes: 3 });
    const got = await ws.session.get(`/api/positions/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
  });

  it('rejects invalid input with field errors and stores nothing', async () => {
    const before = (await ws.api.get('/api/positions?archived=all')).body.items.length;
    const bad = await ws.api.post('/api/positions', {
      name: '',
      questions: [{ title: 'x'.repeat(501), thinkTimeSeconds: -1, maxAnswerSeconds: 100000, retakes: 99 }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    const paths = bad.body.error.fields.map((f: any) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'questions.0.title', 'questions.0.thinkTimeSeconds', 'questions.0.maxAnswerSeconds', 'questions.0.retakes']));
    const notJson = await ws.api.request('POST', '/api/positions', '{"name": ', { 'content-type': 'application/json' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('invalid_json');
    const sqlish = await ws.api.post('/api/positions', { name: "x'); DROP TABLE positions; --", questions: [{ title: 'q' }] });
    expect(sqlish.status).toBe(201);
    expect(sqlish.body.name).toBe("x'); DROP TABLE positions; --");
    expect((await ws.api.get('/api/positions?archived=all')).body.items.length).toBe(before + 1);
  });

  it('edits, adds, reorders and removes questions', async () => {
    const p = await createPosition(ws.api);
    const [q1, q2] = p.questions.map((q) => q.id);
    const added = await ws.api.post(`/api/positions/${p.id}/questions`, { title: 'Three', retakes: 0 });
    expect(added.status).toBe(201);
    const q3 = added.body.questions[2].id;
    const reordered = await ws.api.put(`/api/positions/${p.id}/questions/order`, { questionIds: [q3, q1, q2] });
    expect(reordered.status).toBe(200);
    expect(reordered.body.questions.map((q: any) => q.id)).toEqual([q3, q1, q2]);
    const badOrder = await ws.api.put(`/api/positions/${p.id}/questions/order`, { questionIds: [q3, q1] });
    expect(badOrder.status).toBe(400);
    const edited = await ws.api.patch(`/api/positions/${p.id}/questions/${q1}`, { title: 'Renamed', maxAnswerSeconds: 45 });
    expect(edited.body.questions[1]).toMatchObject({ id: q1, title: 'Renamed', maxAnswerSeconds: 45, thinkTimeSeconds: 10 });
    const removed = await ws.api.delete(`/api/positions/${p.id}/questions/${q2}`);
    expect(removed.body.questions.map((q: any) => q.id)).toEqual([q3, q1]);
    const replaced = await ws.api.patch(`/api/positions/${p.id}`, { name: 'New name', questions: [{ id: q1, title: 'Kept' }, { title: 'Brand new' }] });
    expect(replaced.status).toBe(200);
    expect(replaced.body.name).toBe('New name');
    expect(replaced.body.questions.map((q: any) => q.title)).toEqual(['Kept', 'Brand new']);
    expect(replaced.body.questions[0].id).toBe(q1);
    // A kept question changes only what its item names; a new one gets the defaults.
    expect(replaced.body.questions[0]).toMatchObject({ maxAnswerSeconds: 45, thinkTimeSeconds: 10 });
    expect(replaced.body.questions[1]).toMatchObject({ description: '', thinkTimeSeconds: 30, maxAnswerSeconds: 120, retakes: 1 });
    const reordering = await ws.api.patch(`/api/positions/${p.id}`, { questions: [{ id: replaced.body.questions[1].id }, { id: q1, retakes: 3 }] });
    expect(reordering.status).toBe(200);
    expect(reordering.body.questions).toEqual([replaced.body.questions[1], { ...replaced.body.questions[0], retakes: 3 }]);
    // An edit made on an older version is refused whole: the full list would undo what was saved since.
    const version = reordering.body.updatedAt;
    t.clock.advance(1000);
    expect((await ws.api.post(`/api/positions/${p.id}/questions`, { title: 'Saved meanwhile' })).status).toBe(201);
    const stale = await ws.api.patch(`/api/positions/${p.id}`, { name: 'Stale edit', questions: [{ id: q1 }], expectedUpdatedAt: version });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('position_changed');
    const current = (await ws.api.get(`/api/positions/${p.id}`)).body;
    expect(current).toMatchObject({ name: 'New name' });
    expect(current.questions.map((q: any) => q.title)).toContain('Saved meanwhile');
    const fresh = await ws.api.patch(`/api/positions/${p.id}`, { questions: [...reordering.body.questions.map((q: any) => ({ id: q.id }))], expectedUpdatedAt: current.updatedAt });
    expect(fresh.status).toBe(200);
    expect(fresh.body.questions).toEqual(reordering.body.questions);
    const emptyId = await ws.api.patch(`/api/positions/${p.id}`, { questions: [{ id: '' }] });
    expect(emptyId.status).toBe(400);
    expect(emptyId.body.error.fields).toEqual([expect.objectContaining({ path: 'questions.0.id' })]);
    const unknown = await ws.api.patch(`/api/positions/${p.id}`, { questions: [{ id: 'nope', title: 'x' }] });
    expect(unknown.status).toBe(400);
    const untitled = await ws.api.patch(`/api/positions/${p.id}`, { name: 'Not saved', questions: [{ id: q1 }, { description: 'no title' }] });
    expect(untitled.status).toBe(400);
    expect(untitled.body.error.fields).toEqual([expect.objectContaining({ path: 'questions.1.title', message: 'is required' })]);
    expect((await ws.api.get(`/api/positions/${p.id}`)).body).toMatchObject({ name: 'New name', questions: fresh.body.questions });
  });

  it('duplicates and archives', async () => {
    const p = await createPosition(ws.api, 'Original');
    const copy = await ws.api.post(`/api/positions/${p.id}/duplicate`, {});
    expect(copy.status).toBe(201);
    expect(copy.body.name).toBe('Original (copy)');
    expect(copy.body.id).not.toBe(p.id);
    expect(copy.body.questions.map((q: any) => q.title)).toEqual(['Tell us about yourself', 'Why this role?']);
    expect(copy.body.questions[0].id).not.toBe(p.questions[0]!.id);
    const archived = await ws.api.post(`/api/positions/${p.id}/archive`);
    expect(archived.body.archived).toBe(true);
    const active = (await ws.api.get('/api/positions')).body.items.map((x: any) => x.id);
    expect(active).not.toContain(p.id);
    const onlyArchived = (await ws.api.get('/api/positions?archived=archived')).body.items.map((x: any) => x.id);
    expect(onlyArchived).toEqual([p.id]);
    const invite = await ws.api.post(`/api/positions/${p.id}/interviews`, { name: 'A B', email: 'a@example.com' });
    expect(invite.status).toBe(409);
    expect(invite.body.error.code).toBe('invalid_state');
    expect((await ws.api.post(`/api/positions/${p.id}/unarchive`)).body.archived).toBe(false);
  });

  it('keeps workspaces apart and refuses missing, bad and revoked keys', async () => {
    const p = await createPosition(ws.api, 'Secret role');
    const theirs = await other.api.get(`/api/positions/${p.id}`);
    expect(theirs.status).toBe(404);
    expect(JSON.stringify(theirs.body)).not.toContain('Secret role');
    expect((await other.session.patch(`/api/positions/${p.id}`, { name: 'hijack' })).status).toBe(404);
    expect((await other.api.get('/api/positions')).body.items.map((x: any) => x.id)).not.toContain(p.id);
    const anon = await t.anonymous().get('/api/positions');
    expect(anon.status).toBe(401);
    expect(anon.body.error.code).toBe('unauthenticated');
    const bad = await t.anonymous().get('/api/positions', { 'x-api-key': 'owk_not-a-key' });
    expect(bad.status).toBe(401);
    expect(bad.body.error.code).toBe('invalid_api_key');
    const created = await ws.session.post('/api/api-keys', { name: 'temp' });
    await ws.session.delete(`/api/api-keys/${created.body.apiKey.id}`);
    const revoked = await t.anonymous().get('/api/positions', { authorization: `Bearer ${created.body.key}` });
    expect(revoked.status).toBe(401);
  });
});
