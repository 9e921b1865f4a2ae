import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/test-databases.ts';
import { createPosition, startTestPlatform, type TestPlatform, type TestWorkspace } from '../support/test-platform.ts';
import { dataOf, graphql } from './hireflix-client.ts';
import {
  BACK_TO_EVALUATE,
  DISCARD,
  INTERVIEW_DOCUMENTED,
  INTERVIEW_LIST,
  INVITE_ALL_MEMBERS,
  INVITE_DOCUMENTED,
  LEGACY_INVITE_DOCUMENTED,
  POSITIONS,
  POSITION_WITH_QUESTIONS,
  SHORTLIST,
  TO_EVALUATE,
} from './hireflix-queries.ts';

let emailCounter = 0;
const email = (name = 'cand') => `${name}${++emailCounter}.${Date.now()}@example.com`;

describe.each(databaseKinds)('Hireflix GraphQL API at /me on %s', (kind) => {
  let t: TestPlatform;
  let ws: TestWorkspace;
  let position: { id: string; questions: { id: string }[] };
  const gql = (query: string, variables?: Record<string, unknown>, key: string | null = ws.apiKey) => graphql(t.url, key, query, variables);
  const invite = async (candidate: Record<string, unknown>, extra: Record<string, unknown> = {}, positionId = position.id) =>
    dataOf(await gql(INVITE_ALL_MEMBERS, { input: { positionId, candidate, disableNotifications: true, ...extra } })).inviteCandidateToInterview;

  /** Moves an interview to completed the way the recording pipeline leaves it (the full path is in graphql-flow). */
  const markCompleted = (id: string, score: number | null = null) =>
    t.database.db.updateTable('interviews').set({ status: 'completed', completed_at: t.clock.now(), submitted_at: t.clock.now(), score }).where('id', '=', id).execute();

  beforeAll(async () => {
    t = await startTestPlatform(kind);
    ws = await t.createWorkspace();
    position = await createPosition(ws.api, 'Support Engineer');
  });
  afterAll(async () => {
    await t.stop();
  });

  it('lists positions and reads one with its questions, with X-API-KEY or Authorization: Bearer', async () => {
    const archived = await createPosition(ws.api, 'Old role');
    await ws.api.post(`/api/positions/${archived.id}/archive`);
    const { positions } = dataOf(await gql(POSITIONS));
    const byId = Object.fromEntries(positions.map((p: any) => [p.id, p]));
    expect(byId[position.id]).toEqual({ id: position.id, name: 'Support Engineer', archived: null, active: true });
    expect(byId[archived.id].archived).toBeTypeOf('number');
    expect(byId[archived.id].active).toBe(false);

    const bearer = await graphql(t.url, null, POSITION_WITH_QUESTIONS, { id: position.id }, { authorization: `Bearer ${ws.apiKey}` });
    const { position: read } = dataOf(bearer);
    expect(read.questions).toEqual([
      { id: position.questions[0]!.id, title: 'Tell us about yourself', description: '', timeToThink: 10, timeToAnswer: 60, retakes: 1 },
      { id: position.questions[1]!.id, title: 'Why this role?', description: 'Be specific.', timeToThink: 0, timeToAnswer: 30, retakes: 0 },
    ]);
  });

  it('invites with the documented mutation; the JSON API sees the same interview and interview.create is emitted', async () => {
    const address = email('ada');
    const res = await gql(INVITE_DOCUMENTED, {
      input: { positionId: position.id, candidate: { email: address, firstName: 'Ada', lastName: 'Lovelace', phone: '+44 20 7946 0000' }, externalId: 'ats-1', disableNotifications: true, metadata: { stage: 'screen', ids: [1, 2] } },
    });
    const result = dataOf(res).inviteCandidateToInterview;
    expect(result).toMatchObject({ __typename: 'InterviewType', status: 'pending', hash: expect.any(String) });
    expect(result.url.public).toMatch(new RegExp(`^${t.url}/i/`));
    expect(result.url.short).toBe(`${t.url}/c/${result.hash}`);
    expect(result.url.private).toBe(`${t.url}/admin/interviews/${result.id}`);

    const json = await ws.api.get(`/api/interviews/${result.id}`);
    expect(json.body).toMatchObject({ externalId: 'ats-1', candidate: { firstName: 'Ada', lastName: 'Lovelace', email: address, phone: '+44 20 7946 0000' } });
    const events = (await ws.api.get('/api/webhooks/events')).body.items;
    expect(events.filter((e: any) => e.interviewId === result.id).map((e: any) => e.event)).toEqual(['interview.create']);
    // disableNotifications: no invitation email.
    expect((await ws.api.get(`/api/emails?interviewId=${result.id}`)).body.items).toEqual([]);
    const row = await t.database.db.selectFrom('interviews').select('metadata').where('id', '=', result.id).executeTakeFirstOrThrow();
    expect(JSON.parse(row.metadata!)).toEqual({ stage: 'screen', ids: [1, 2] });
  });

  it('answers refusals as typed union members, never as transport errors', async () => {
    const address = email('grace');
    const first = await invite({ email: address, firstName: 'Grace', lastName: 'Hopper' }, { externalId: 'ats-grace' });
    expect(first.__typename).toBe('InterviewType');

    const again = await gql(INVITE_DOCUMENTED, { input: { positionId: position.id, candidate: { email: address.toUpperCase(), firstName: 'Grace' } } });
    expect(again.status).toBe(200);
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data.inviteCandidateToInterview).toEqual({
      __typename: 'InterviewAlreadyExistsInPositionError',
      code: 409,
      name: 'InterviewAlreadyExistsInPositionError',
      message: expect.stringContaining('already has an open invitation'),
    });

    expect(await invite({ email: email(), firstName: 'Other' }, { externalId: 'ats-grace' })).toMatchObject({
      __typename: 'InterviewExternalIdAlreadyExistsInPositionError',
      code: 409,
      externalIdTaken: expect.stringContaining('ats-grace'),
    });
    expect(await invite({ email: email(), firstName: 'Nobody' }, {}, 'no-such-position')).toMatchObject({ __typename: 'PositionNotFoundError', code: 404, notFound: 'Position not found' });

    const closed = await createPosition(ws.api, 'Closed role');
    await ws.api.post(`/api/positions/${closed.id}/archive`);
    expect(await invite({ email: email(), firstName: 'Late' }, {}, closed.id)).toMatchObject({ __typename: 'PositionNotReadyToAcceptInvitesError', code: 409 });

    const invalid = dataOf(
      await gql(INVITE_DOCUMENTED, { input: { positionId: position.id, candidate: { email: 'not-an-email', lastName: 'X', phone: 'call me' }, metadata: { a: { b: { c: { d: 1 } } } } } }),
    ).inviteCandidateToInterview;
    expect(invalid).toMatchObject({ __typename: 'ValidationError', code: 400, name: 'ValidationError' });
    expect(invalid.fieldErrors.map((f: any) => f.flattenedPath).sort()).toEqual(['candidate.email', 'candidate.firstName', 'candidate.phone', 'metadata']);
    expect(invalid.fieldErrors.find((f: any) => f.flattenedPath === 'candidate.email').message).toBe('must be a valid email address');

    // Nothing was created by any refusal.
    const listed = (await ws.api.get(`/api/interviews?positionId=${position.id}&limit=200`)).body.items;
    expect(listed.filter((i: any) => i.candidate.email === address)).toHaveLength(1);
    expect(listed.some((i: any) => i.candidate.email === 'not-an-email')).toBe(false);
  });

  it('invites with the legacy Position(id) { invite(candidate) } form, emailing the candidate', async () => {
    const address = email('legacy');
    const res = dataOf(await gql(LEGACY_INVITE_DOCUMENTED, { positionId: position.id, candidate: { name: 'Linus Old Form', email: address, phone: null } }));
    const invited = res.Position.invite;
    expect(invited).toMatchObject({ status: 'pending', thumbnail: null, candidate: { name: 'Linus Old Form' } });
    expect(invited.createdAt).toBe(t.clock.now());
    expect(invited.url.short).toMatch(new RegExp(`^${t.url}/c/`));
    const json = (await ws.api.get(`/api/interviews/${invited.id}`)).body;
    expect(json.candidate).toMatchObject({ firstName: 'Linus', lastName: 'Old Form', email: address });
    expect((await ws.api.get(`/api/emails?interviewId=${invited.id}`)).body.items.map((e: any) => e.kind)).toEqual(['invitation']);

    // Required variables fit the nullable arguments too; refusals are GraphQL errors with the service's code.
    const twice = await gql(
      `mutation($positionId: String!, $name: String!, $email: String!) { Position(id: $positionId) { invite(candidate: { name: $name, email: $email }) { id } } }`,
      { positionId: position.id, name: 'Linus Again', email: address },
    );
    expect(twice.status).toBe(200);
    expect(twice.body.errors[0]).toMatchObject({ path: ['Position', 'invite'], extensions: { code: 'already_invited' } });
    const missing = await gql(LEGACY_INVITE_DOCUMENTED, { positionId: 'nope', candidate: { name: 'A B', email: email() } });
    expect(missing.body.data.Position).toBeNull();
    expect(missing.body.errors[0].extensions.code).toBe('position_not_found');
  });

  it('reads a pending interview with the documented query', async () => {
    const invited = await invite({ email: email('pending'), firstName: 'Pat', lastName: 'Pending' }, { externalId: 'ats-pat' });
    const { interview } = dataOf(await gql(INTERVIEW_DOCUMENTED, { id: invited.id }));
    expect(interview).toMatchObject({
      id: invited.id,
      status: 'pending',
      answered: false,
      completed: null,
      externalId: 'ats-pat',
      score: null,
      thumbnail: null,
      candidate: { name: 'Pat Pending', firstName: 'Pat', lastName: 'Pending', phone: null },
      position: { id: position.id, name: 'Support Engineer' },
      url: invited.url,
    });
    expect(interview.questions).toEqual([
      { id: expect.any(String), title: 'Tell us about yourself', description: '', answered: false, answer: null },
      { id: expect.any(String), title: 'Why this role?', description: 'Be specific.', answered: false, answer: null },
    ]);
  });

  it('shortlists and discards with Interview(id) { finalist archive }, each emitting interview.status-change', async () => {
    const invited = await invite({ email: email('deci'), firstName: 'Dee', lastName: 'Cided' });
    // A pending interview cannot be decided on, as on the JSON API.
    const early = await gql(SHORTLIST, { id: invited.id });
    expect(early.body.data.Interview).toBeNull();
    expect(early.body.errors[0].extensions.code).toBe('invalid_state');

    await markCompleted(invited.id);
    expect(dataOf(await gql(SHORTLIST, { id: invited.id })).Interview.finalist).toEqual({ id: invited.id, status: 'shortlisted', finalist: t.clock.now() });
    t.clock.advance(1000);
    expect(dataOf(await gql(BACK_TO_EVALUATE, { id: invited.id })).Interview.finalist).toEqual({ id: invited.id, status: 'completed', finalist: null });
    const discarded = dataOf(await gql(DISCARD, { id: invited.id })).Interview.archive;
    expect(discarded).toEqual({ id: invited.id, status: 'discarded', discardedAt: t.clock.now() });
    // finalist(false) leaves a discard alone; both fields in one request run in the order written.
    const both = dataOf(await gql(`mutation($id: String) { Interview(id: $id) { a: finalist(finalist: false) { status } b: finalist(finalist: true) { status } c: archive(archive: false) { status } } }`, { id: invited.id }));
    expect(both.Interview).toEqual({ a: { status: 'discarded' }, b: { status: 'shortlisted' }, c: { status: 'shortlisted' } });

    const events = (await ws.api.get('/api/webhooks/events?limit=200')).body.items.filter((e: any) => e.interviewId === invited.id).map((e: any) => e.event);
    // Newest first: create, then shortlist, clear, discard, shortlist.
    expect(events).toEqual(['interview.status-change', 'interview.status-change', 'interview.status-change', 'interview.status-change', 'interview.create']);
    expect((await ws.api.get(`/api/interviews/${invited.id}`)).body.decision).toBe('shortlisted');
  });

  it('pages interviewList with lastCursor, filters by status (to_evaluate), email, lastName and score, sorts by createdAt', async () => {
    const listPosition = await createPosition(ws.api, 'Listed role');
    const ids: string[] = [];
    const names = ['Alpha', 'Bravo', 'Charlie', 'Delta', 'Echo'];
    for (const lastName of names) {
      t.clock.advance(1000);
      ids.push((await invite({ email: `${lastName.toLowerCase()}.${Date.now()}@example.com`, firstName: 'Case', lastName }, {}, listPosition.id)).id);
    }
    await markCompleted(ids[0]!, 4.5);
    await markCompleted(ids[1]!, 2);
    await markCompleted(ids[2]!, 3);
    await markCompleted(ids[3]!);
    await gql(SHORTLIST, { id: ids[2] });

    // to_evaluate: completed and undecided (Alpha, Bravo, Delta), newest first, two per page.
    const seen: string[] = [];
    let lastCursor: string | null = null;
    for (let pageNo = 0; pageNo < 5; pageNo++) {
      const list: any = dataOf(await gql(TO_EVALUATE, { id: listPosition.id, lastCursor })).position.interviewList;
      expect(list.total).toBe(3);
      expect(list.count).toBe(list.results.length);
      if (list.results.length === 0) {
        expect(list.lastCursor).toBe(lastCursor);
        break;
      }
      expect(list.results.every((r: any) => r.status === 'completed')).toBe(true);
      seen.push(...list.results.map((r: any) => r.candidate.fullName));
      lastCursor = list.lastCursor;
    }
    expect(seen).toEqual(['Case Delta', 'Case Bravo', 'Case Alpha']);

    const list = async (input: unknown) => dataOf(await gql(INTERVIEW_LIST, { id: listPosition.id, input })).position.interviewList;
    const lastNames = (l: any) => l.results.map((r: any) => r.candidate.lastName);
    expect(lastNames(await list({ sort: [{ field: 'createdAt', direction: 'ASC' }] }))).toEqual(names);
    expect(lastNames(await list({ filter: { status: { equal: 'pending' } } }))).toEqual(['Echo']);
    expect(lastNames(await list({ filter: { status: { equal: 'shortlisted' } } }))).toEqual(['Charlie']);
    expect(lastNames(await list({ filter: { status: { in: ['pending', 'shortlisted'] } } }))).toEqual(['Echo', 'Charlie']);
    expect(lastNames(await list({ filter: { status: { in: [] } } }))).toEqual([]);
    expect(lastNames(await list({ filter: { status: { equal: 'completed', in: ['to_evaluate', 'expired'] } } }))).toEqual(['Delta', 'Bravo', 'Alpha']);
    expect(lastNames(await list({ filter: { lastName: { equal: 'bravo' } } }))).toEqual(['Bravo']);
    expect(lastNames(await list({ filter: { lastName: { regex: 'ha' } } }))).toEqual(['Charlie', 'Alpha']);
    expect(lastNames(await list({ filter: { email: { regex: '^delta\\..*@example.com$' } } }))).toEqual(['Delta']);
    const echoEmail = (await ws.api.get(`/api/interviews/${ids[4]}`)).body.candidate.email;
    expect(lastNames(await list({ filter: { email: { equal: echoEmail.toUpperCase() } } }))).toEqual(['Echo']);
    expect(lastNames(await list({ filter: { score: { greaterThanOrEqual: 3 } } }))).toEqual(['Charlie', 'Alpha']);
    expect(lastNames(await list({ filter: { score: { greaterThan: 1, lessThan: 4 } } }))).toEqual(['Charlie', 'Bravo']);
    expect(lastNames(await list({ filter: { score: { notEqual: 2 } } }))).toEqual(['Echo', 'Delta', 'Charlie', 'Alpha']);

    // BACKWARD returns the page before a cursor, still in the sort order.
    const forward = await list({ pagination: { limit: 2 } });
    expect(lastNames(forward)).toEqual(['Echo', 'Delta']);
    const next = await list({ pagination: { limit: 2, lastCursor: forward.lastCursor } });
    expect(lastNames(next)).toEqual(['Charlie', 'Bravo']);
    const back = await list({ pagination: { limit: 1, lastCursor: next.lastCursor, direction: 'BACKWARD' } });
    expect(lastNames(back)).toEqual(['Charlie']);

    const bad = await gql(INTERVIEW_LIST, { id: listPosition.id, input: { filter: { status: { equal: 'archived' }, lastName: { regex: '(a|b)+' } }, pagination: { limit: 1000, lastCursor: 'garbage' } } });
    expect(bad.body.data.position).toBeNull();
    expect(bad.body.errors[0].extensions.code).toBe('validation_failed');
    expect(bad.body.errors[0].extensions.fields.map((f: any) => f.path)).toEqual(['filter.status', 'filter.lastName.regex', 'pagination.lastCursor', 'pagination.limit']);
    const badCursor = await gql(INTERVIEW_LIST, { id: listPosition.id, input: { pagination: { lastCursor: 'garbage' } } });
    expect(badCursor.body.errors[0].extensions).toMatchObject({ code: 'validation_failed', fields: [{ path: 'pagination.lastCursor', message: 'is not a cursor this API returned' }] });
    expect(badCursor.body.errors[0].message).toContain('pagination.lastCursor: is not a cursor this API returned');
  });

  it('shows an API key nothing of another workspace and refuses missing or bad keys', async () => {
    const other = await t.createWorkspace();
    const ours = await invite({ email: email('mine'), firstName: 'Mine' });
    const theirs = (await graphql(t.url, other.apiKey, POSITIONS)).body.data.positions;
    expect(theirs).toEqual([]);
    const read = await graphql(t.url, other.apiKey, INTERVIEW_DOCUMENTED, { id: ours.id });
    expect(read.body.data.interview).toBeNull();
    expect(read.body.errors[0].extensions.code).toBe('interview_not_found');
    const pos = await graphql(t.url, other.apiKey, POSITION_WITH_QUESTIONS, { id: position.id });
    expect(pos.body.errors[0].extensions.code).toBe('position_not_found');
    const decide = await graphql(t.url, other.apiKey, DISCARD, { id: ours.id });
    expect(decide.body.errors[0].extensions.code).toBe('interview_not_found');
    const inviteThere = await graphql(t.url, other.apiKey, INVITE_ALL_MEMBERS, { input: { positionId: position.id, candidate: { email: email(), firstName: 'X' } } });
    expect(inviteThere.body.data.inviteCandidateToInterview.__typename).toBe('PositionNotFoundError');

    for (const key of [null, 'owk_not-a-real-key']) {
      const refused = await graphql(t.url, key, POSITIONS);
      expect(refused.status).toBe(401);
      expect(refused.body.errors[0].extensions.code).toBe(key ? 'invalid_api_key' : 'unauthenticated');
    }
    // A revoked key stops working at once.
    const created = await ws.session.post('/api/api-keys', { name: 'Short-lived' });
    expect((await graphql(t.url, created.body.key, POSITIONS)).status).toBe(200);
    expect((await ws.session.delete(`/api/api-keys/${created.body.apiKey.id}`)).status).toBe(200);
    expect((await graphql(t.url, created.body.key, POSITIONS)).status).toBe(401);
  });

  it('answers malformed requests with GraphQL errors and refuses queries over the depth, cost and alias limits', async () => {
    const syntax = await gql('query { positions { id ');
    expect(syntax.status).toBe(200);
    expect(syntax.body.errors[0].message).toMatch(/^Syntax Error/);
    expect(syntax.body.errors[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    const unknown = await gql('{ positions { id salary } }');
    // Each problem once (GraphQL's own rules run once, before the limits).
    expect(unknown.body.errors).toHaveLength(1);
    expect(unknown.body.errors[0].message).toContain('Cannot query field "salary"');
    expect(unknown.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const badVariable = await gql(INTERVIEW_DOCUMENTED, { id: 42 });
    expect(badVariable.body.errors).toHaveLength(1);
    expect(badVariable.body.errors[0].message).toContain('$id');
    expect(badVariable.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');

    const notJson = await fetch(`${t.url}/me`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': ws.apiKey }, body: '{"query": ' });
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).errors[0].message).toBe('Unparsable JSON body');
    const noQuery = await fetch(`${t.url}/me`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': ws.apiKey }, body: '{}' });
    expect(noQuery.status).toBe(400);
    expect((await noQuery.json()).errors[0].message).toBe('Missing query');

    let deep = 'name';
    for (let i = 0; i < 12; i++) deep = `ofType { ${deep} }`;
    const tooDeep = await gql(`{ __type(name: "Query") { fields { type { ${deep} } } } }`);
    expect(tooDeep.body.errors.map((e: any) => e.message).join()).toContain('Query depth limit of 10 exceeded');

    const heavy = Array.from({ length: 50 }, (_, i) => `p${i}: positions { interviews { questions { answer { url thumbnail createdAt } } candidate { name email } } }`).join(' ');
    const tooCostly = await gql(`{ ${heavy} }`);
    expect(tooCostly.body.errors.map((e: any) => e.message).join()).toContain('Query Cost limit of 2000 exceeded');
    expect(tooCostly.body.data).toBeUndefined();

    // Cheap-looking lists multiplied by aliases: past 1000 interviews read, fields fail instead of running on.
    const crowded = await createPosition(ws.api, 'Crowded role');
    for (let i = 0; i < 21; i++) await invite({ email: email('crowd'), firstName: 'Crowd' }, {}, crowded.id);
    const multiplied = Array.from({ length: 50 }, (_, i) => `p${i}: position(id: "${crowded.id}") { interviews { id } }`).join(' ');
    const overBudget = await gql(`{ ${multiplied} }`);
    expect(overBudget.status).toBe(200);
    expect(overBudget.body.errors.length).toBeGreaterThan(0);
    expect(overBudget.body.errors[0].extensions.code).toBe('rate_limited');
    expect(overBudget.body.errors[0].message).toContain('more than 1000 interviews');

    const aliases = Array.from({ length: 60 }, (_, i) => `a${i}: webhooks { id }`).join(' ');
    expect((await gql(`{ ${aliases} }`)).body.errors.map((e: any) => e.message).join()).toContain('Aliases limit of 50 exceeded');

    const huge = await fetch(`${t.url}/me`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': ws.apiKey }, body: JSON.stringify({ query: `{ positions { id } } # ${'x'.repeat(300 * 1024)}` }) });
    expect(huge.status).toBe(413);
    expect((await huge.json()).error).toMatchObject({ code: 'payload_too_large', message: 'The request body is larger than 256 KiB' });

    // Introspection works for clients that generate types from the schema.
    const types = dataOf(await gql('{ __schema { types { name } } }')).__schema.types.map((ty: any) => ty.name);
    expect(types).toEqual(expect.arrayContaining(['InterviewType', 'InterviewPositionType', 'CandidateType', 'inputCandidate', 'InviteCandidateToInterviewInput', 'ValidationError']));
    // The server is still fine.
    expect(dataOf(await gql(POSITIONS)).positions.length).toBeGreaterThan(0);
  });
});
