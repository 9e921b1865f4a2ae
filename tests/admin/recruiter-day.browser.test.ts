import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../server/shared/clock.ts';
import { AdminPage, describeViolations, ensureAdminAppBuilt } from '../support/admin-browser.ts';
import { launchBrowser, newCandidateContext } from '../support/browser.ts';
import { CandidatePage, ensureCandidateAppBuilt } from '../support/candidate-app.ts';
import { describeFocused } from '../support/keyboard-focus.ts';
import { mediaRecorderChunks } from '../support/media-fixtures.ts';
import { ApiClient, startTestPlatform, type TestPlatform, type TestWorkspace } from '../support/test-platform.ts';

/**
 * A recruiter's whole day in the admin app, in Chromium against a real server with its worker running:
 * log in, write a template, invite (one by hand, more by CSV), watch a candidate's completion arrive
 * live, watch, score, comment, shortlist and discard, then set up an API key and a webhook.
 */
describe('the admin app: a recruiter’s day in Chromium', { timeout: 120_000 }, () => {
  let t: TestPlatform;
  let ws: TestWorkspace;
  let browser: Browser;
  let admin: AdminPage;
  let receiver: http.Server;
  let receiverUrl: string;
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const stamp = Date.now().toString(36);
  const ada = { name: 'Ada Lovelace', email: `ada.${stamp}@example.com` };
  const grace = { name: 'Grace Hopper', email: `grace.${stamp}@example.com` };
  const alan = { name: 'Alan Turing', email: `alan.${stamp}@example.com` };
  let positionId = '';
  let adaLink = '';

  beforeAll(async () => {
    await Promise.all([ensureAdminAppBuilt(), ensureCandidateAppBuilt()]);
    // The worker runs (finalisation, emails, webhooks) and the clock is real, as in production.
    t = await startTestPlatform('sqlite', {
      clock: systemClock,
      env: { WORKER_ENABLED: 'true', WORKER_POLL_MS: '100', WEBHOOK_ALLOW_PRIVATE_URLS: 'true' },
    });
    ws = await t.createWorkspace('Acme Hiring');
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/interviews`;
    browser = await launchBrowser();
    admin = await AdminPage.open(browser, t.url);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  /** No serious or critical axe violation, and nothing wider than the window. */
  async function expectUsable(page = admin) {
    const violations = await page.seriousAxeViolations();
    expect(violations, describeViolations(violations)).toEqual([]);
    expect(await page.horizontalOverflow(), 'the page scrolls sideways').toBe(0);
  }

  const row = (name: string) => admin.page.locator('pipeline-table tbody tr', { hasText: name });

  it('logs in and creates a template with two questions, reordered', async () => {
    await admin.goto('/admin/');
    await admin.heading('Log in').waitFor();
    expect(new URL(admin.page.url()).pathname).toBe('/admin/login');
    await admin.shot('login');
    await expectUsable();

    await admin.page.getByLabel('Email').fill(ws.owner.email);
    await admin.page.getByLabel('Password').fill('wrong password!');
    await admin.button('Log in').click();
    await admin.page.getByRole('alert').filter({ hasText: 'Email or password is wrong' }).waitFor();
    await admin.login(ws.owner.email, ws.owner.password);
    await admin.heading('Interview templates').waitFor();
    await admin.page.getByText('No templates yet.').waitFor();

    await admin.link('New template').click();
    await admin.heading('New interview template').waitFor();
    await admin.page.getByLabel('Template name').fill('Sales Rep first round');
    await admin.page.getByLabel('Introduction message').fill('Thanks for applying! Two short questions, about five minutes.');
    // Saving without a question title shows the server's message on the field.
    await admin.button('Create template').click();
    await admin.page.getByText('Please fix the highlighted fields.').waitFor();
    await admin.page.locator('question-editor').first().getByText('is required').waitFor();

    await admin.page.getByLabel('Question', { exact: true }).first().fill('Why do you want this role?');
    await admin.button('+ Add a question').click();
    const second = admin.page.locator('question-editor').nth(1);
    await second.getByLabel('Question', { exact: true }).fill('Tell us about a deal you closed');
    await second.getByLabel('Think time').selectOption('0');
    await second.getByLabel('Maximum answer length').selectOption('60');
    await second.getByLabel('Retakes').selectOption('0');
    const titles = () => admin.page.locator('question-editor').evaluateAll((editors) => editors.map((e) => e.shadowRoot!.querySelector('input')!.value));
    // Drag the second question's handle onto the first: it moves to the top.
    await second.locator('.handle').dragTo(admin.page.locator('question-editor').first());
    await expect.poll(titles).toEqual(['Tell us about a deal you closed', 'Why do you want this role?']);
    // The buttons do the same from the keyboard, and focus follows the moved question.
    await admin.button('Move question 1 down').click();
    await expect.poll(titles).toEqual(['Why do you want this role?', 'Tell us about a deal you closed']);
    expect(await describeFocused(admin.page)).toBe('button: Move question 2 up');
    await admin.page.keyboard.press('Enter');
    await expect.poll(titles).toEqual(['Tell us about a deal you closed', 'Why do you want this role?']);
    expect(await describeFocused(admin.page)).toBe('button: Move question 1 down');
    // The preview shows what the candidate sees.
    await admin.page.locator('template-preview').getByText('Thanks for applying! Two short questions').waitFor();
    await admin.page.locator('template-preview').getByRole('button', { name: 'Q1', exact: true }).click();
    await admin.page.locator('template-preview').getByText('Tell us about a deal you closed').waitFor();
    await admin.shot('template-editor');
    await expectUsable();

    await admin.button('Create template').click();
    await admin.heading('Sales Rep first round').waitFor();
    positionId = new URL(admin.page.url()).pathname.split('/').pop()!;
    const saved = (await ws.api.get(`/api/positions/${positionId}`)).body;
    expect(saved.questions.map((q: { title: string }) => q.title)).toEqual(['Tell us about a deal you closed', 'Why do you want this role?']);
    expect(saved.questions[0]).toMatchObject({ thinkTimeSeconds: 0, maxAnswerSeconds: 60, retakes: 0 });
    expect(saved.questions[1]).toMatchObject({ thinkTimeSeconds: 30, maxAnswerSeconds: 120, retakes: 1 });
    await admin.page.getByText('Nobody is invited yet.').waitFor();
  });

  it('invites one candidate by hand and more from a CSV file, with a result per row', async () => {
    await admin.button('Invite candidates').first().click();
    const dialog = admin.page.getByRole('dialog', { name: /Invite candidates/ });
    await dialog.waitFor();
    await dialog.getByLabel('First name').fill('Ada');
    await dialog.getByLabel('Last name').fill('Lovelace');
    await dialog.getByLabel('Email', { exact: true }).fill(ada.email);
    const dayOf = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    // A deadline the server refuses is explained at the deadline, which gets the focus; nothing is invited.
    await dialog.getByLabel('Deadline').fill(dayOf(new Date(Date.now() + 2 * 366 * 86400_000)));
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await dialog.getByText('must be within a year').waitFor();
    await dialog.getByRole('alert').getByText('Please fix the highlighted fields.').waitFor();
    expect(await dialog.getByLabel('Deadline').getAttribute('aria-invalid')).toBe('true');
    expect(await dialog.getByLabel('Deadline').evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    expect((await ws.api.get(`/api/interviews?positionId=${positionId}`)).body.items).toEqual([]);
    const deadline = new Date(Date.now() + 7 * 86400_000);
    const day = dayOf(deadline);
    await dialog.getByLabel('Deadline').fill(day);
    await admin.shot('invite-one');
    await expectUsable();
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await dialog.getByText(`Invitation created for ${ada.name}`).waitFor();
    adaLink = await dialog.getByLabel("The candidate's link").inputValue();
    expect(adaLink).toMatch(new RegExp(`^${t.url}/i/`));

    await dialog.getByRole('button', { name: 'Invite more' }).click();
    await dialog.getByRole('radio', { name: 'Upload a CSV' }).check();
    const csv = ['name,email', `${grace.name},${grace.email}`, `${alan.name},${alan.email}`, 'No Email,not-an-email'].join('\n');
    await dialog.getByLabel('CSV file').setInputFiles({ name: 'candidates.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await dialog.getByRole('button', { name: 'Send invitations' }).click();
    await dialog.getByText('2 invitations created, 1 row not invited.').waitFor();
    const report = dialog.locator('.report tbody tr');
    expect(await report.count()).toBe(3);
    await expect.poll(() => report.nth(2).textContent()).toMatch(/Not invited.*email/i);
    await admin.shot('invite-report');
    await dialog.getByRole('button', { name: 'Done' }).click();

    for (const person of [ada, grace, alan]) await row(person.name).locator('status-badge').getByText('Pending', { exact: true }).waitFor();
    const invited = (await ws.api.get(`/api/interviews?positionId=${positionId}`)).body.items;
    expect(invited).toHaveLength(3);
    const adaRow = invited.find((i: { candidate: { email: string } }) => i.candidate.email === ada.email);
    expect(Math.abs(adaRow.expiresAt - new Date(deadline.getFullYear(), deadline.getMonth(), deadline.getDate(), 23, 59, 59).getTime())).toBeLessThan(1000);
    await admin.shot('pipeline-invited');
  });

  it('shows a candidate completing in the candidate app in the open pipeline, without a reload', async () => {
    await admin.page.evaluate(() => ((window as unknown as { stillTheSamePage: boolean }).stillTheSamePage = true));
    const context = await newCandidateContext(browser, { origin: t.url });
    const candidate = await CandidatePage.open(context, adaLink);
    await candidate.startInterview();
    for (let question = 0; question < 2; question++) {
      await candidate.record(2500);
      await candidate.submitAnswer();
    }
    await candidate.waitUntilAllUploaded();
    await context.close();
    expect(candidate.errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);

    // The worker finalises the answers; the completion reaches the pipeline through GET /api/live.
    await row(ada.name).locator('status-badge').getByText('Completed', { exact: true }).waitFor({ timeout: 45_000 });
    expect(await admin.page.evaluate(() => (window as unknown as { stillTheSamePage?: boolean }).stillTheSamePage)).toBe(true);
    await admin.shot('pipeline');
    await expectUsable();
  });

  it('plays an answer, scores per question and overall, comments and shortlists', async () => {
    // Grace completes too, through the candidate HTTP API with real media chunks, so there is someone to discard.
    await completeThroughApi(grace.email);
    await row(grace.name).locator('status-badge').getByText('Completed', { exact: true }).waitFor({ timeout: 45_000 });

    await row(ada.name).getByRole('link', { name: ada.name }).click();
    await admin.heading(ada.name).waitFor();
    const interviewId = new URL(admin.page.url()).pathname.split('/').pop()!;
    const detail = (await ws.api.get(`/api/interviews/${interviewId}`)).body;
    expect(detail.url.private).toBe(`${t.url}/admin/interviews/${interviewId}`);
    expect(await admin.page.getByLabel('Link for your team').inputValue()).toBe(detail.url.private);
    await admin.page.locator('candidate-card').getByText(ada.email).waitFor();
    for (const step of ['Invited', 'Started', 'Completed']) await admin.page.locator('candidate-card li', { hasText: step }).waitFor();

    const video = admin.page.locator('answer-player').first().locator('video');
    await video.waitFor();
    expect(await video.getAttribute('poster')).toMatch(/\/media\/answers\/[^/]+\/thumbnail\?/);
    const handle = await video.elementHandle();
    await admin.page.waitForFunction((v) => (v as HTMLVideoElement).readyState >= 1 && Number.isFinite((v as HTMLVideoElement).duration), handle, { timeout: 20_000 });
    const duration = await video.evaluate((v: HTMLVideoElement) => v.duration);
    expect(duration).toBeGreaterThan(1);
    await video.evaluate((v: HTMLVideoElement) => {
      v.muted = true;
      return v.play();
    });
    await admin.page.waitForFunction((v) => (v as HTMLVideoElement).currentTime > 0.5, handle, { timeout: 20_000 });
    // Seekable: jumping near the end works (the finalised file has cues).
    await video.evaluate((v: HTMLVideoElement) => {
      v.pause();
      v.currentTime = v.duration - 0.5;
    });
    await admin.page.waitForFunction((v) => (v as HTMLVideoElement).currentTime > (v as HTMLVideoElement).duration - 1, handle);
    await admin.page.locator('answer-player').first().getByText(/Length \d+:\d\d/).waitFor();

    await admin.page.getByRole('group', { name: 'Your score for question 1' }).getByRole('radio', { name: '4.5 out of 5' }).check();
    await admin.page.getByText('Your scores are saved.').waitFor();
    await admin.page.getByRole('group', { name: 'Your score for question 2' }).getByRole('radio', { name: '3 out of 5' }).check();
    await admin.page.getByRole('group', { name: 'Your overall score' }).getByRole('radio', { name: '3.5 out of 5' }).check();
    await expect.poll(async () => (await ws.api.get(`/api/interviews/${interviewId}`)).body.score).toBe(3.5);
    await admin.page.locator('.team-score .big', { hasText: '3.5' }).waitFor();
    const reviews = (await ws.session.get(`/api/interviews/${interviewId}/reviews`)).body;
    expect(reviews.reviews[0].questionScores).toEqual({ [detail.questions[0].id]: 4.5, [detail.questions[1].id]: 3 });

    await admin.page.getByLabel('Add a comment').fill('Clear and structured. Worth a second interview.');
    await admin.button('Post comment').click();
    await admin.page.locator('comment-thread li', { hasText: 'Clear and structured' }).waitFor();

    await admin.button(/Shortlist/).click();
    await admin.page.locator('.title-row status-badge', { hasText: 'Shortlisted' }).waitFor();
    expect(await admin.button(/Shortlisted/).getAttribute('aria-pressed')).toBe('true');
    await admin.shot('review');
    await expectUsable();
    expect((await ws.api.get(`/api/interviews/${interviewId}/comments`)).body.items.map((c: { body: string }) => c.body)).toEqual(['Clear and structured. Worth a second interview.']);
  });

  it('moves to the next candidate and discards her, then filters, sorts and reminds in the pipeline', async () => {
    const stepper = admin.page.getByRole('navigation', { name: 'Candidates in this pipeline' });
    await stepper.getByText(/Candidate \d of 3/).waitFor();
    await stepper.getByRole('link', { name: new RegExp(grace.name) }).click();
    await admin.heading(grace.name).waitFor();
    await admin.page.locator('answer-player video').first().waitFor();
    await admin.button(/^Discard$/).click();
    await admin.page.locator('.title-row status-badge', { hasText: 'Discarded' }).waitFor();

    await admin.page.locator('.breadcrumbs').getByRole('link', { name: 'Sales Rep first round' }).click();
    await admin.heading('Sales Rep first round').waitFor();
    await row(ada.name).locator('status-badge').getByText('Shortlisted', { exact: true }).waitFor();
    await row(grace.name).locator('status-badge').getByText('Discarded', { exact: true }).waitFor();
    await row(ada.name).getByText('3.5').waitFor();

    await admin.page.getByLabel('Decision').selectOption('shortlisted');
    await expect.poll(() => admin.page.locator('pipeline-table tbody tr').count()).toBe(1);
    expect(new URL(admin.page.url()).searchParams.get('decision')).toBe('shortlisted');
    await admin.button('Clear filters').first().click();
    await admin.page.getByLabel('Search').fill('turing');
    await expect.poll(() => admin.page.locator('pipeline-table tbody tr').count()).toBe(1);
    await admin.page.getByLabel('Search').fill('');
    await expect.poll(() => admin.page.locator('pipeline-table tbody tr').count()).toBe(3);

    await admin.page.locator('pipeline-table').getByRole('button', { name: 'Score' }).click();
    const names = () => admin.page.locator('pipeline-table tbody tr .candidate a').allTextContents();
    await expect.poll(async () => (await names())[0]).toBe(ada.name);
    expect(await admin.page.locator('pipeline-table th[aria-sort="descending"]').textContent()).toContain('Score');

    // Remind the one who has not started: the invitation is emailed again.
    await row(alan.name).getByRole('checkbox').check();
    await admin.button('Remind: email the invitation again').click();
    await admin.page.getByText('Invitation emailed again to 1 candidate.').waitFor();
    await expect
      .poll(async () => (await ws.api.get(`/api/emails?to=${encodeURIComponent(alan.email)}`)).body.items.filter((e: { kind: string }) => e.kind === 'invitation').length)
      .toBe(2);
    await row(alan.name).getByRole('checkbox').check();
    await admin.button('Cancel invitations').click();
    await admin.page.getByRole('dialog', { name: /Cancel 1 invitation/ }).getByRole('button', { name: 'Cancel invitations' }).click();
    await row(alan.name).locator('status-badge').getByText('Cancelled', { exact: true }).waitFor();
    await admin.shot('pipeline-decided');

    // A pasted list: each line is a row of the report; the same email twice is refused the second time.
    await admin.button('Invite candidates').click();
    const dialog = admin.page.getByRole('dialog', { name: /Invite candidates/ });
    await dialog.getByRole('radio', { name: 'Paste a list' }).check();
    const katherine = `katherine.${stamp}@example.com`;
    await dialog.getByLabel('Candidates, one per line').fill(`Katherine Johnson <${katherine}>\nKatherine Again, ${katherine}`);
    await dialog.getByLabel('Email the invitation now').uncheck();
    await dialog.getByRole('button', { name: 'Send invitations' }).click();
    await dialog.getByText('1 invitation created, 1 row not invited.').waitFor();
    await dialog.locator('.report tbody tr', { hasText: 'already invited' }).waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await row('Katherine Johnson').locator('status-badge').getByText('Pending', { exact: true }).waitFor();
    expect((await ws.api.get(`/api/emails?to=${encodeURIComponent(katherine)}`)).body.items).toEqual([]);
  });

  it('creates an API key that is shown once and works', async () => {
    await admin.link('Settings').click();
    await admin.heading('Settings').waitFor();
    await admin.shot('settings-members');
    await expectUsable();
    await admin.page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'API keys' }).click();
    await admin.page.getByLabel('Name').fill('Greenhouse');
    await admin.button('Create key').click();
    const secret = admin.page.getByTestId('new-api-key');
    await secret.waitFor();
    const key = (await secret.textContent())!.trim();
    expect((await new ApiClient(t.url, key).get('/api/positions')).status).toBe(200);
    await admin.page.locator('api-keys-settings tbody tr', { hasText: 'Greenhouse' }).waitFor();
    await admin.shot('settings-api-keys');
    await expectUsable();
    await admin.button('I have stored it').click();
    expect(await admin.page.getByTestId('new-api-key').count()).toBe(0);
  });

  it('creates a webhook, sends a test ping and shows its deliveries', async () => {
    await admin.page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Webhooks' }).click();
    await admin.page.getByLabel('Endpoint URL').fill(receiverUrl);
    await admin.page.getByLabel('Description').fill('Our ATS');
    await admin.button('Add webhook').click();
    const item = admin.page.locator('webhook-item', { hasText: receiverUrl });
    await item.waitFor();
    await item.getByRole('button', { name: 'Send test ping' }).click();
    const log = item.locator('webhook-deliveries');
    await log.locator('tbody tr', { hasText: 'Delivered' }).first().waitFor({ timeout: 20_000 });
    expect(received.length).toBeGreaterThan(0);
    expect(received.at(-1)!.headers['webhook-signature']).toBeTruthy();

    // A real event: shortlisting again (clear and set) is delivered too.
    const adaId = (await ws.api.get(`/api/interviews?positionId=${positionId}&q=lovelace`)).body.items[0].id;
    await ws.api.post(`/api/interviews/${adaId}/decision`, { decision: null });
    await log.getByRole('button', { name: 'Refresh delivery log' }).click();
    await expect.poll(async () => (await log.locator('tbody tr').count()) >= 2, { timeout: 20_000 }).toBe(true);
    await log.getByRole('button', { name: 'Refresh delivery log' }).click();
    await log.locator('tbody tr', { hasText: 'interview.status-change' }).first().waitFor({ timeout: 20_000 });
    await log.getByRole('button', { name: /^Details/ }).first().click();
    await log.getByRole('region', { name: 'Body sent' }).waitFor();
    // Redelivered from the log: the receiver gets the same event again, and the log shows the new delivery.
    const statusChanges = () => received.filter((r) => JSON.parse(r.body).event === 'interview.status-change');
    const sentBefore = statusChanges().length;
    const rowsBefore = await log.locator('tbody tr[data-delivery]').count();
    await log.getByRole('button', { name: 'Redeliver interview.status-change' }).first().click();
    await expect.poll(() => statusChanges().length, { timeout: 20_000 }).toBe(sentBefore + 1);
    expect(JSON.parse(statusChanges().at(-1)!.body).data.id).toBe(adaId);
    await log.getByRole('button', { name: 'Refresh delivery log' }).click();
    await expect.poll(() => log.locator('tbody tr[data-delivery]').count(), { timeout: 20_000 }).toBe(rowsBefore + 1);

    await admin.button('Reveal secret').click();
    await admin.page.getByTestId('webhook-secret').waitFor();
    await admin.shot('settings-webhooks');
    await expectUsable();
  });

  it('shows the email outbox and logs out', async () => {
    await admin.page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'Email outbox' }).click();
    await admin.page.getByTestId('no-smtp').waitFor();
    await admin.page.locator('email-outbox details', { hasText: alan.email }).first().waitFor();
    await admin.shot('settings-emails');
    await expectUsable();

    await admin.link('Templates').click();
    await admin.page.locator('templates-page').getByRole('link', { name: 'Sales Rep first round', exact: true }).waitFor();
    await admin.shot('templates');
    await expectUsable();

    await admin.button('Log out').click();
    await admin.heading('Log in').waitFor();
    expect((await admin.page.evaluate(() => fetch('/api/auth/session').then((r) => r.status)))).toBe(401);
    expect(admin.unexpectedErrors()).toEqual([]);
  });

  it('fits a tablet screen', async () => {
    const tablet = await AdminPage.open(browser, t.url, { width: 820, height: 1180 });
    await tablet.goto(`/admin/templates/${positionId}`);
    await tablet.login(ws.owner.email, ws.owner.password);
    await tablet.heading('Sales Rep first round').waitFor();
    await tablet.page.locator('pipeline-table tbody tr').first().waitFor();
    expect(await tablet.horizontalOverflow()).toBe(0);
    await tablet.shot('pipeline-tablet');
    await tablet.page.locator('pipeline-table').getByRole('link', { name: ada.name }).click();
    await tablet.page.locator('answer-player video').first().waitFor();
    await tablet.shot('review-tablet');
    await expectUsable(tablet);
    await tablet.page.context().close();
  });

  /** The candidate side through the HTTP API with real MediaRecorder-like WebM chunks, as tests/answers does. */
  async function completeThroughApi(email: string) {
    const interview = (await ws.api.get(`/api/interviews?positionId=${positionId}&email=${encodeURIComponent(email)}`)).body.items[0];
    const token = (interview.url.public as string).split('/i/')[1]!;
    const candidate = new ApiClient(t.url);
    const chunks = await mediaRecorderChunks(3);
    const state = (await candidate.get(`/api/candidate/${token}`)).body;
    for (const question of state.questions as { id: string }[]) {
      const take = await candidate.post(`/api/candidate/${token}/questions/${question.id}/takes`, { mimeType: 'video/webm;codecs=vp8,opus' });
      expect(take.status).toBe(201);
      for (const [seq, chunk] of chunks.entries()) {
        const put = await candidate.request('PUT', `/api/candidate/${token}/answers/${take.body.answerId}/chunks/${seq}`, chunk, { 'content-type': 'application/octet-stream' });
        expect(put.status).toBe(201);
      }
      expect((await candidate.post(`/api/candidate/${token}/answers/${take.body.answerId}/submit`, { chunkCount: chunks.length, recordedMs: 3000 })).status).toBe(200);
    }
  }
});
