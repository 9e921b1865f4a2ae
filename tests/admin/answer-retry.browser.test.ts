import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminPage, describeViolations, ensureAdminAppBuilt } from '../support/admin-browser.ts';
import { launchBrowser } from '../support/browser.ts';
import { mediaRecorderChunks } from '../support/media-fixtures.ts';
import { ApiClient, createPosition, startTestPlatform, type TestPlatform, type TestWorkspace } from '../support/test-platform.ts';

const WEBM = 'video/webm;codecs=vp8,opus';

/**
 * An answer whose processing failed every attempt, in Chromium: the admin sees why and has it processed
 * again from the chunks the candidate uploaded; a reviewer sees the reason but no button.
 */
describe('a failed answer in the admin app', { timeout: 90_000 }, () => {
  let t: TestPlatform;
  let ws: TestWorkspace;
  let browser: Browser;

  beforeAll(async () => {
    await ensureAdminAppBuilt();
    t = await startTestPlatform('sqlite');
    ws = await t.createWorkspace('Acme');
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('shows the error and processes the answer again on request', async () => {
    const position = await createPosition(ws.api, 'Support Engineer');
    const invited = (await ws.api.post(`/api/positions/${position.id}/interviews`, { name: 'Casey Candidate', email: 'casey@example.com', sendEmail: false })).body;
    const token = (invited.url.public as string).split('/i/')[1]!;
    const candidate = new ApiClient(t.url);
    const chunks = await mediaRecorderChunks(3);
    const questions = (await candidate.get(`/api/candidate/${token}`)).body.questions as { id: string }[];
    const answerIds: string[] = [];
    for (const question of questions) {
      const answerId = (await candidate.post(`/api/candidate/${token}/questions/${question.id}/takes`, { mimeType: WEBM })).body.answerId as string;
      for (const [seq, chunk] of chunks.entries()) {
        expect((await candidate.request('PUT', `/api/candidate/${token}/answers/${answerId}/chunks/${seq}`, chunk, { 'content-type': 'application/octet-stream' })).status).toBe(201);
      }
      answerIds.push(answerId);
    }
    // The storage cannot find the first answer's chunks for longer than its retries last.
    const db = t.database.db;
    const keys = await db.selectFrom('answer_chunks').select(['seq', 'storage_key']).where('answer_id', '=', answerIds[0]!).execute();
    for (const { seq, storage_key } of keys) await db.updateTable('answer_chunks').set({ storage_key: `${storage_key}-gone` }).where('answer_id', '=', answerIds[0]!).where('seq', '=', seq).execute();
    for (const answerId of answerIds) await candidate.post(`/api/candidate/${token}/answers/${answerId}/submit`, { chunkCount: chunks.length, recordedMs: 3000 });
    for (let i = 0; i < 6; i++) {
      await t.drainJobs();
      t.clock.advance(20 * 60_000);
    }

    // A reviewer sees why, and that an admin can act.
    const reviewer = await t.joinMember(ws, 'reviewer');
    const reviewerEmail = (await reviewer.client.get('/api/auth/session')).body.user.email as string;
    const reviewerPage = await AdminPage.open(browser, t.url);
    await reviewerPage.goto('/admin/');
    await reviewerPage.login(reviewerEmail, 'member passphrase 1');
    await reviewerPage.goto(`/admin/interviews/${invited.id}`);
    const seenByReviewer = reviewerPage.page.locator('answer-player').first();
    await seenByReviewer.getByText('An owner or admin can have it processed again.').waitFor();
    expect(await seenByReviewer.getByRole('button').count()).toBe(0);
    await reviewerPage.page.context().close();

    const admin = await AdminPage.open(browser, t.url);
    await admin.goto('/admin/');
    await admin.login(ws.owner.email, ws.owner.password);
    await admin.goto(`/admin/interviews/${invited.id}`);
    await admin.heading('Casey Candidate').waitFor();
    const failed = admin.page.locator('answer-player').first();
    await failed.getByText(/The recording could not be processed: .+/).waitFor();
    await failed.getByText("The candidate's upload is kept.").waitFor();
    await admin.page.getByText('The candidate answered every question, but a recording could not be processed', { exact: false }).waitFor();
    // Submitted: nothing to remind the candidate of; but with its processing failed it will not complete by itself, so it can be closed.
    expect(await admin.button('Email the invitation again').count()).toBe(0);
    expect(await admin.button('Cancel invitation').count()).toBe(1);
    expect(await admin.horizontalOverflow(), 'the page scrolls sideways').toBe(0);
    await admin.shot('answer-failed');
    const violations = await admin.seriousAxeViolations();
    expect(violations, describeViolations(violations)).toEqual([]);
    // The second answer plays meanwhile.
    await admin.page.locator('answer-player').nth(1).locator('video').waitFor();

    // The storage is back; the admin asks for the answer again.
    for (const { seq, storage_key } of keys) await db.updateTable('answer_chunks').set({ storage_key }).where('answer_id', '=', answerIds[0]!).where('seq', '=', seq).execute();
    await failed.getByRole('button', { name: 'Process it again (question 1)' }).click();
    await failed.getByText('The recording is being processed.', { exact: false }).waitFor();
    // Being processed again: it completes by itself, nothing to cancel.
    expect(await admin.button('Cancel invitation').count()).toBe(0);
    await t.drainJobs();
    expect((await ws.api.get(`/api/interviews/${invited.id}`)).body.status).toBe('completed');
    await admin.page.reload();
    await admin.page.locator('answer-player').first().locator('video').waitFor();
    await admin.page.locator('answer-player').first().getByText(/Length 0:0[23]/).waitFor();
    expect(admin.unexpectedErrors()).toEqual([]);
  });
});
