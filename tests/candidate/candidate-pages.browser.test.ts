import { randomBytes } from 'node:crypto';
import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeViolations, seriousAxeViolations } from '../support/axe.ts';
import { launchBrowser, newCandidateContext } from '../support/browser.ts';
import { CandidatePage, ensureCandidateAppBuilt } from '../support/candidate-app.ts';
import { describeFocused, isFocused, tabTo } from '../support/keyboard-focus.ts';
import { createPosition, startTestPlatform, type TestPlatform, type TestWorkspace } from '../support/test-platform.ts';

/** Closed links, the device check, the think-time countdown, keyboard-only use and the phone layout of the candidate app, in Chromium. */
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

  /** A position of one question, through the API; returns its id. */
  async function oneQuestionPosition(name: string, question: Record<string, unknown>): Promise<string> {
    const position = await ws.api.post('/api/positions', { name, questions: [question] });
    expect(position.status).toBe(201);
    return position.body.id;
  }

  async function invite(extra: Record<string, unknown> = {}, toPosition = positionId) {
    const res = await ws.api.post(`/api/positions/${toPosition}/interviews`, {
      name: 'Grace Hopper',
      email: `grace.${randomBytes(4).toString('hex')}@example.com`,
      sendEmail: false,
      ...extra,
    });
    expect(res.status).toBe(201);
    return { interviewId: res.body.id as string, url: res.body.url.public as string };
  }

  async function open(url: string, viewport?: { width: number; height: number }, phone = false) {
    return CandidatePage.open(await newCandidateContext(browser, { origin: t.url, viewport, phone }), url);
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

  it('resumes the think time after a reload instead of starting it again', async () => {
    const slow = await oneQuestionPosition('Slow Thinker', { title: 'Describe your ideal team', thinkTimeSeconds: 30, maxAnswerSeconds: 60, retakes: 0 });
    const { url } = await invite({}, slow);
    const candidate = await open(url);
    const { page } = candidate;
    await candidate.startInterview();
    const live = page.locator('question-recorder p[aria-live="polite"]');
    await expect.poll(() => live.textContent()).toBe('You have 30 seconds to think. Recording starts by itself.');
    // 20 s of it pass by the server's clock (the test's), then the candidate reloads for a fresh start.
    t.clock.advance(20_000);
    await page.reload();
    await candidate.startInterview();
    await page.getByRole('heading', { name: 'Describe your ideal team' }).waitFor();
    await expect.poll(() => live.textContent()).toBe('You have 10 seconds left to think. Recording starts by itself.');
    expect(Number((await page.locator('question-recorder .timer').textContent())!.split(':')[1])).toBeLessThanOrEqual(10);
    await candidate.context.close();
  }, 60_000);

  it('stops recording by itself at the answer time limit', async () => {
    const quick = await oneQuestionPosition('Quick Question', { title: 'Say hello', thinkTimeSeconds: 0, maxAnswerSeconds: 5, retakes: 0 });
    const { interviewId, url } = await invite({ name: 'Alan Turing' }, quick);
    const candidate = await open(url);
    await candidate.startInterview();
    expect(await candidate.questionNumber()).toBe('Question 1 of 1');
    await candidate.startRecording();
    const started = Date.now();
    // The limit counts down on screen while recording.
    const timeLeft = candidate.page.getByRole('timer', { name: 'Time left' });
    const shown = async () => (await timeLeft.locator('.timer').textContent())?.trim() ?? '';
    await expect.poll(shown, { timeout: 3000 }).toMatch(/^0:0[345]$/);
    await expect.poll(shown, { timeout: 4000 }).toMatch(/^0:0[12]$/);
    await candidate.button('Submit answer').waitFor({ timeout: 10_000 });
    expect(Date.now() - started).toBeGreaterThan(4500);
    await candidate.page.getByText('Recorded: 5 seconds.').waitFor();
    await candidate.submitAnswer();
    await candidate.waitUntilAllUploaded();
    while ((await t.drainJobs()) > 0);
    const answer = await t.database.db.selectFrom('answers').selectAll().where('interview_id', '=', interviewId).where('status', '=', 'ready').executeTakeFirstOrThrow();
    expect(Math.abs(Number(answer.duration_seconds) - 5)).toBeLessThanOrEqual(1);
    await candidate.context.close();
  }, 60_000);

  it('warns on the question page within the last hour before the deadline, and not earlier', async () => {
    // The server's clock three hours ahead of the browser's: a candidate's device clock may be off, the warning goes by the server's.
    t.clock.advance(3 * 3600_000);
    const soon = await invite({ expiresAt: t.clock.now() + 25 * 60_000 });
    const candidate = await open(soon.url);
    await candidate.startInterview();
    await candidate.page.locator('.deadline').getByText(/^Your invitation expires at .+, in 2[45] minutes\. Please submit your answers before then/).waitFor();
    await candidate.context.close();

    const later = await invite({ expiresAt: t.clock.now() + 3 * 3600_000 });
    const relaxed = await open(later.url);
    await relaxed.startInterview();
    expect(await relaxed.page.locator('.deadline').count()).toBe(0);
    await relaxed.context.close();
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

  it('has no serious or critical accessibility violation (axe) on any screen, from the welcome page to the end', async () => {
    const { url } = await invite({}, await oneQuestionPosition('Accessible Role', { title: 'Describe a project', thinkTimeSeconds: 3, maxAnswerSeconds: 30, retakes: 1 }));
    const candidate = await open(url);
    const { page } = candidate;
    const expectAccessible = async (screen: string) => {
      const violations = await seriousAxeViolations(page);
      expect(violations, `${screen}:\n${describeViolations(violations)}`).toEqual([]);
    };
    await candidate.heading().filter({ hasText: 'Accessible Role' }).waitFor();
    await expectAccessible('welcome');
    await candidate.button(/^Start interview$/).click();
    await candidate.heading().filter({ hasText: 'Check your camera and microphone' }).waitFor();
    await page.getByText('Microphone works: we can hear you.').waitFor({ timeout: 10_000 });
    await expectAccessible('device check');
    await candidate.button(/^Continue to (the first )?question/).click();
    await page.getByText('Recording starts in').waitFor();
    await expectAccessible('think time');
    await candidate.record(2500, () => expectAccessible('recording'));
    await page.getByLabel('Your recorded answer').waitFor();
    await expectAccessible('recorded take');
    await candidate.submitAnswer();
    await candidate.waitUntilAllUploaded();
    await expectAccessible('done');
    await page.goto(url);
    await candidate.heading().filter({ hasText: 'This interview is complete' }).waitFor();
    await expectAccessible('closed');
    await candidate.context.close();
  }, 60_000);

  it('says it is looking for cameras and microphones while the camera starts, not that there are none', async () => {
    const { url } = await invite();
    const context = await newCandidateContext(browser, { origin: t.url });
    // A camera that takes two seconds to start, as some do.
    await context.addInitScript(() => {
      const open = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = (constraints) => new Promise((resolve) => setTimeout(resolve, 2000)).then(() => open(constraints));
    });
    const candidate = await CandidatePage.open(context, url);
    const { page } = candidate;
    await candidate.button('Start interview').click();
    await candidate.heading().filter({ hasText: 'Check your camera and microphone' }).waitFor();
    expect(await page.locator('#camera option').allTextContents()).toEqual(['Looking for cameras…']);
    expect(await page.locator('#microphone option').allTextContents()).toEqual(['Looking for microphones…']);
    await page.getByText('Microphone works: we can hear you.').waitFor();
    expect(await page.locator('#camera option').allTextContents()).not.toContain('No camera found');
    await context.close();
  }, 60_000);

  it('fits a 360 px wide phone screen on every page, without sideways scrolling and with buttons big enough to tap', async () => {
    const phonePosition = await oneQuestionPosition('Phone Screen', { title: 'Tell us about a project you are proud of', thinkTimeSeconds: 0, maxAnswerSeconds: 30, retakes: 1 });
    const { url } = await invite({}, phonePosition);
    const candidate = await open(url, { width: 360, height: 740 }, true);
    const { page } = candidate;
    /** Sideways overflow of the page, and the visible buttons under 40 CSS pixels tall. */
    const layout = () =>
      page.evaluate(() => {
        const buttons: HTMLElement[] = [];
        const walk = (root: Document | ShadowRoot) => {
          for (const el of root.querySelectorAll<HTMLElement>('*')) {
            if (el.shadowRoot) walk(el.shadowRoot);
            if (el.tagName === 'BUTTON' && el.getClientRects().length > 0) buttons.push(el);
          }
        };
        walk(document);
        return {
          overflow: document.documentElement.scrollWidth - window.innerWidth,
          viewportWidth: window.innerWidth,
          smallButtons: buttons.filter((b) => b.getBoundingClientRect().height < 40).map((b) => b.textContent!.trim()),
        };
      });
    const expectFits = async (screen: string) => {
      const { overflow, viewportWidth, smallButtons } = await layout();
      // The viewport meta tag applies: the page is laid out 360 px wide, not as a zoomed-out desktop page.
      expect(viewportWidth, screen).toBe(360);
      expect(overflow, screen).toBeLessThanOrEqual(0);
      expect(smallButtons, screen).toEqual([]);
      await candidate.shot(`candidate-phone-${screen}`);
    };
    await candidate.heading().filter({ hasText: 'Phone Screen' }).waitFor();
    await expectFits('welcome');
    await candidate.button(/^Start interview$/).click();
    await candidate.heading().filter({ hasText: 'Check your camera and microphone' }).waitFor();
    await page.getByText('Microphone works: we can hear you.').waitFor();
    await expectFits('device-check');
    await candidate.button(/^Continue to (the first )?question/).click();
    await page.getByText(/^Question 1 of 1$/).waitFor();
    await expectFits('question');
    await candidate.record(2000);
    await expectFits('recorded-take');
    // Every control is a real, focusable button.
    await page.keyboard.press('Tab');
    expect(await describeFocused(page)).toMatch(/^(button|video): /);
    await candidate.submitAnswer();
    await candidate.waitUntilAllUploaded();
    await expectFits('done');
    await candidate.context.close();
  }, 60_000);

  /** Waits until the video shows the camera: frames have a size, time moves on and the picture changes. */
  async function expectLiveVideo(video: Locator) {
    const sample = () =>
      video.evaluate((v: HTMLVideoElement) => {
        let picture = 0;
        if (v.videoWidth > 0) {
          const canvas = document.createElement('canvas');
          canvas.width = v.videoWidth;
          canvas.height = v.videoHeight;
          const g = canvas.getContext('2d')!;
          g.drawImage(v, 0, 0);
          const { data } = g.getImageData(0, 0, canvas.width, canvas.height);
          for (let i = 0; i < data.length; i += 4) picture = (picture * 31 + data[i]! + data[i + 1]! + data[i + 2]!) >>> 0;
        }
        return { width: v.videoWidth, height: v.videoHeight, time: v.currentTime, paused: v.paused, picture };
      });
    await expect.poll(async () => (await sample()).width, { timeout: 10_000 }).toBeGreaterThan(0);
    const first = await sample();
    expect(first.height).toBeGreaterThan(0);
    expect(first.paused).toBe(false);
    await expect.poll(async () => (await sample()).time, { timeout: 5000 }).toBeGreaterThan(first.time + 0.5);
    // Chromium's fake camera animates: a frozen picture would be a stalled preview.
    await expect.poll(async () => (await sample()).picture, { timeout: 5000 }).not.toBe(first.picture);
  }

  /** The camera and microphone ids the preview's stream uses, and its tracks' ids (new ones after a device change). */
  function previewDevices(video: Locator) {
    return video.evaluate((v: HTMLVideoElement) => {
      const stream = v.srcObject as MediaStream | null;
      const camera = stream?.getVideoTracks()[0];
      const microphone = stream?.getAudioTracks()[0];
      return {
        cameraId: camera?.getSettings().deviceId ?? '',
        microphoneId: microphone?.getSettings().deviceId ?? '',
        tracks: `${camera?.id ?? ''} ${microphone?.id ?? ''}`,
      };
    });
  }

  it('previews the camera, moves the microphone level and lets the candidate choose either device', async () => {
    const { url } = await invite();
    const candidate = await open(url);
    const { page } = candidate;
    await candidate.button('Start interview').click();
    await candidate.heading().filter({ hasText: 'Check your camera and microphone' }).waitFor();
    const preview = page.getByLabel('Camera preview', { exact: true });
    await expectLiveVideo(preview);

    // The level meter is a meter to assistive tech, and Chromium's fake microphone beeps about once a second.
    const meter = page.getByRole('meter', { name: 'Microphone level' });
    await meter.waitFor({ timeout: 5000 });
    expect(await meter.getAttribute('aria-valuemin')).toBe('0');
    expect(await meter.getAttribute('aria-valuemax')).toBe('100');
    // Both what assistive tech is told and the bar on screen move above zero at some point.
    const bar = page.locator('mic-level-meter .bar');
    const heard = { meter: 0, bar: 0 };
    await expect
      .poll(
        async () => {
          heard.meter = Math.max(heard.meter, Number(await meter.getAttribute('aria-valuenow')));
          heard.bar = Math.max(heard.bar, await bar.evaluate((el) => Number(getComputedStyle(el).getPropertyValue('--level') || 0)));
          return heard;
        },
        { timeout: 15_000, interval: 100 },
      )
      .toEqual({ meter: expect.toSatisfy((n: number) => n > 0), bar: expect.toSatisfy((n: number) => n > 0) });
    await page.getByText('Microphone works: we can hear you.').waitFor({ timeout: 10_000 });

    const cameraChoice = page.getByRole('combobox', { name: 'Camera', exact: true });
    const microphoneChoice = page.getByRole('combobox', { name: 'Microphone', exact: true });
    const options = (select: Locator) =>
      select.evaluate((s: HTMLSelectElement) => [...s.options].map((o) => ({ value: o.value, label: o.label, selected: o.selected })));
    await expect.poll(() => cameraChoice.isEnabled()).toBe(true);
    const cameras = await options(cameraChoice);
    const microphones = await options(microphoneChoice);
    expect(cameras.length).toBeGreaterThanOrEqual(1);
    expect(microphones.length).toBeGreaterThanOrEqual(1);
    for (const device of [...cameras, ...microphones]) {
      expect(device.value).not.toBe('');
      expect(device.label).not.toBe('');
    }
    // The choice shown is the device the preview uses.
    const before = await previewDevices(preview);
    expect(cameras.find((c) => c.selected)?.value).toBe(before.cameraId);
    expect(microphones.find((m) => m.selected)?.value).toBe(before.microphoneId);

    // Choosing a device (a second one where Chromium offers one, else the same again) reopens the preview with it.
    let tracks = before.tracks;
    for (const [select, list, key] of [
      [cameraChoice, cameras, 'cameraId'],
      [microphoneChoice, microphones, 'microphoneId'],
    ] as const) {
      const chosen = (list.find((d) => !d.selected) ?? list[0]!).value;
      const previousTracks = tracks;
      await select.selectOption(chosen);
      await expect
        .poll(() => previewDevices(preview), { timeout: 10_000 })
        .toMatchObject({ [key]: chosen, tracks: expect.toSatisfy((now: string) => now !== previousTracks, 'new tracks') });
      tracks = (await previewDevices(preview)).tracks;
      await expect.poll(() => select.inputValue()).toBe(chosen);
      await expectLiveVideo(preview);
    }
    await candidate.shot('candidate-device-check-chosen');
    await candidate.button('Continue to the first question').click();
    await page.getByText(/^Question \d+ of \d+$/).waitFor();
    await expectLiveVideo(page.getByLabel('Your camera', { exact: true }));
    expect(candidate.errors).toEqual([]);
    await candidate.context.close();
  }, 60_000);

  it('offers every camera when the default one is busy, and starts the one chosen', async () => {
    const { url } = await invite();
    const context = await newCandidateContext(browser, { origin: t.url });
    // The default camera is held by another app (a video call); a camera asked for by its id works.
    await context.addInitScript(() => {
      const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = (constraints?: MediaStreamConstraints) => {
        const video = constraints?.video as MediaTrackConstraints | undefined;
        if (video && video.deviceId) return getUserMedia(constraints);
        // Permission is granted (the device list has ids and names), but the camera cannot start.
        return getUserMedia(constraints).then((stream) => {
          stream.getTracks().forEach((track) => track.stop());
          throw new DOMException('Could not start video source', 'NotReadableError');
        });
      };
    });
    const candidate = await CandidatePage.open(context, url);
    const { page } = candidate;
    await candidate.button('Start interview').click();
    await page.getByText('The camera or microphone is in use').waitFor();
    const cameraChoice = page.getByRole('combobox', { name: 'Camera', exact: true });
    await expect.poll(() => cameraChoice.isEnabled()).toBe(true);
    const cameras = await cameraChoice.evaluate((s: HTMLSelectElement) => [...s.options].map((o) => ({ value: o.value, label: o.label, selected: o.selected })));
    // Nothing is in use, so nothing is shown as chosen: picking any listed camera is a choice.
    expect(cameras[0]).toEqual({ value: '', label: 'Choose a camera', selected: true });
    expect(cameras.length).toBeGreaterThan(1);
    await cameraChoice.selectOption(cameras[1]!.value);
    await expectLiveVideo(page.getByLabel('Camera preview', { exact: true }));
    expect(await page.getByText('The camera or microphone is in use').count()).toBe(0);
    await expect.poll(() => cameraChoice.inputValue()).toBe(cameras[1]!.value);
    await candidate.button('Continue to the first question').click();
    await page.getByText(/^Question 1 of \d+$/).waitFor();
    await context.close();
  }, 60_000);

  it('can be done from the welcome page to the end with the keyboard alone, a retake included', async () => {
    const created = await ws.api.post('/api/positions', {
      name: 'Keyboard Only',
      questions: [
        { title: 'Why do you want this job?', thinkTimeSeconds: 0, maxAnswerSeconds: 60, retakes: 1 },
        { title: 'What would you change first?', thinkTimeSeconds: 0, maxAnswerSeconds: 60, retakes: 0 },
      ],
    });
    expect(created.status).toBe(201);
    const keyboardOnly = created.body.id as string;
    const { interviewId, url } = await invite({ name: 'Ada Lovelace' }, keyboardOnly);
    const context = await newCandidateContext(browser, { origin: t.url });
    // Proof that nothing below used a pointer: the page counts every pointer or mouse press.
    await context.addInitScript(() => {
      const w = window as unknown as { pointerPresses: number };
      w.pointerPresses = 0;
      for (const type of ['pointerdown', 'mousedown', 'touchstart']) addEventListener(type, () => w.pointerPresses++, true);
    });
    const candidate = await CandidatePage.open(context, url);
    const { page } = candidate;
    const keyboard = page.keyboard;

    /** Tabs to the button, checks it shows the focus ring, and presses `key` on it. */
    async function press(name: string, key: 'Enter' | ' ' = 'Enter') {
      const button = candidate.button(name);
      await expect.poll(() => button.isEnabled(), { timeout: 10_000 }).toBe(true);
      const path = (await isFocused(button)) ? [] : await tabTo(page, button);
      expect(await button.evaluate((el) => el.matches(':focus-visible') && getComputedStyle(el).outlineStyle !== 'none'), `a focus ring on ${name}`).toBe(true);
      await keyboard.press(key);
      return path;
    }

    await candidate.heading().filter({ hasText: 'Keyboard Only' }).waitFor();
    await press('Start interview');

    await candidate.heading().filter({ hasText: 'Check your camera and microphone' }).waitFor();
    // A new page puts focus on its heading; from there Tab goes through the device choices to the way on.
    await expect.poll(() => describeFocused(page)).toBe('h1: Check your camera and microphone');
    const path = await press('Continue to the first question');
    expect(path.slice(0, 3)).toEqual(['select: Camera', 'select: Microphone', 'button: Record a practice answer']);
    expect(path.at(-1)).toBe('button: Continue to the first question');

    await page.getByText('Question 1 of 2').waitFor();
    await expect.poll(() => describeFocused(page)).toBe('h1: Why do you want this job?');
    // A first take, recorded again: the pressed "Record again" is gone, and focus lands on Start recording.
    await press('Start recording', ' ');
    await candidate.button('Stop recording').waitFor();
    await page.waitForTimeout(1200);
    await press('Stop recording');
    await candidate.button('Submit answer').waitFor();
    await press('Record again (1 left)');
    await candidate.button('Start recording').waitFor();
    await expect.poll(() => isFocused(candidate.button('Start recording'))).toBe(true);

    await press('Start recording', ' ');
    // The pressed button is gone: focus lands on Stop recording, ready for the next press.
    await candidate.button('Stop recording').waitFor();
    await expect.poll(() => isFocused(candidate.button('Stop recording'))).toBe(true);
    const started = Date.now();
    await page.waitForTimeout(2500);
    await press('Stop recording');
    const heldMs = Date.now() - started;

    await candidate.button('Submit answer').waitFor();
    await expect.poll(() => isFocused(candidate.button('Submit answer'))).toBe(true);
    // Shift+Tab reaches the playback of the answer, Tab comes back to Submit.
    const playback = page.getByLabel('Your recorded answer', { exact: true });
    await tabTo(page, playback, { backwards: true, maxPresses: 3 });
    await tabTo(page, candidate.button('Submit answer'), { maxPresses: 3 });
    await press('Submit answer');

    // The next question is a new page: focus starts at its title.
    await page.getByText('Question 2 of 2').waitFor();
    await expect.poll(() => describeFocused(page)).toBe('h1: What would you change first?');
    await press('Start recording', ' ');
    await candidate.button('Stop recording').waitFor();
    await page.waitForTimeout(1200);
    await press('Stop recording');
    await candidate.button('Submit answer').waitFor();
    await press('Submit answer');

    await candidate.waitUntilAllUploaded();
    await expect.poll(() => describeFocused(page)).toBe('h1: Thank you, Ada!');
    expect(await page.evaluate(() => (window as unknown as { pointerPresses: number }).pointerPresses), 'pointer presses').toBe(0);
    expect(candidate.errors).toEqual([]);

    while ((await t.drainJobs()) > 0);
    const db = t.database.db;
    const interview = await db.selectFrom('interviews').select(['status']).where('id', '=', interviewId).executeTakeFirstOrThrow();
    expect(interview.status).toBe('completed');
    const answers = await db.selectFrom('answers').selectAll().where('interview_id', '=', interviewId).orderBy('created_at').execute();
    expect(answers.map((a) => [a.take, a.status])).toEqual([[1, 'discarded'], [2, 'ready'], [1, 'ready']]);
    const answer = answers[1]!;
    expect(answer.status).toBe('ready');
    expect(answer.media_key).toBeTruthy();
    expect(Math.abs(Number(answer.recorded_ms) - heldMs)).toBeLessThan(1500);
    // The stored file is as long as the app measured (heldMs also holds the test's own latency in pressing Stop).
    expect(Math.abs(Number(answer.duration_seconds) - Number(answer.recorded_ms) / 1000)).toBeLessThanOrEqual(1);
    const { stream } = await t.running.platform.services.storage.read(answer.media_key!);
    let bytes = 0;
    for await (const part of stream) bytes += (part as Buffer).length;
    expect(bytes).toBeGreaterThan(10_000);
    await context.close();
  }, 60_000);
});
