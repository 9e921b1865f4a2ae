import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newCandidateContext } from '../support/browser.ts';
import { CandidatePage, ensureCandidateAppBuilt } from '../support/candidate-app.ts';
import { createPosition, startTestPlatform, type TestPlatform, type TestWorkspace } from '../support/test-platform.ts';

/** Closed links, the think-time countdown and the phone layout of the candidate app, in Chromium. */
describe('candidate app pages in Chromium', () => {
  let t: TestPlatform;
  let ws: TestWorkspace;
  let browser: Browser;
  let positionId: string;

  beforeAll(async () => {
    await ensureCandidateAppBuilt();
    t = await startTestPlatform('sqlite');
    ws = await t.createWorkspace();
    positionId = (await createPosition(ws.api, 'Data Analyst')).id;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  async function invite(extra: Record<string, unknown> = {}) {
    const res = await ws.api.post(`/api/positions/${positionId}/interviews`, {
      name: 'Grace Hopper',
      email: `grace.${randomBytes(4).toString('hex')}@example.com`,
      sendEmail: false,
      ...extra,
    });
    expect(res.status).toBe(201);
    return { interviewId: res.body.id as string, url: res.body.url.public as string };
  }

  async function open(url: string, viewport?: { width: number; height: number }) {
    return CandidatePage.open(await newCandidateContext(browser, { origin: t.url, viewport }), url);
  }

  async function expectClosedPage(url: string, title: string, screenshotName: string) {
    const candidate = await open(url);
    await candidate.heading().filter({ hasText: title }).waitFor();
    // Nothing about the position or any other interview, and no way to start.
    expect(await candidate.page.getByText('Data Analyst').count()).toBe(0);
    expect(await candidate.button(/interview/i).count()).toBe(0);
    await candidate.shot(screenshotName);
    await candidate.context.close();
  }

  it('says an unknown link is not valid', async () => {
    await expectClosedPage(`${t.url}/i/${randomBytes(32).toString('base64url')}`, 'This link is not valid', 'candidate-closed-unknown');
  });

  it('says a cancelled invitation was cancelled', async () => {
    const { interviewId, url } = await invite();
    expect((await ws.api.post(`/api/interviews/${interviewId}/cancel`)).status).toBe(200);
    await expectClosedPage(url, 'This interview was cancelled', 'candidate-closed-cancelled');
  });

  it('says an invitation past its deadline has expired', async () => {
    const { url } = await invite({ expiresAt: t.clock.now() + 60 * 60_000 });
    t.clock.advance(2 * 60 * 60_000);
    await expectClosedPage(url, 'This interview has expired', 'candidate-closed-expired');
  });

  it('counts down the think time aloud every 10 s and the last 5 s, then starts recording by itself', async () => {
    const { url } = await invite();
    const candidate = await open(url);
    const { page } = candidate;
    await candidate.startInterview();
    const live = page.locator('question-recorder p[aria-live="polite"]');
    const heard: string[] = [];
    const stop = page.getByRole('button', { name: 'Stop recording' });
    // Question 1 has 10 s of think time.
    for (const until = Date.now() + 15_000; Date.now() < until && !(await stop.isVisible()); ) {
      const text = ((await live.textContent()) ?? '').trim();
      if (text && heard.at(-1) !== text) heard.push(text);
      await page.waitForTimeout(100);
    }
    await stop.waitFor({ timeout: 1000 });
    expect(heard).toEqual(expect.arrayContaining(['You have 10 seconds to think. Recording starts by itself.', '5', '4', '3', '2', '1']));
    expect(heard.filter((text) => /^[6-9]$/.test(text))).toEqual([]);
    await expect.poll(() => live.textContent()).toMatch(/^Recording\. You have 1 minute\.$/);
    await candidate.stopRecording();
    await candidate.context.close();
  }, 60_000);

  it('stops recording by itself at the answer time limit', async () => {
    const position = await ws.api.post('/api/positions', {
      name: 'Quick Question',
      questions: [{ title: 'Say hello', thinkTimeSeconds: 0, maxAnswerSeconds: 5, retakes: 0 }],
    });
    expect(position.status).toBe(201);
    const res = await ws.api.post(`/api/positions/${position.body.id}/interviews`, { name: 'Alan Turing', email: `alan.${randomBytes(4).toString('hex')}@example.com`, sendEmail: false });
    const candidate = await open(res.body.url.public);
    await candidate.startInterview();
    expect(await candidate.questionNumber()).toBe('Question 1 of 1');
    await candidate.startRecording();
    const started = Date.now();
    await candidate.button('Submit answer').waitFor({ timeout: 10_000 });
    expect(Date.now() - started).toBeGreaterThan(4500);
    await candidate.page.getByText('Recorded: 5 seconds.').waitFor();
    await candidate.submitAnswer();
    await candidate.waitUntilAllUploaded();
    while ((await t.drainJobs()) > 0);
    const answer = await t.database.db.selectFrom('answers').selectAll().where('interview_id', '=', res.body.id).where('status', '=', 'ready').executeTakeFirstOrThrow();
    expect(Math.abs(Number(answer.duration_seconds) - 5)).toBeLessThanOrEqual(1);
    await candidate.context.close();
  }, 60_000);

  it.each([
    ['NotAllowedError', 'Camera and microphone access is blocked', /allow both/],
    ['NotFoundError', 'No camera or microphone found', /Connect one/],
  ])('explains a %s from the camera in plain words', async (errorName, title, advice) => {
    const { url } = await invite();
    const context = await newCandidateContext(browser, { origin: t.url });
    await context.addInitScript((name) => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('refused in the test', name));
    }, errorName);
    const candidate = await CandidatePage.open(context, url);
    await candidate.button('Start interview').click();
    const alert = candidate.page.getByRole('alert');
    await alert.getByText(title).waitFor();
    await alert.getByText(advice).waitFor();
    await candidate.button('Try again').waitFor();
    expect(await candidate.button(/^Continue to (the first )?question/).isDisabled()).toBe(true);
    await candidate.shot(`candidate-device-${errorName}`);
    await context.close();
  });

  it('fits a 360 px wide phone screen without sideways scrolling', async () => {
    const { url } = await invite();
    const candidate = await open(url, { width: 360, height: 740 });
    const { page } = candidate;
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await candidate.heading().filter({ hasText: 'Data Analyst' }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await candidate.shot('candidate-phone-welcome');
    await candidate.startInterview();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await candidate.shot('candidate-phone-question');
    await candidate.record(2000);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await candidate.shot('candidate-phone-recorded-take');
    // Every control is a real, focusable button.
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      let el: Element | null = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      return el?.tagName;
    });
    expect(['BUTTON', 'VIDEO']).toContain(focused);
    await candidate.context.close();
  }, 60_000);
});
