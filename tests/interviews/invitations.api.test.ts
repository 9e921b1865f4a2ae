import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/test-databases.ts';
import { ApiClient, createPosition, startTestPlatform, type TestPlatform, type TestWorkspace } from '../support/test-platform.ts';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

let emailCounter = 0;
const uniqueEmail = (label = 'candidate') => `${label}.${++emailCounter}@example.com`;

describe.each(databaseKinds)('invitations API on %s', (kind) => {
  let t: TestPlatform;
  let ws: TestWorkspace;
  let other: TestWorkspace;

  beforeAll(async () => {
    t = await startTestPlatform(kind);
    ws = await t.createWorkspace('Acme');
    other = await t.createWorkspace('Globex');
  });
  afterAll(() => t.stop());

  const invite = (client: ApiClient, positionId: string, body: Record<string, unknown>) => client.post(`/api/positions/${positionId}/interviews`, body);
  const iso = (epochMs: number) => new Date(epochMs).toISOString();
  const interviewsOf = async (positionId: string) => {
    const res = await ws.api.get(`/api/interviews?positionId=${positionId}&limit=200`);
    expect(res.status).toBe(200);
    return res.body.items as any[];
  };
  const emailsOf = async (interviewId: string) => {
    const res = await ws.api.get(`/api/emails?interviewId=${interviewId}&limit=200`);
    expect(res.status).toBe(200);
    return res.body.items as any[];
  };
  const tokenOf = (interview: { url: { public: string } }) => interview.url.public.split('/i/')[1]!;
  // The candidate flow that submits answers arrives in a later issue; until then a completed interview is made in the database.
  const markCompleted = async (id: string) => {
    const now = t.clock.now();
    await t.database.db.updateTable('interviews').set({ status: 'completed', started_at: now, completed_at: now, updated_at: now }).where('id', '=', id).execute();
  };
  const statusRow = (id: string) => t.database.db.selectFrom('interviews').select(['status', 'expired_at']).where('id', '=', id).executeTakeFirstOrThrow();
  const sweepExpired = async () => {
    // The worker is off in tests, so nothing queued the recurring sweep that worker.start() would.
    await t.running.platform.ctx.jobs.enqueue({ name: 'interview.expiry-sweep', uniqueKey: 'recurring:interview.expiry-sweep' });
    await t.drainJobs();
  };
  const addReviewer = (workspace: TestWorkspace) => t.joinMember(workspace, 'reviewer');

  describe('inviting one candidate', () => {
    it('creates a pending invitation with split name, contact details, links, questions and an invitation email', async () => {
      const p = await createPosition(ws.api, 'Account Executive');
      const email = uniqueEmail('ada');
      const res = await invite(ws.api, p.id, { name: '  Ada   King Lovelace ', email, phone: '+1 (555) 010-2030', externalId: 'ats-42' });
      expect(res.status).toBe(201);
      const i = res.body;
      expect(i).toMatchObject({
        position: { id: p.id, name: 'Account Executive' },
        status: 'pending',
        decision: null,
        candidate: { name: 'Ada King Lovelace', firstName: 'Ada', lastName: 'King Lovelace', email, phone: '+1 (555) 010-2030' },
        externalId: 'ats-42',
        reviewerId: null,
        expiresAt: null,
        createdAt: t.clock.now(),
        startedAt: null,
        completedAt: null,
        cancelledAt: null,
        expiredAt: null,
      });
      expect(i.questions.map((q: any) => q.title)).toEqual(['Tell us about yourself', 'Why this role?']);
      expect(i.questions[0]).toMatchObject({ thinkTimeSeconds: 10, maxAnswerSeconds: 60, retakes: 1 });

      // The public link carries a bearer token of at least 128 bits; the short link carries the hash.
      expect(i.url.public).toMatch(new RegExp(`^${t.url}/i/[A-Za-z0-9_-]{43,}$`));
      expect(i.url.short).toBe(`${t.url}/c/${i.hash}`);
      expect(i.hash.length).toBeGreaterThanOrEqual(22);
      expect(i.url.private).toMatch(new RegExp(`^${t.url}/.+${i.id}`));
      expect(tokenOf(i)).not.toContain(i.hash);

      const got = await ws.api.get(`/api/interviews/${i.id}`);
      expect(got.status).toBe(200);
      expect(got.body).toEqual(i);

      const emails = await emailsOf(i.id);
      expect(emails).toHaveLength(1);
      expect(emails[0]).toMatchObject({ kind: 'invitation', to: email, status: 'queued', interviewId: i.id });
      expect(emails[0].subject).toContain('Account Executive');
      expect(emails[0].text).toContain(i.url.public);
      expect(emails[0].text).toContain('Hi Ada,');
    });

    it('every invitation gets its own unguessable token and hash', async () => {
      const p = await createPosition(ws.api);
      const a = (await invite(ws.api, p.id, { name: 'One', email: uniqueEmail() })).body;
      const b = (await invite(ws.api, p.id, { name: 'Two', email: uniqueEmail() })).body;
      expect(tokenOf(a)).not.toBe(tokenOf(b));
      expect(a.hash).not.toBe(b.hash);
      expect(a.id).not.toBe(b.id);
    });

    it('takes firstName and lastName as given, and a one-word name as the first name', async () => {
      const p = await createPosition(ws.api);
      const both = await invite(ws.api, p.id, { firstName: 'Grace', lastName: 'Brewster Hopper', email: uniqueEmail() });
      expect(both.status).toBe(201);
      expect(both.body.candidate).toMatchObject({ name: 'Grace Brewster Hopper', firstName: 'Grace', lastName: 'Brewster Hopper' });
      const firstOnly = await invite(ws.api, p.id, { firstName: 'Linus', email: uniqueEmail() });
      expect(firstOnly.body.candidate).toMatchObject({ name: 'Linus', firstName: 'Linus', lastName: '' });
      const oneWord = await invite(ws.api, p.id, { name: 'Cher', email: uniqueEmail() });
      expect(oneWord.body.candidate).toMatchObject({ name: 'Cher', firstName: 'Cher', lastName: '' });
      const noEmail = await invite(ws.api, p.id, { name: 'Silent', email: uniqueEmail(), sendEmail: false });
      expect(noEmail.status).toBe(201);
      expect(await emailsOf(noEmail.body.id)).toEqual([]);
    });

    it('accepts the deadline as ISO 8601 with a time zone or as epoch milliseconds', async () => {
      const p = await createPosition(ws.api);
      const inAWeek = t.clock.now() + 7 * DAY;
      const withOffset = new Date(inAWeek).toISOString().replace('Z', '+00:00');
      const a = await invite(ws.api, p.id, { name: 'Iso Z', email: uniqueEmail(), expiresAt: iso(inAWeek) });
      expect(a.status).toBe(201);
      expect(a.body.expiresAt).toBe(inAWeek);
      // 12:00 at +02:00 is 10:00 UTC.
      const noonInBerlin = new Date(inAWeek);
      noonInBerlin.setUTCHours(10, 0, 0, 0);
      const b = await invite(ws.api, p.id, { name: 'Iso Offset', email: uniqueEmail(), expiresAt: `${iso(noonInBerlin.getTime()).slice(0, 10)}T12:00:00+02:00` });
      expect(b.status).toBe(201);
      expect(b.body.expiresAt).toBe(noonInBerlin.getTime());
      const c = await invite(ws.api, p.id, { name: 'Epoch', email: uniqueEmail(), expiresAt: inAWeek + 1 });
      expect(c.status).toBe(201);
      expect(c.body.expiresAt).toBe(inAWeek + 1);
      const d = await invite(ws.api, p.id, { name: 'Offset Zero', email: uniqueEmail(), expiresAt: withOffset });
      expect(d.body.expiresAt).toBe(inAWeek);
      const none = await invite(ws.api, p.id, { name: 'No Deadline', email: uniqueEmail(), expiresAt: null });
      expect(none.status).toBe(201);
      expect(none.body.expiresAt).toBeNull();
    });

    it('rejects invalid deadlines with a field error on expiresAt and creates nothing', async () => {
      const p = await createPosition(ws.api);
      const now = t.clock.now();
      const bad: unknown[] = [
        iso(now - HOUR), // past
        now - 1, // past, epoch ms
        now, // not in the future
        'next friday', // not a date
        '2031-13-45T10:00:00Z', // not a calendar date
        iso(now + 400 * DAY), // more than a year ahead
        now + 400 * DAY,
        iso(now + 7 * DAY).slice(0, 19), // no time zone
        iso(now + 7 * DAY).slice(0, 10), // a date without a time
        -5,
        true,
      ];
      for (const expiresAt of bad) {
        const res = await invite(ws.api, p.id, { name: 'Late Larry', email: uniqueEmail(), expiresAt });
        expect(res.status, `expiresAt ${JSON.stringify(expiresAt)}`).toBe(400);
        expect(res.body.error.code).toBe('validation_failed');
        expect(res.body.error.fields.map((f: any) => f.path)).toContain('expiresAt');
      }
      expect(await interviewsOf(p.id)).toEqual([]);
      // Just inside a year is fine.
      expect((await invite(ws.api, p.id, { name: 'On Time', email: uniqueEmail(), expiresAt: now + 360 * DAY })).status).toBe(201);
    });

    it('takes a reviewer only from the members of the workspace', async () => {
      const p = await createPosition(ws.api);
      const ok = await invite(ws.api, p.id, { name: 'Reviewed', email: uniqueEmail(), reviewerId: ws.ownerId });
      expect(ok.status).toBe(201);
      expect(ok.body.reviewerId).toBe(ws.ownerId);
      for (const reviewerId of ['0123456789abcdef01234567', other.ownerId]) {
        const res = await invite(ws.api, p.id, { name: 'Unreviewed', email: uniqueEmail(), reviewerId });
        expect(res.status).toBe(400);
        expect(res.body.error.fields).toEqual([expect.objectContaining({ path: 'reviewerId' })]);
      }
      expect((await interviewsOf(p.id)).map((i) => i.id)).toEqual([ok.body.id]);
    });

    it('rejects missing, malformed and oversized fields, and stores SQL-looking text verbatim', async () => {
      const p = await createPosition(ws.api);
      const cases: [Record<string, unknown>, string][] = [
        [{ email: uniqueEmail() }, 'name'],
        [{ name: '   ', email: uniqueEmail() }, 'name'],
        [{ name: 'x'.repeat(101), email: uniqueEmail() }, 'name'],
        [{ firstName: 'x'.repeat(101), email: uniqueEmail() }, 'firstName'],
        [{ firstName: 'Ok', lastName: 'x'.repeat(101), email: uniqueEmail() }, 'lastName'],
        [{ name: 'No Email' }, 'email'],
        [{ name: 'Bad Email', email: 'not-an-email' }, 'email'],
        [{ name: 'Long Email', email: `${'a'.repeat(60)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.com` }, 'email'],
        [{ name: 'Bad Phone', email: uniqueEmail(), phone: 'call me maybe' }, 'phone'],
        [{ name: 'Long Phone', email: uniqueEmail(), phone: '1'.repeat(41) }, 'phone'],
        [{ name: 'Long Ext', email: uniqueEmail(), externalId: 'e'.repeat(201) }, 'externalId'],
      ];
      for (const [body, field] of cases) {
        const res = await invite(ws.api, p.id, body);
        expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
        expect(res.body.error.code).toBe('validation_failed');
        expect(res.body.error.fields.map((f: any) => f.path)).toContain(field);
      }
      expect((cases[7]![0].email as string).length).toBeGreaterThanOrEqual(255);
      // Every problem at once: no name and no email are both reported.
      const empty = await invite(ws.api, p.id, { phone: 'call me maybe' });
      expect(empty.body.error.fields.map((f: any) => f.path).sort()).toEqual(['email', 'name', 'phone']);
      expect(await interviewsOf(p.id)).toEqual([]);
      // A pasted address with spaces around it is the address.
      const spaced = await invite(ws.api, p.id, { name: 'Spaced Out', email: '  Spaced.Out@Example.com ' });
      expect(spaced.status).toBe(201);
      expect(spaced.body.candidate.email).toBe('Spaced.Out@Example.com');
      await ws.api.delete(`/api/interviews/${spaced.body.id}`);

      const longest = await invite(ws.api, p.id, { name: 'y'.repeat(100), email: uniqueEmail() });
      expect(longest.status).toBe(201);
      const sqlName = "Robert'); DROP TABLE interviews; --";
      const sqlEmail = `o'brien.${++emailCounter}@example.com`;
      const sqlish = await invite(ws.api, p.id, { firstName: sqlName, lastName: '" OR 1=1 --', email: sqlEmail, externalId: "1' OR '1'='1" });
      expect(sqlish.status).toBe(201);
      expect(sqlish.body.candidate).toMatchObject({ firstName: sqlName, lastName: '" OR 1=1 --', email: sqlEmail });
      expect(sqlish.body.externalId).toBe("1' OR '1'='1");
      const found = await ws.api.get(`/api/interviews?q=${encodeURIComponent("DROP TABLE")}&positionId=${p.id}`);
      expect(found.body.items.map((i: any) => i.id)).toEqual([sqlish.body.id]);
      expect(await interviewsOf(p.id)).toHaveLength(2);
    });

    it('refuses unknown, archived and empty positions', async () => {
      const missing = await invite(ws.api, '0123456789abcdef01234567', { name: 'Nobody', email: uniqueEmail() });
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('position_not_found');
      const empty = await ws.api.post('/api/positions', { name: 'No questions yet' });
      const noQuestions = await invite(ws.api, empty.body.id, { name: 'Early Bird', email: uniqueEmail() });
      expect(noQuestions.status).toBe(409);
      expect(noQuestions.body.error.code).toBe('invalid_state');
    });
  });

  describe('candidate links', () => {
    it('the short link redirects to the public link, which shows the candidate page', async () => {
      const p = await createPosition(ws.api, 'Warehouse Lead');
      const i = (await invite(ws.api, p.id, { name: 'Katherine Johnson', email: uniqueEmail() })).body;

      const short = await t.anonymous().get(new URL(i.url.short).pathname);
      expect(short.status).toBe(302);
      expect(new URL(short.headers.get('location')!, t.url).href).toBe(i.url.public);

      const page = await fetch(i.url.public);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      const html = await page.text();
      expect(html).toContain('Warehouse Lead');
      expect(html).toContain('Katherine');
      expect(html).toContain('Welcome! Two short questions.');

      // Following the redirect end to end lands on the same page.
      const followed = await fetch(i.url.short);
      expect(followed.status).toBe(200);
      expect(followed.url).toBe(i.url.public);
      expect(await followed.text()).toContain('Warehouse Lead');

      const api = await t.anonymous().get(`/api/candidate/${tokenOf(i)}`);
      expect(api.status).toBe(200);
      expect(api.body).toMatchObject({
        status: 'pending',
        candidateFirstName: 'Katherine',
        position: { name: 'Warehouse Lead', introMessage: 'Welcome! Two short questions.' },
        expiresAt: null,
      });
      // Two questions, whose text comes when each one's turn comes.
      expect(api.body.questions.map((q: any) => [q.title, q.opened])).toEqual([['', false], ['', false]]);
      // The candidate sees their own first name, never the recruiter's view of them.
      expect(JSON.stringify(api.body)).not.toContain(i.candidate.email);
      expect(JSON.stringify(api.body)).not.toContain(i.id);
    });

    it('says an unknown link is not valid', async () => {
      const fakeToken = 'A'.repeat(43);
      for (const path of [`/i/${fakeToken}`, '/c/NoSuchHash0000000000000']) {
        const res = await t.anonymous().get(path);
        expect(res.status).toBe(404);
        expect(res.headers.get('content-type')).toContain('text/html');
        expect(res.body).toContain('not valid');
      }
      const api = await t.anonymous().get(`/api/candidate/${fakeToken}`);
      expect(api.status).toBe(404);
      expect(api.body.error.code).toBe('link_not_found');
      // The hash alone does not open the interview: only the token does.
      const p = await createPosition(ws.api);
      const i = (await invite(ws.api, p.id, { name: 'Hash Only', email: uniqueEmail() })).body;
      expect((await t.anonymous().get(`/i/${i.hash}`)).status).toBe(404);
      expect((await t.anonymous().get(`/api/candidate/${i.hash}`)).status).toBe(404);
    });

    it('escapes names on the candidate page', async () => {
      const p = await createPosition(ws.api, 'Ops <b>Lead</b> & Co');
      const i = (await invite(ws.api, p.id, { firstName: '<img src=x onerror=alert(1)>', lastName: 'X', email: uniqueEmail() })).body;
      const html = await (await fetch(i.url.public)).text();
      expect(html).not.toContain('<img src=x');
      expect(html).not.toContain('<b>Lead</b>');
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(html).toContain('Ops &lt;b&gt;Lead&lt;/b&gt; &amp; Co');
    });
  });

  describe('uniqueness per position', () => {
    it('allows one open invitation per email, compared without case, until it is cancelled', async () => {
      const p = await createPosition(ws.api);
      const p2 = await createPosition(ws.api, 'Another role');
      const n = ++emailCounter;
      const first = await invite(ws.api, p.id, { name: 'Mixed Case', email: `Mixed.Case${n}@Example.com` });
      expect(first.status).toBe(201);
      expect(first.body.candidate.email).toBe(`Mixed.Case${n}@Example.com`);
      const again = await invite(ws.api, p.id, { name: 'Lower Case', email: `mixed.case${n}@example.com` });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('already_invited');
      const elsewhere = await invite(ws.api, p2.id, { name: 'Lower Case', email: `mixed.case${n}@example.com` });
      expect(elsewhere.status).toBe(201);
      const otherWorkspace = await invite(other.api, (await createPosition(other.api)).id, { name: 'Same', email: `mixed.case${n}@example.com` });
      expect(otherWorkspace.status).toBe(201);

      expect((await ws.api.post(`/api/interviews/${first.body.id}/cancel`)).status).toBe(200);
      const afterCancel = await invite(ws.api, p.id, { name: 'Second Chance', email: `MIXED.case${n}@example.com` });
      expect(afterCancel.status).toBe(201);
      expect((await interviewsOf(p.id)).map((i) => i.status).sort()).toEqual(['cancelled', 'pending']);
      // The new one blocks again.
      expect((await invite(ws.api, p.id, { name: 'Third', email: `mixed.case${n}@example.com` })).status).toBe(409);
    });

    it('frees an external id when its invitation is cancelled or expires, for a new invitation', async () => {
      const p = await createPosition(ws.api);
      const first = await invite(ws.api, p.id, { name: 'Ext Cancelled', email: uniqueEmail(), externalId: 'app-7' });
      expect((await ws.api.post(`/api/interviews/${first.body.id}/cancel`)).status).toBe(200);
      const second = await invite(ws.api, p.id, { name: 'Ext Again', email: uniqueEmail(), externalId: 'app-7', expiresAt: t.clock.now() + 60_000 });
      expect(second.status).toBe(201);
      expect(second.body.externalId).toBe('app-7');
      // While the new one is live the id is taken again.
      expect((await invite(ws.api, p.id, { name: 'Ext Third', email: uniqueEmail(), externalId: 'app-7' })).body.error.code).toBe('external_id_taken');
      t.clock.advance(61_000);
      expect((await ws.api.get(`/api/interviews/${second.body.id}`)).body.status).toBe('expired');
      const third = await invite(ws.api, p.id, { name: 'Ext Third', email: uniqueEmail(), externalId: 'app-7' });
      expect(third.status).toBe(201);
      expect((await interviewsOf(p.id)).map((i) => i.status).sort()).toEqual(['cancelled', 'expired', 'pending']);
    });

    it('allows an external id once per position', async () => {
      const p = await createPosition(ws.api);
      const p2 = await createPosition(ws.api, 'Another role');
      const a = await invite(ws.api, p.id, { name: 'Ext One', email: uniqueEmail(), externalId: 'cand-1' });
      expect(a.status).toBe(201);
      const dup = await invite(ws.api, p.id, { name: 'Ext Two', email: uniqueEmail(), externalId: 'cand-1' });
      expect(dup.status).toBe(409);
      expect(dup.body.error.code).toBe('external_id_taken');
      expect((await invite(ws.api, p2.id, { name: 'Ext Three', email: uniqueEmail(), externalId: 'cand-1' })).status).toBe(201);
      expect((await interviewsOf(p.id)).map((i) => i.id)).toEqual([a.body.id]);
    });

    it('applies the same rules when details are edited', async () => {
      const p = await createPosition(ws.api);
      const taken = uniqueEmail('taken');
      await invite(ws.api, p.id, { name: 'Holder', email: taken, externalId: 'held' });
      const b = (await invite(ws.api, p.id, { name: 'Editor', email: uniqueEmail() })).body;
      const toTakenEmail = await ws.api.patch(`/api/interviews/${b.id}`, { email: taken.toUpperCase() });
      expect(toTakenEmail.status).toBe(409);
      expect(toTakenEmail.body.error.code).toBe('already_invited');
      const toTakenId = await ws.api.patch(`/api/interviews/${b.id}`, { externalId: 'held' });
      expect(toTakenId.status).toBe(409);
      expect(toTakenId.body.error.code).toBe('external_id_taken');
      // Its own email in another case is not a conflict.
      const ownEmail = await ws.api.patch(`/api/interviews/${b.id}`, { email: b.candidate.email.toUpperCase() });
      expect(ownEmail.status).toBe(200);
      expect(ownEmail.body.candidate.email).toBe(b.candidate.email.toUpperCase());
    });
  });

  describe('bulk invitations', () => {
    it('invites a JSON list row by row and reports what was created and what was rejected', async () => {
      const p = await createPosition(ws.api);
      const existing = uniqueEmail('existing');
      const existingId = (await invite(ws.api, p.id, { name: 'Already Here', email: existing })).body.id;
      const dupInFile = uniqueEmail('twice');
      const inAWeek = t.clock.now() + 7 * DAY;
      const res = await ws.api.post(`/api/positions/${p.id}/interviews/bulk`, {
        expiresAt: iso(inAWeek),
        candidates: [
          { name: 'Alan Turing', email: uniqueEmail('alan'), phone: '+44 20 7946 0000', externalId: 'b-1' },
          { name: 'Bad Mail', email: 'bad@' },
          { email: uniqueEmail('nameless') },
          { firstName: 'Twice', email: dupInFile },
          { firstName: 'Twice Again', email: dupInFile.toUpperCase() },
          { name: 'Old Friend', email: existing },
          { name: 'z'.repeat(101), email: uniqueEmail('long') },
          { name: 'Same Ext', email: uniqueEmail(), externalId: 'b-1' },
          { firstName: 'Own', lastName: 'Deadline', email: uniqueEmail(), expiresAt: inAWeek + DAY },
        ],
      });
      expect(res.status).toBe(200);
      const { rows } = res.body;
      expect(res.body).toMatchObject({ created: 3, rejected: 6 });
      expect(rows.map((r: any) => [r.row, r.status])).toEqual([
        [1, 'created'],
        [2, 'rejected'],
        [3, 'rejected'],
        [4, 'created'],
        [5, 'rejected'],
        [6, 'rejected'],
        [7, 'rejected'],
        [8, 'rejected'],
        [9, 'created'],
      ]);
      expect(rows[0].interview).toMatchObject({ candidate: { firstName: 'Alan', lastName: 'Turing', phone: '+44 20 7946 0000' }, externalId: 'b-1', expiresAt: inAWeek });
      expect(rows[1]).toMatchObject({ email: 'bad@', error: { code: 'validation_failed', fields: [expect.objectContaining({ path: 'email' })] } });
      expect(rows[2].error).toMatchObject({ code: 'validation_failed', fields: [expect.objectContaining({ path: 'name' })] });
      expect(rows[4]).toMatchObject({ email: dupInFile.toUpperCase(), error: { code: 'already_invited' } });
      expect(rows[5]).toMatchObject({ email: existing, error: { code: 'already_invited' } });
      expect(rows[6].error).toMatchObject({ code: 'validation_failed', fields: [expect.objectContaining({ path: 'name' })] });
      expect(rows[7].error.code).toBe('external_id_taken');
      expect(rows[8].interview.expiresAt).toBe(inAWeek + DAY);
      for (const r of rows.filter((x: any) => x.status === 'rejected')) expect(r.error.message).toEqual(expect.any(String));

      const createdIds = rows.filter((r: any) => r.interview).map((r: any) => r.interview.id);
      expect((await interviewsOf(p.id)).map((i) => i.id).sort()).toEqual([...createdIds, existingId].sort());
      // Each created row got its invitation email.
      for (const r of rows.filter((x: any) => x.interview)) expect((await emailsOf(r.interview.id)).map((e) => e.kind)).toEqual(['invitation']);
    });

    it('rejects a bulk request that is not a list of candidates', async () => {
      const p = await createPosition(ws.api);
      for (const body of [{}, { candidates: [] }, { candidates: 'a@b.com' }, { candidates: [{ name: 'x', email: 'x@example.com' }], expiresAt: 'soon' }]) {
        const res = await ws.api.post(`/api/positions/${p.id}/interviews/bulk`, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
      }
      const noBody = await ws.api.request('POST', `/api/positions/${p.id}/interviews/bulk`);
      expect(noBody.status).toBe(400);
      expect(noBody.body.error.fields.map((f: any) => f.path)).toContain('candidates');
      const plainText = await ws.api.post(`/api/positions/${p.id}/interviews/bulk`, `name,email\nAda,${uniqueEmail()}\n`, { 'content-type': 'text/plain' });
      expect(plainText.status).toBe(415);
      expect(await interviewsOf(p.id)).toEqual([]);
    });

    it('reads a CSV with loose header names, quotes, other delimiters and query options', async () => {
      const p = await createPosition(ws.api);
      const deadline = t.clock.now() + 10 * DAY;
      const csv = [
        '\uFEFFFirst Name,Last Name,E-mail,Phone Number,External ID,Notes',
        `Marie,Curie,${uniqueEmail('marie')},+33 1 23 45 67 89,ext-7,"likes radium, a lot"`,
        '',
        `"Pierre ""Pete""",Curie,${uniqueEmail('pierre')},,,`,
        `,,${uniqueEmail('noname')},,,`,
        `Bad,Email,not-an-email,,,`,
      ].join('\r\n');
      const res = await ws.api.post(`/api/positions/${p.id}/interviews/bulk?sendEmail=false&expiresAt=${encodeURIComponent(iso(deadline))}`, csv, {
        'content-type': 'text/csv; charset=utf-8',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ created: 2, rejected: 2 });
      const [marie, pierre, noname, bad] = res.body.rows;
      expect(marie).toMatchObject({ row: 1, status: 'created' });
      expect(marie.interview).toMatchObject({ candidate: { firstName: 'Marie', lastName: 'Curie', phone: '+33 1 23 45 67 89' }, externalId: 'ext-7', expiresAt: deadline });
      expect(pierre.interview.candidate).toMatchObject({ firstName: 'Pierre "Pete"', lastName: 'Curie', phone: null });
      expect(pierre.interview.externalId).toBeNull();
      expect(noname).toMatchObject({ status: 'rejected', error: { code: 'validation_failed' } });
      expect(noname.error.fields.map((f: any) => f.path)).toContain('name');
      expect(bad).toMatchObject({ status: 'rejected', email: 'not-an-email' });
      expect(bad.error.fields.map((f: any) => f.path)).toContain('email');
      // sendEmail=false: links only, no emails.
      expect(await emailsOf(marie.interview.id)).toEqual([]);

      const semicolons = ['Full Name;Email Address;Mobile;ID', `Rosalind Franklin;${uniqueEmail('rosalind')};+44 1223 000000;r-1`].join('\n');
      const res2 = await ws.api.post(`/api/positions/${p.id}/interviews/bulk`, semicolons, { 'content-type': 'text/csv' });
      expect(res2.status).toBe(200);
      expect(res2.body.created).toBe(1);
      expect(res2.body.rows[0].interview).toMatchObject({ candidate: { firstName: 'Rosalind', lastName: 'Franklin', phone: '+44 1223 000000' }, externalId: 'r-1', expiresAt: null });
      expect((await emailsOf(res2.body.rows[0].interview.id)).map((e) => e.kind)).toEqual(['invitation']);
      expect(await interviewsOf(p.id)).toHaveLength(3);
    });

    it('reports duplicates inside one CSV and candidates already invited', async () => {
      const p = await createPosition(ws.api);
      const existing = uniqueEmail('existing');
      await invite(ws.api, p.id, { name: 'Already Here', email: existing });
      const twice = uniqueEmail('twice');
      const csv = ['name,email', `One Time,${twice}`, `Two Times,${twice.toUpperCase()}`, `Old Friend,${existing}`, `${'n'.repeat(101)},${uniqueEmail()}`].join('\n');
      const res = await ws.api.post(`/api/positions/${p.id}/interviews/bulk`, csv, { 'content-type': 'text/csv' });
      expect(res.status).toBe(200);
      expect(res.body.rows.map((r: any) => [r.row, r.status, r.error?.code ?? null])).toEqual([
        [1, 'created', null],
        [2, 'rejected', 'already_invited'],
        [3, 'rejected', 'already_invited'],
        [4, 'rejected', 'validation_failed'],
      ]);
      expect(await interviewsOf(p.id)).toHaveLength(2);
    });

    it('refuses a CSV it cannot read and creates nothing', async () => {
      const p = await createPosition(ws.api);
      const bad = [
        '', // empty
        '\n\n', // only blank lines
        'name,phone\nAda,+1 555 0100\n', // no email column
        `name,email\n"Ada Lovelace,${uniqueEmail()}\nBob,${uniqueEmail()}\n`, // a quote never closed
        `name,email\nAda "the" Lovelace,${uniqueEmail()}\n`, // a quote inside an unquoted field
      ];
      for (const csv of bad) {
        const res = await ws.api.post(`/api/positions/${p.id}/interviews/bulk`, csv, { 'content-type': 'text/csv' });
        expect(res.status, JSON.stringify(csv)).toBe(400);
        expect(res.body.error.code).toBe('invalid_csv');
      }
      const badDeadline = await ws.api.post(`/api/positions/${p.id}/interviews/bulk?expiresAt=tomorrow`, `name,email\nAda,${uniqueEmail()}\n`, { 'content-type': 'text/csv' });
      expect(badDeadline.status).toBe(400);
      expect(badDeadline.body.error.code).toBe('validation_failed');
      expect(badDeadline.body.error.fields.map((f: any) => f.path)).toContain('expiresAt');
      expect(await interviewsOf(p.id)).toEqual([]);
    });

    it('refuses a CSV over 1 MiB with 413 and takes one just under it', async () => {
      const p = await createPosition(ws.api);
      const header = 'name,email,notes\n';
      const rowFor = (size: number) => {
        const start = `Big File,${uniqueEmail('big')},`;
        return start + 'x'.repeat(size - header.length - start.length - 1) + '\n';
      };
      const over = header + rowFor(1024 * 1024 + 1);
      expect(Buffer.byteLength(over)).toBe(1024 * 1024 + 1);
      const res = await ws.api.post(`/api/positions/${p.id}/interviews/bulk`, over, { 'content-type': 'text/csv' });
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe('payload_too_large');
      // The refusal must not leave a half-read connection behind for the client's next requests.
      for (let n = 0; n < 3; n++) expect(await interviewsOf(p.id)).toEqual([]);

      const under = header + rowFor(1024 * 1024);
      expect(Buffer.byteLength(under)).toBe(1024 * 1024);
      const ok = await ws.api.post(`/api/positions/${p.id}/interviews/bulk`, under, { 'content-type': 'text/csv' });
      expect(ok.status).toBe(200);
      expect(ok.body.created).toBe(1);
    });
  });

  describe('question snapshot', () => {
    it('keeps the questions an invitation was sent with when the template changes', async () => {
      const p = await createPosition(ws.api, 'Snapshot role');
      const i = (await invite(ws.api, p.id, { name: 'Early Bird', email: uniqueEmail() })).body;
      const before = (await ws.api.get(`/api/interviews/${i.id}`)).body.questions;
      expect(before.map((q: any) => q.title)).toEqual(['Tell us about yourself', 'Why this role?']);

      const [q1, q2] = p.questions.map((q) => q.id);
      expect((await ws.api.patch(`/api/positions/${p.id}/questions/${q1}`, { title: 'Changed title', maxAnswerSeconds: 300, retakes: 5 })).status).toBe(200);
      expect((await ws.api.delete(`/api/positions/${p.id}/questions/${q2}`)).status).toBe(200);
      expect((await ws.api.post(`/api/positions/${p.id}/questions`, { title: 'Added later' })).status).toBe(201);
      const template = (await ws.api.get(`/api/positions/${p.id}`)).body;
      expect(template.questions.map((q: any) => q.title)).toEqual(['Changed title', 'Added later']);

      const after = await ws.api.get(`/api/interviews/${i.id}`);
      expect(after.body.questions).toEqual(before);
      const candidateView = (await t.anonymous().post(`/api/candidate/${tokenOf(i)}/questions/${before[0].id}/open`, {})).body;
      expect(candidateView.questions.map((q: any) => [q.title, q.maxAnswerSeconds])).toEqual([['Tell us about yourself', 60], ['', 30]]);

      // Replacing the whole list does not reach it either; a new invitation gets the new questions.
      expect((await ws.api.patch(`/api/positions/${p.id}`, { questions: [{ title: 'Only one now' }] })).status).toBe(200);
      expect((await ws.api.get(`/api/interviews/${i.id}`)).body.questions).toEqual(before);
      const later = (await invite(ws.api, p.id, { name: 'Late Comer', email: uniqueEmail() })).body;
      expect(later.questions.map((q: any) => q.title)).toEqual(['Only one now']);
    });
  });

  describe('editing, cancelling, resending, deciding and deleting', () => {
    it('edits candidate details, deadline and reviewer before submission', async () => {
      const p = await createPosition(ws.api);
      const i = (await invite(ws.api, p.id, { name: 'Old Name', email: uniqueEmail(), phone: '+1 555 0100', externalId: 'old-ext' })).body;
      t.clock.advance(1000);
      const deadline = t.clock.now() + 5 * DAY;
      const newEmail = uniqueEmail('new');
      const res = await ws.api.patch(`/api/interviews/${i.id}`, {
        firstName: 'New',
        lastName: 'Name',
        email: newEmail,
        phone: null,
        externalId: 'new-ext',
        expiresAt: iso(deadline),
        reviewerId: ws.ownerId,
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        candidate: { name: 'New Name', firstName: 'New', lastName: 'Name', email: newEmail, phone: null },
        externalId: 'new-ext',
        expiresAt: deadline,
        reviewerId: ws.ownerId,
        status: 'pending',
        createdAt: i.createdAt,
        updatedAt: i.createdAt + 1000,
      });
      expect((await ws.api.get(`/api/interviews/${i.id}`)).body).toEqual(res.body);
      // A partial edit keeps what it does not name; null clears the deadline and the reviewer.
      const partial = await ws.api.patch(`/api/interviews/${i.id}`, { lastName: 'Surname', expiresAt: null, reviewerId: null });
      expect(partial.body).toMatchObject({ candidate: { firstName: 'New', lastName: 'Surname', email: newEmail }, externalId: 'new-ext', expiresAt: null, reviewerId: null });

      for (const [body, field] of [
        [{ expiresAt: iso(t.clock.now() - 1000) }, 'expiresAt'],
        [{ expiresAt: 'whenever' }, 'expiresAt'],
        [{ reviewerId: other.ownerId }, 'reviewerId'],
        [{ email: 'nope' }, 'email'],
        [{ firstName: '' }, 'firstName'],
        [{ firstName: 'f'.repeat(101) }, 'firstName'],
      ] as const) {
        const bad = await ws.api.patch(`/api/interviews/${i.id}`, body);
        expect(bad.status, JSON.stringify(body)).toBe(400);
        expect(bad.body.error.fields.map((f: any) => f.path)).toContain(field);
      }
      expect((await ws.api.get(`/api/interviews/${i.id}`)).body).toEqual(partial.body);
      expect((await ws.api.patch('/api/interviews/0123456789abcdef01234567', { firstName: 'Ghost' })).status).toBe(404);
    });

    it('cancels an invitation: the candidate page says so and nothing more can change', async () => {
      const p = await createPosition(ws.api);
      const i = (await invite(ws.api, p.id, { name: 'Cancel Me', email: uniqueEmail() })).body;
      t.clock.advance(5000);
      const cancelled = await ws.api.post(`/api/interviews/${i.id}/cancel`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelledAt: t.clock.now() });

      const page = await fetch(i.url.public);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('cancelled');
      expect(html).not.toContain('Welcome! Two short questions.');
      expect((await t.anonymous().get(`/api/candidate/${tokenOf(i)}`)).body.status).toBe('cancelled');

      const edit = await ws.api.patch(`/api/interviews/${i.id}`, { firstName: 'Revived' });
      expect(edit.status).toBe(409);
      expect(edit.body.error.code).toBe('interview_locked');
      expect((await ws.api.patch(`/api/interviews/${i.id}`, { expiresAt: iso(t.clock.now() + DAY) })).status).toBe(409);
      expect((await ws.api.post(`/api/interviews/${i.id}/cancel`)).status).toBe(409);
      const resend = await ws.api.post(`/api/interviews/${i.id}/resend`);
      expect(resend.status).toBe(409);
      expect(resend.body.error.code).toBe('invalid_state');
      expect((await ws.api.post(`/api/interviews/${i.id}/decision`, { decision: 'shortlisted' })).status).toBe(409);
      expect(await ws.api.get(`/api/interviews/${i.id}`)).toMatchObject({ body: { status: 'cancelled', candidate: { firstName: 'Cancel' } } });
      expect((await emailsOf(i.id)).map((e) => e.kind)).toEqual(['invitation']);
    });

    it('resends the invitation email', async () => {
      const p = await createPosition(ws.api, 'Resend role');
      const i = (await invite(ws.api, p.id, { name: 'Forgetful Fred', email: uniqueEmail() })).body;
      await t.drainJobs();
      t.clock.advance(1000);
      const res = await ws.api.post(`/api/interviews/${i.id}/resend`);
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('pending');
      const emails = await emailsOf(i.id);
      expect(emails.map((e) => [e.kind, e.status])).toEqual([
        ['invitation', 'queued'],
        ['invitation', 'sent'],
      ]);
      expect(emails[0].text).toContain(i.url.public);
      expect(emails[0].subject).toContain('Resend role');
      await t.drainJobs();
      expect((await emailsOf(i.id)).map((e) => e.status)).toEqual(['sent', 'sent']);
    });

    it('refuses to edit, cancel or resend a completed interview, and shortlists or discards only completed ones', async () => {
      const p = await createPosition(ws.api);
      const i = (await invite(ws.api, p.id, { name: 'Done Deal', email: uniqueEmail() })).body;
      const early = await ws.api.post(`/api/interviews/${i.id}/decision`, { decision: 'shortlisted' });
      expect(early.status).toBe(409);
      expect(early.body.error.code).toBe('invalid_state');

      await markCompleted(i.id);
      expect((await ws.api.patch(`/api/interviews/${i.id}`, { firstName: 'Changed' })).status).toBe(409);
      expect((await ws.api.patch(`/api/interviews/${i.id}`, { expiresAt: iso(t.clock.now() + DAY) })).status).toBe(409);
      expect((await ws.api.post(`/api/interviews/${i.id}/cancel`)).status).toBe(409);
      expect((await ws.api.post(`/api/interviews/${i.id}/resend`)).status).toBe(409);
      expect(await emailsOf(i.id)).toHaveLength(1);
      expect((await fetch(i.url.public).then((r) => r.text()))).toContain('complete');

      t.clock.advance(1000);
      const shortlisted = await ws.api.post(`/api/interviews/${i.id}/decision`, { decision: 'shortlisted' });
      expect(shortlisted.status).toBe(200);
      expect(shortlisted.body).toMatchObject({ status: 'completed', decision: 'shortlisted', decidedAt: t.clock.now(), candidate: { firstName: 'Done' } });
      const discarded = await ws.api.post(`/api/interviews/${i.id}/decision`, { decision: 'discarded' });
      expect(discarded.body.decision).toBe('discarded');
      const cleared = await ws.api.post(`/api/interviews/${i.id}/decision`, { decision: null });
      expect(cleared.body).toMatchObject({ decision: null, decidedAt: null });
      expect((await ws.api.post(`/api/interviews/${i.id}/decision`, { decision: 'maybe' })).status).toBe(400);
    });

    it('deletes an interview', async () => {
      const p = await createPosition(ws.api);
      const keep = (await invite(ws.api, p.id, { name: 'Keep Me', email: uniqueEmail() })).body;
      const i = (await invite(ws.api, p.id, { name: 'Delete Me', email: uniqueEmail() })).body;
      const res = await ws.api.delete(`/api/interviews/${i.id}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: i.id, candidate: { firstName: 'Delete' } });
      const gone = await ws.api.get(`/api/interviews/${i.id}`);
      expect(gone.status).toBe(404);
      expect(gone.body.error.code).toBe('interview_not_found');
      expect((await interviewsOf(p.id)).map((x) => x.id)).toEqual([keep.id]);
      expect((await t.anonymous().get(`/api/candidate/${tokenOf(i)}`)).status).toBe(404);
      expect((await t.anonymous().get(new URL(i.url.short).pathname)).status).toBe(404);
      expect((await ws.api.delete(`/api/interviews/${i.id}`)).status).toBe(404);
      expect((await ws.api.post(`/api/interviews/${i.id}/cancel`)).status).toBe(404);
      // The same email can be invited again.
      expect((await invite(ws.api, p.id, { name: 'Back Again', email: i.candidate.email })).status).toBe(201);
    });
  });

  describe('listing', () => {
    let lw: TestWorkspace;
    beforeAll(async () => {
      lw = await t.createWorkspace('Listing Co');
    });

    it('filters by status, position, email, decision and search text', async () => {
      const p1 = await createPosition(lw.api, 'Role One');
      const p2 = await createPosition(lw.api, 'Role Two');
      const make = async (positionId: string, body: Record<string, unknown>) => {
        const res = await invite(lw.api, positionId, body);
        expect(res.status).toBe(201);
        return res.body.id as string;
      };
      const pending = await make(p1.id, { name: 'Penny Pending', email: 'penny@list.example' });
      const cancelled = await make(p1.id, { name: 'Carl Cancelled', email: 'carl@list.example' });
      const shortlisted = await make(p1.id, { name: 'Sheila Short', email: 'sheila@list.example' });
      const discarded = await make(p2.id, { name: 'Dan Discard', email: 'dan@list.example' });
      const undecided = await make(p2.id, { name: 'Uma Undecided', email: 'Uma.Upper@List.Example' });
      const percent = await make(p2.id, { name: '100% Sure', email: 'percent@list.example' });
      const hundred = await make(p2.id, { name: '1000 Sure', email: 'hundred@list.example' });
      const underscore = await make(p2.id, { name: 'Under Score', email: 'under_score@list.example' });
      const lookalike = await make(p2.id, { name: 'Look Alike', email: 'underXscore@list.example' });
      await lw.api.post(`/api/interviews/${cancelled}/cancel`);
      for (const id of [shortlisted, discarded, undecided]) await markCompleted(id);
      await lw.api.post(`/api/interviews/${shortlisted}/decision`, { decision: 'shortlisted' });
      await lw.api.post(`/api/interviews/${discarded}/decision`, { decision: 'discarded' });

      const ids = async (query: string) => {
        const res = await lw.api.get(`/api/interviews?limit=200&${query}`);
        expect(res.status, query).toBe(200);
        return (res.body.items as any[]).map((i) => i.id).sort();
      };
      const sorted = (...x: string[]) => x.sort();
      const all = [pending, cancelled, shortlisted, discarded, undecided, percent, hundred, underscore, lookalike];
      expect(await ids('')).toEqual(sorted(...all));
      expect(await ids('status=cancelled')).toEqual([cancelled]);
      expect(await ids('status=completed')).toEqual(sorted(shortlisted, discarded, undecided));
      expect(await ids('status=cancelled,completed')).toEqual(sorted(cancelled, shortlisted, discarded, undecided));
      expect(await ids('status=expired')).toEqual([]);
      expect(await ids(`positionId=${p1.id}`)).toEqual(sorted(pending, cancelled, shortlisted));
      expect(await ids(`positionId=${p1.id}&status=pending`)).toEqual([pending]);
      expect(await ids(`email=${encodeURIComponent('uma.upper@list.example')}`)).toEqual([undecided]);
      expect(await ids(`email=${encodeURIComponent('PENNY@LIST.EXAMPLE')}`)).toEqual([pending]);
      expect(await ids('decision=shortlisted')).toEqual([shortlisted]);
      expect(await ids('decision=discarded')).toEqual([discarded]);
      expect(await ids('decision=undecided&status=completed')).toEqual([undecided]);
      expect(await ids('q=penny')).toEqual([pending]);
      expect(await ids('q=SHEILA%20SHORT')).toEqual([shortlisted]);
      expect(await ids('q=uma.upper')).toEqual([undecided]);
      expect(await ids('q=list.example')).toEqual(sorted(...all));
      // % and _ are plain characters in a search, not wildcards.
      expect(await ids(`q=${encodeURIComponent('100%')}`)).toEqual([percent]);
      expect(await ids(`q=${encodeURIComponent('%')}`)).toEqual([percent]);
      expect(await ids(`q=${encodeURIComponent('under_score')}`)).toEqual([underscore]);
      expect(await ids(`q=${encodeURIComponent('_')}`)).toEqual([underscore]);
      expect(await ids(`q=${encodeURIComponent('\\')}`)).toEqual([]);
      expect(await ids(`q=${encodeURIComponent("'; --")}`)).toEqual([]);

      for (const query of ['status=bogus', 'status=pending,bogus', 'decision=maybe', 'limit=0', 'limit=201']) {
        const res = await lw.api.get(`/api/interviews?${query}`);
        expect(res.status, query).toBe(400);
        expect(res.body.error.code).toBe('validation_failed');
      }
    });

    it('pages with a cursor through every interview exactly once, newest first', async () => {
      const pw = await t.createWorkspace('Paging Co');
      const p = await createPosition(pw.api);
      const created: string[] = [];
      for (let n = 0; n < 7; n++) {
        // Some share a creation time, so the order must also break ties.
        if (n % 3 === 0) t.clock.advance(1000);
        const res = await invite(pw.api, p.id, { name: `Page ${n}`, email: `page${n}@paging.example` });
        created.push(res.body.id);
      }
      const all = (await pw.api.get('/api/interviews?limit=200')).body.items as any[];
      expect(all).toHaveLength(7);
      for (let k = 1; k < all.length; k++) {
        const [a, b] = [all[k - 1], all[k]];
        expect(a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id)).toBe(true);
      }
      expect(all[0].id).toBe(created[6]);
      expect(all.slice(4).map((i) => i.id).sort()).toEqual(created.slice(0, 3).sort());

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: { status: number; body: any } = await pw.api.get(`/api/interviews?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.items.map((i: any) => i.id));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(pages).toBe(4);
      expect(seen).toEqual(all.map((i) => i.id));

      // A new invitation while paging does not shift the pages already walked.
      const first = (await pw.api.get('/api/interviews?limit=3')).body;
      t.clock.advance(1000);
      await invite(pw.api, p.id, { name: 'Page New', email: 'pagenew@paging.example' });
      const next = (await pw.api.get(`/api/interviews?limit=3&cursor=${encodeURIComponent(first.nextCursor)}`)).body;
      expect(next.items.map((i: any) => i.id)).toEqual(all.slice(3, 6).map((i) => i.id));

      for (const cursor of ['garbage', 'eyJub3QiOiJhIGN1cnNvciJ9', Buffer.from('[1,2]').toString('base64url')]) {
        const bad = await pw.api.get(`/api/interviews?cursor=${encodeURIComponent(cursor)}`);
        expect(bad.status, cursor).toBe(400);
        expect(bad.body.error.fields.map((f: any) => f.path)).toContain('cursor');
      }
    });
  });

  describe('expiry', () => {
    it('the list shows an invitation past its deadline as expired before the sweep runs', async () => {
      const p = await createPosition(ws.api);
      const due = (await invite(ws.api, p.id, { name: 'List Reader', email: uniqueEmail(), expiresAt: t.clock.now() + DAY })).body;
      t.clock.advance(DAY);
      const expired = await ws.api.get(`/api/interviews?positionId=${p.id}&status=expired`);
      expect(expired.body.items.map((i: any) => i.id)).toEqual([due.id]);
      expect(expired.body.items[0].expiredAt).toBe(t.clock.now());
      expect((await ws.api.get(`/api/interviews?positionId=${p.id}&status=pending`)).body.items).toEqual([]);
    });

    it('expires at the deadline: the candidate page says so before the sweep, the sweep closes the rest', async () => {
      const p = await createPosition(ws.api);
      const deadline = t.clock.now() + 2 * DAY;
      const seen = (await invite(ws.api, p.id, { name: 'Page Viewer', email: uniqueEmail(), expiresAt: deadline })).body;
      const swept = (await invite(ws.api, p.id, { name: 'Swept Away', email: uniqueEmail(), expiresAt: iso(deadline) })).body;
      const later = (await invite(ws.api, p.id, { name: 'Later Deadline', email: uniqueEmail(), expiresAt: deadline + DAY })).body;
      const open = (await invite(ws.api, p.id, { name: 'No Deadline', email: uniqueEmail() })).body;

      t.clock.advance(2 * DAY - 1);
      expect((await t.anonymous().get(`/api/candidate/${tokenOf(seen)}`)).body.status).toBe('pending');
      t.clock.advance(1);
      const page = await fetch(seen.url.public);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('expired');
      expect(html).not.toContain('Welcome! Two short questions.');
      expect((await t.anonymous().get(`/api/candidate/${tokenOf(seen)}`)).body.status).toBe('expired');

      await sweepExpired();
      const now = t.clock.now();
      // Read straight from the table: the sweep, not a later read, must have closed it.
      expect(await statusRow(swept.id)).toEqual({ status: 'expired', expired_at: now });
      expect(await statusRow(later.id)).toEqual({ status: 'pending', expired_at: null });
      expect(await statusRow(open.id)).toEqual({ status: 'pending', expired_at: null });
      const after = await ws.api.get(`/api/interviews/${swept.id}`);
      expect(after.body).toMatchObject({ status: 'expired', expiredAt: now });
      expect((await ws.api.get(`/api/interviews/${seen.id}`)).body).toMatchObject({ status: 'expired', expiredAt: now });
      expect((await ws.api.get(`/api/interviews/${later.id}`)).body).toMatchObject({ status: 'pending', expiredAt: null });
      expect((await ws.api.get(`/api/interviews/${open.id}`)).body.status).toBe('pending');
      expect((await ws.api.get(`/api/interviews?positionId=${p.id}&status=expired`)).body.items.map((i: any) => i.id).sort()).toEqual([seen.id, swept.id].sort());

      // The sweep keeps itself scheduled and finds later deadlines on a later run.
      t.clock.advance(DAY);
      await t.drainJobs();
      expect(await statusRow(later.id)).toEqual({ status: 'expired', expired_at: t.clock.now() });
    });

    it('cannot reopen an expired invitation, but the candidate can be invited again', async () => {
      const p = await createPosition(ws.api);
      const i = (await invite(ws.api, p.id, { name: 'Too Late', email: uniqueEmail(), expiresAt: t.clock.now() + HOUR })).body;
      t.clock.advance(HOUR + 1);
      await sweepExpired();
      expect((await ws.api.get(`/api/interviews/${i.id}`)).body.status).toBe('expired');

      const reopen = await ws.api.patch(`/api/interviews/${i.id}`, { expiresAt: iso(t.clock.now() + 7 * DAY) });
      expect(reopen.status).toBe(409);
      expect(reopen.body.error.code).toBe('interview_locked');
      expect((await ws.api.patch(`/api/interviews/${i.id}`, { firstName: 'Edited' })).status).toBe(409);
      expect((await ws.api.post(`/api/interviews/${i.id}/cancel`)).status).toBe(409);
      expect((await ws.api.post(`/api/interviews/${i.id}/resend`)).status).toBe(409);
      expect((await ws.api.get(`/api/interviews/${i.id}`)).body).toMatchObject({ status: 'expired', expiresAt: i.expiresAt, candidate: { firstName: 'Too' } });
      expect((await t.anonymous().get(`/api/candidate/${tokenOf(i)}`)).body.status).toBe('expired');

      const again = await invite(ws.api, p.id, { name: 'Second Try', email: i.candidate.email, expiresAt: t.clock.now() + DAY });
      expect(again.status).toBe(201);
      expect(again.body.status).toBe('pending');
    });

    it('counts a passed deadline as expired even before the sweep runs', async () => {
      const p = await createPosition(ws.api);
      const i = (await invite(ws.api, p.id, { name: 'Edge Case', email: uniqueEmail(), expiresAt: t.clock.now() + HOUR })).body;
      t.clock.advance(HOUR);
      // No sweep and no candidate visit yet: the deadline alone decides.
      const reopen = await ws.api.patch(`/api/interviews/${i.id}`, { expiresAt: iso(t.clock.now() + 7 * DAY) });
      expect(reopen.status).toBe(409);
      expect((await ws.api.post(`/api/interviews/${i.id}/resend`)).status).toBe(409);
      expect((await ws.api.get(`/api/interviews/${i.id}`)).body).toMatchObject({ status: 'expired', expiresAt: i.expiresAt });
      expect(await emailsOf(i.id)).toHaveLength(1);
      expect((await t.anonymous().get(`/api/candidate/${tokenOf(i)}`)).body.status).toBe('expired');
    });
  });

  describe('reminders', () => {
    const remindersOf = async (id: string) => (await emailsOf(id)).filter((e) => e.kind === 'reminder');

    it('reminds the candidate a day before the deadline', async () => {
      const p = await createPosition(ws.api, 'Reminder role');
      const deadline = t.clock.now() + 3 * DAY;
      const i = (await invite(ws.api, p.id, { name: 'Remi Nder', email: uniqueEmail(), expiresAt: iso(deadline) })).body;
      await t.drainJobs();
      t.clock.advance(2 * DAY - 60_000);
      await t.drainJobs();
      expect(await remindersOf(i.id)).toEqual([]);

      t.clock.advance(60_000);
      await t.drainJobs();
      const reminders = await remindersOf(i.id);
      expect(reminders).toHaveLength(1);
      expect(reminders[0]).toMatchObject({ to: i.candidate.email, status: 'sent', transport: 'outbox' });
      expect(reminders[0].subject).toContain('Reminder role');
      expect(reminders[0].text).toContain(i.url.public);
      expect(reminders[0].text).toContain(new Date(deadline).toUTCString().replace('GMT', 'UTC'));

      t.clock.advance(HOUR);
      await t.drainJobs();
      expect(await remindersOf(i.id)).toHaveLength(1);
    });

    it('reminds for the new deadline only when the deadline moves', async () => {
      const p = await createPosition(ws.api);
      const start = t.clock.now();
      const i = (await invite(ws.api, p.id, { name: 'Moved Deadline', email: uniqueEmail(), expiresAt: start + 3 * DAY })).body;
      const moved = start + 5 * DAY;
      expect((await ws.api.patch(`/api/interviews/${i.id}`, { expiresAt: moved })).status).toBe(200);

      t.clock.advance(2 * DAY);
      await t.drainJobs();
      expect(await remindersOf(i.id)).toEqual([]);

      t.clock.advance(2 * DAY);
      await t.drainJobs();
      const reminders = await remindersOf(i.id);
      expect(reminders).toHaveLength(1);
      expect(reminders[0].text).toContain(new Date(moved).toUTCString().replace('GMT', 'UTC'));
    });

    it('does not remind a cancelled invitation, a removed deadline, or a candidate who is not to be emailed', async () => {
      const p = await createPosition(ws.api);
      const deadline = t.clock.now() + 3 * DAY;
      const cancelled = (await invite(ws.api, p.id, { name: 'Cancelled Carla', email: uniqueEmail(), expiresAt: deadline })).body;
      const cleared = (await invite(ws.api, p.id, { name: 'Cleared Clara', email: uniqueEmail(), expiresAt: deadline })).body;
      const silent = (await invite(ws.api, p.id, { name: 'Silent Sam', email: uniqueEmail(), expiresAt: deadline, sendEmail: false })).body;
      const control = (await invite(ws.api, p.id, { name: 'Control Cora', email: uniqueEmail(), expiresAt: deadline })).body;
      expect((await ws.api.post(`/api/interviews/${cancelled.id}/cancel`)).status).toBe(200);
      expect((await ws.api.patch(`/api/interviews/${cleared.id}`, { expiresAt: null })).status).toBe(200);

      t.clock.advance(2 * DAY);
      await t.drainJobs();
      expect(await remindersOf(cancelled.id)).toEqual([]);
      expect(await remindersOf(cleared.id)).toEqual([]);
      expect(await emailsOf(silent.id)).toEqual([]);
      expect(await remindersOf(control.id)).toHaveLength(1);
    });
  });

  describe('access', () => {
    it('hides interviews from other workspaces on every endpoint', async () => {
      const p = await createPosition(ws.api, 'Confidential role');
      const email = uniqueEmail('secret');
      const i = (await invite(ws.api, p.id, { name: 'Secret Candidate', email })).body;
      await markCompleted(i.id);
      for (const intruder of [other.api, other.session]) {
        const calls = [
          intruder.get(`/api/interviews/${i.id}`),
          intruder.patch(`/api/interviews/${i.id}`, { firstName: 'Hijacked' }),
          intruder.post(`/api/interviews/${i.id}/cancel`),
          intruder.post(`/api/interviews/${i.id}/resend`),
          intruder.post(`/api/interviews/${i.id}/decision`, { decision: 'discarded' }),
          intruder.delete(`/api/interviews/${i.id}`),
          invite(intruder, p.id, { name: 'Planted', email: uniqueEmail() }),
          intruder.post(`/api/positions/${p.id}/interviews/bulk`, { candidates: [{ name: 'Planted', email: uniqueEmail() }] }),
          intruder.post(`/api/positions/${p.id}/interviews/bulk`, `name,email\nPlanted,${uniqueEmail()}\n`, { 'content-type': 'text/csv' }),
        ];
        for (const res of await Promise.all(calls)) {
          expect(res.status).toBe(404);
          expect(JSON.stringify(res.body)).not.toContain(email);
          expect(JSON.stringify(res.body)).not.toContain('Confidential');
        }
        for (const query of ['', `?positionId=${p.id}`, `?email=${encodeURIComponent(email)}`, '?q=Secret']) {
          const list = await intruder.get(`/api/interviews${query}`);
          expect(list.status).toBe(200);
          expect(list.body.items.map((x: any) => x.id)).not.toContain(i.id);
        }
        const emails = await intruder.get(`/api/emails?interviewId=${i.id}`);
        expect(emails.body.items).toEqual([]);
      }
      const intact = (await ws.api.get(`/api/interviews/${i.id}`)).body;
      expect(intact).toMatchObject({ status: 'completed', decision: null, candidate: { firstName: 'Secret' } });
      expect(await interviewsOf(p.id)).toHaveLength(1);

      const anonymous = await t.anonymous().get(`/api/interviews/${i.id}`);
      expect(anonymous.status).toBe(401);
      expect((await t.anonymous().get('/api/interviews')).status).toBe(401);
    });

    it('lets a reviewer list, read and decide, but not invite or change invitations', async () => {
      const { client: reviewer, userId } = await addReviewer(ws);
      const p = await createPosition(ws.api, 'Reviewed role');
      const i = (await invite(ws.api, p.id, { name: 'Review Me', email: uniqueEmail(), reviewerId: userId })).body;
      expect(i.reviewerId).toBe(userId);
      await markCompleted(i.id);

      const list = await reviewer.get(`/api/interviews?positionId=${p.id}`);
      expect(list.status).toBe(200);
      expect(list.body.items.map((x: any) => x.id)).toEqual([i.id]);
      const got = await reviewer.get(`/api/interviews/${i.id}`);
      expect(got.status).toBe(200);
      expect(got.body.questions).toHaveLength(2);
      const decided = await reviewer.post(`/api/interviews/${i.id}/decision`, { decision: 'shortlisted' });
      expect(decided.status).toBe(200);
      expect(decided.body.decision).toBe('shortlisted');

      const pending = (await invite(ws.api, p.id, { name: 'Still Pending', email: uniqueEmail() })).body;
      expect(pending.url.public).toMatch(/\/i\//);
      // The candidate's link would let a reviewer start and record the interview as the candidate: reviewers never get it.
      const seenByReviewer = [
        ...(await reviewer.get(`/api/interviews?positionId=${p.id}`)).body.items,
        (await reviewer.get(`/api/interviews/${pending.id}`)).body,
        decided.body,
      ];
      expect(seenByReviewer).toHaveLength(4);
      for (const view of seenByReviewer) {
        expect(view).toMatchObject({ hash: null, url: { public: null, short: null, private: expect.stringContaining(`/admin/interviews/${view.id}`) } });
      }
      expect((await ws.api.get(`/api/interviews/${pending.id}`)).body).toMatchObject({ hash: pending.hash, url: pending.url });
      const refused = [
        invite(reviewer, p.id, { name: 'Nope', email: uniqueEmail() }),
        reviewer.post(`/api/positions/${p.id}/interviews/bulk`, { candidates: [{ name: 'Nope', email: uniqueEmail() }] }),
        reviewer.post(`/api/positions/${p.id}/interviews/bulk`, `name,email\nNope,${uniqueEmail()}\n`, { 'content-type': 'text/csv' }),
        reviewer.patch(`/api/interviews/${pending.id}`, { firstName: 'Changed' }),
        reviewer.post(`/api/interviews/${pending.id}/cancel`),
        reviewer.post(`/api/interviews/${pending.id}/resend`),
        reviewer.delete(`/api/interviews/${pending.id}`),
        reviewer.delete(`/api/interviews/${i.id}`),
        reviewer.get('/api/emails'),
      ];
      for (const res of await Promise.all(refused)) {
        expect(res.status).toBe(403);
        expect(res.body.error.code).toBe('forbidden');
      }
      expect((await ws.api.get(`/api/interviews/${pending.id}`)).body).toMatchObject({ status: 'pending', candidate: { firstName: 'Still' } });
      expect(await interviewsOf(p.id)).toHaveLength(2);
      expect(await emailsOf(pending.id)).toHaveLength(1);
    });
  });
});
