import { Buffer } from 'node:buffer';
import { readFile, writeFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page, Request, Response, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeMedia } from '../../server/media/media-probe.ts';
import { launchBrowser, newCandidateContext } from '../support/browser.ts';
import { CandidatePage, ensureCandidateAppBuilt } from '../support/candidate-app.ts';
import { outputPath } from '../support/media-fixtures.ts';
import { packetsOf } from '../support/media-packets.ts';
import { createPosition, startTestPlatform, type TestPlatform, type TestWorkspace } from '../support/test-platform.ts';

/**
 * The candidate app in Chromium with a fake camera, against a real server: whole interviews recorded,
 * uploaded while recording, finalised by the server's jobs, and checked in the database and in storage.
 * The position has two questions: the first allows one retake, the second none and no think time.
 */
/** Everything on local storage; the whole interview once more with S3 (s3rver) behind the server. */
const backends = [
  { storage: 'local' as const, faults: true },
  { storage: 's3' as const, faults: false },
];

describe.each(backends)('candidate app records an interview in Chromium ($storage storage)', ({ storage, faults }) => {
  let t: TestPlatform;
  let ws: TestWorkspace;
  let browser: Browser;
  let positionId: string;

  beforeAll(async () => {
    await ensureCandidateAppBuilt();
    t = await startTestPlatform('sqlite', { storage });
    ws = await t.createWorkspace();
    positionId = (await createPosition(ws.api, 'Support Engineer')).id;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  async function invite(name = 'Ada Lovelace') {
    const res = await ws.api.post(`/api/positions/${positionId}/interviews`, { name, email: `ada.${Date.now()}.${Math.random().toString(36).slice(2)}@example.com`, sendEmail: false });
    expect(res.status).toBe(201);
    const url = res.body.url.public as string;
    const token = url.split('/i/')[1]!;
    const state = (await t.anonymous().get(`/api/candidate/${token}`)).body;
    const questionIds = (state.questions as { id: string; index: number }[]).sort((a, b) => a.index - b.index).map((q) => q.id);
    return { interviewId: res.body.id as string, url, token, questionIds };
  }

  /** Every piece the browsers sent, by answer and sequence number (what the stored answers are checked against). */
  const sentPieces = new Map<string, Map<number, Buffer>>();
  const pieceSentTwiceDifferently: string[] = [];
  function keepSentPieces(request: Request) {
    const match = /\/answers\/([^/]+)\/chunks\/(\d+)$/.exec(new URL(request.url()).pathname);
    const body = request.postDataBuffer();
    if (request.method() !== 'PUT' || !match || !body) return;
    const pieces = sentPieces.get(match[1]!) ?? new Map<number, Buffer>();
    sentPieces.set(match[1]!, pieces);
    const seq = Number(match[2]);
    if (pieces.has(seq) && !pieces.get(seq)!.equals(body)) pieceSentTwiceDifferently.push(`${match[1]}/${seq}`);
    pieces.set(seq, body);
  }

  /** A candidate's browser profile whose uploads are kept in `sentPieces`. */
  async function candidateContext(): Promise<BrowserContext> {
    const context = await newCandidateContext(browser, { origin: t.url });
    // Chromium reports a Blob body only for a request that is intercepted: route the uploads, changing nothing.
    await context.route(/\/chunks\/\d+$/, (route) => route.fallback());
    context.on('request', keepSentPieces);
    return context;
  }

  async function openCandidate(url: string): Promise<CandidatePage> {
    return CandidatePage.open(await candidateContext(), url);
  }

  function pageErrors(candidate: CandidatePage): string[] {
    return candidate.errors.filter((e) => e.startsWith('pageerror'));
  }

  const isChunkPut = (response: Response, seq?: number) =>
    response.request().method() === 'PUT' && new RegExp(`/answers/[^/]+/chunks/${seq ?? '\\d+'}$`).test(response.url());

  /** Whether leaving the page now would ask the candidate first (a `beforeunload` handler cancels the event). */
  function leavingIsQuestioned(page: Page): Promise<boolean> {
    return page.evaluate(() => {
      const event = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(event);
      return event.defaultPrevented;
    });
  }

  /** The recorded pieces the candidate's browser still keeps in IndexedDB (the app's chunk store). */
  function piecesOnDevice(page: Page): Promise<{ answerId: string; seq: number; size: number }[]> {
    return page.evaluate(
      () =>
        new Promise<{ answerId: string; seq: number; size: number }[]>((resolve, reject) => {
          const open = indexedDB.open('oneway-candidate');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const all = open.result.transaction('chunks').objectStore('chunks').getAll();
            all.onerror = () => reject(all.error);
            all.onsuccess = () => {
              resolve(all.result.map(({ answerId, seq, size }) => ({ answerId, seq, size })));
              open.result.close();
            };
          };
        }),
    );
  }

  async function bytesOf(key: string): Promise<Buffer> {
    const { stream } = await t.running.platform.services.storage.read(key);
    const parts: Buffer[] = [];
    for await (const part of stream) parts.push(Buffer.from(part));
    return Buffer.concat(parts);
  }

  /**
   * The stored answer is the pieces the browser sent, each once and in order: the server counted pieces 0..n-1 and
   * their bytes, and the stored file's packets are those of the pieces joined (a piece stored twice, missing or out of
   * place changes them, not the duration).
   */
  async function expectAnswerIsWhatWasSent(answer: { id: string; chunk_count: number | null; bytes_received: number }, mediaFile: string) {
    expect(pieceSentTwiceDifferently.filter((key) => key.startsWith(`${answer.id}/`))).toEqual([]);
    const pieces = sentPieces.get(answer.id);
    expect(pieces, `pieces of ${answer.id} seen leaving the browser`).toBeDefined();
    const count = Number(answer.chunk_count);
    expect(count).toBeGreaterThan(0);
    const inOrder = Array.from({ length: count }, (_, seq) => pieces!.get(seq));
    expect(inOrder.findIndex((piece) => piece === undefined)).toBe(-1);
    const recording = Buffer.concat(inOrder as Buffer[]);
    expect(recording.byteLength).toBe(Number(answer.bytes_received));
    const recordingFile = await outputPath(`${answer.id}-sent`);
    await writeFile(recordingFile, recording);
    const [stored, sent] = await Promise.all([packetsOf(mediaFile), packetsOf(recordingFile)]);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored).toEqual(sent);
  }

  /**
   * Runs the finalisation jobs, then checks each question has exactly one live answer, ready, whose stored media is
   * the pieces sent (expectAnswerIsWhatWasSent) and ffprobe reads with the duration that was recorded, and a JPEG
   * thumbnail.
   */
  async function expectStoredInterview(interviewId: string, questionIds: string[], heldMs: Record<string, number>) {
    while ((await t.drainJobs()) > 0);
    const db = t.database.db;
    const interview = await db.selectFrom('interviews').select(['status']).where('id', '=', interviewId).executeTakeFirstOrThrow();
    expect(interview.status).toBe('completed');
    const rows = await db.selectFrom('answers').selectAll().where('interview_id', '=', interviewId).execute();
    const live = new Map<string, (typeof rows)[number]>();
    for (const questionId of questionIds) {
      const answers = rows.filter((r) => r.interview_question_id === questionId && r.status !== 'discarded');
      expect(answers, `one live answer for question ${questionIds.indexOf(questionId) + 1}`).toHaveLength(1);
      const answer = answers[0]!;
      expect(answer.status).toBe('ready');
      expect(answer.media_key).toBeTruthy();
      expect(answer.thumbnail_key).toBeTruthy();
      const recordedSeconds = Number(answer.recorded_ms) / 1000;
      // The app measured what the test held the recorder for (give or take the last piece).
      expect(Math.abs(recordedSeconds * 1000 - heldMs[questionId]!)).toBeLessThan(1500);
      expect(Math.abs(Number(answer.duration_seconds) - recordedSeconds)).toBeLessThanOrEqual(1);

      const mediaFile = await outputPath(`${answer.id}-media`);
      await t.running.platform.services.storage.downloadToFile(answer.media_key!, mediaFile);
      const probe = await probeMedia(mediaFile);
      expect(probe.hasVideo).toBe(true);
      expect(probe.hasAudio).toBe(true);
      expect(probe.durationSeconds).not.toBeNull();
      expect(Math.abs(probe.durationSeconds! - recordedSeconds)).toBeLessThanOrEqual(1);
      // The duration the server stored is the file's, as ffprobe reads it.
      expect(Math.abs(Number(answer.duration_seconds) - probe.durationSeconds!)).toBeLessThan(0.05);
      await expectAnswerIsWhatWasSent(answer, mediaFile);

      const thumbnail = await bytesOf(answer.thumbnail_key!);
      expect(thumbnail.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
      expect(thumbnail.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
      const thumbnailFile = await outputPath(`${answer.id}-thumb.jpg`);
      await t.running.platform.services.storage.downloadToFile(answer.thumbnail_key!, thumbnailFile);
      expect((await probeMedia(thumbnailFile)).videoCodec).toBe('mjpeg');
      expect((await readFile(thumbnailFile)).byteLength).toBeGreaterThan(1000);
      live.set(questionId, answer);
    }
    return { rows, live };
  }

  /** Answers the second question (no think time, no retakes) and waits for the done page. */
  async function answerLastQuestion(candidate: CandidatePage): Promise<number> {
    expect(await candidate.questionNumber()).toBe('Question 2 of 2');
    const held = await candidate.record(3000);
    await candidate.submitAnswer();
    await candidate.waitUntilAllUploaded();
    return held;
  }

  it('records two questions with a retake, uploads while recording and completes the interview', async () => {
    const { interviewId, url, questionIds } = await invite();
    const [q1, q2] = questionIds as [string, string];
    const candidate = await openCandidate(url);
    const { page } = candidate;

    await candidate.heading().filter({ hasText: 'Support Engineer' }).waitFor();
    await page.getByText('Welcome! Two short questions.').waitFor();
    await page.getByText('2 questions', { exact: true }).waitFor();
    await candidate.shot('candidate-welcome');
    await candidate.button('Start interview').click();
    await candidate.heading().filter({ hasText: 'Check your camera and microphone' }).waitFor();
    // Progress is shown here too: the device check comes before question 1.
    await page.getByText('Next: question 1 of 2', { exact: true }).waitFor();
    await page.getByText('Microphone works: we can hear you.').waitFor();
    await page.getByLabel('Camera', { exact: true }).waitFor();
    // A practice answer is played back here and never sent, nor kept on the device.
    const sentDuringPractice: string[] = [];
    const watchPractice = (request: { method(): string; url(): string }) => {
      if (request.method() !== 'GET') sentDuringPractice.push(`${request.method()} ${request.url()}`);
    };
    page.on('request', watchPractice);
    await candidate.button('Record a practice answer').click();
    await page.waitForTimeout(1500);
    await candidate.button('Stop practice').click();
    await page.getByLabel('Your practice recording').waitFor();
    page.off('request', watchPractice);
    expect(sentDuringPractice).toEqual([]);
    expect(await piecesOnDevice(page)).toEqual([]);
    await candidate.shot('candidate-device-check');
    await candidate.button(/^Continue to (the first )?question/).click();

    await page.getByText('Question 1 of 2').waitFor();
    await page.getByText('Recording starts in').waitFor();
    await candidate.shot('candidate-question');
    await candidate.record(3000, async () => {
      // Uploads run while recording: the server acknowledges a piece before the recorder stops (it stops after this).
      const acknowledged = page.waitForResponse((r) => isChunkPut(r) && r.status() < 300, { timeout: 2900 });
      await page.waitForTimeout(2000);
      await candidate.shot('candidate-recording');
      await acknowledged;
    });
    await page.getByLabel('Your recorded answer').waitFor();
    await candidate.shot('candidate-recorded-take');
    await candidate.recordAgain();
    const held1 = await candidate.record(4000);
    // No retakes left after the second take.
    await expect(candidate.button(/^Record again/).count()).resolves.toBe(0);
    await candidate.submitAnswer();

    const held2 = await answerLastQuestion(candidate);
    await candidate.shot('candidate-done');
    expect(pageErrors(candidate)).toEqual([]);

    const { rows } = await expectStoredInterview(interviewId, questionIds, { [q1]: held1, [q2]: held2 });
    // The first take of question 1 was replaced by the retake.
    expect(rows.filter((r) => r.interview_question_id === q1).map((r) => [r.take, r.status])).toEqual(
      expect.arrayContaining([
        [1, 'discarded'],
        [2, 'ready'],
      ]),
    );
    // Nothing of the interview is left in the browser's IndexedDB.
    const left = await page.evaluate(
      () =>
        new Promise<number>((resolve, reject) => {
          const open = indexedDB.open('oneway-candidate');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction(['takes', 'chunks']);
            const takes = tx.objectStore('takes').count();
            const chunks = tx.objectStore('chunks').count();
            tx.oncomplete = () => resolve(takes.result + chunks.result);
          };
        }),
    );
    expect(left).toBe(0);

    // The link now says the interview is complete.
    await page.goto(url);
    await candidate.heading().filter({ hasText: 'This interview is complete' }).waitFor();
    await candidate.shot('candidate-closed-completed');
    await candidate.context.close();
  }, 120_000);

  if (faults) {
    it('records the MP4 path, as Safari does, when WebM cannot be recorded', async () => {
      const { interviewId, url, questionIds } = await invite();
      const [q1, q2] = questionIds as [string, string];
      const context = await candidateContext();
      await context.addInitScript(() => {
        const supported = MediaRecorder.isTypeSupported.bind(MediaRecorder);
        MediaRecorder.isTypeSupported = (type: string) => !type.startsWith('video/webm') && supported(type);
      });
      const candidate = await CandidatePage.open(context, url);
      await candidate.startInterview();
      const held1 = await candidate.record(3000);
      await candidate.submitAnswer();
      const held2 = await answerLastQuestion(candidate);
      const { live } = await expectStoredInterview(interviewId, questionIds, { [q1]: held1, [q2]: held2 });
      expect(live.get(q1)!.mime_type).toMatch(/^video\/mp4/);
      await context.close();
    }, 120_000);

    it('keeps recording while offline and uploads everything when the connection returns', async () => {
      const { interviewId, url, questionIds } = await invite();
      const [q1, q2] = questionIds as [string, string];
      const candidate = await openCandidate(url);
      const { page, context } = candidate;
      await candidate.startInterview();
      let piecesWhileOffline = 0;
      const held1 = await candidate.record(9000, async () => {
        await page.waitForTimeout(1500);
        await context.setOffline(true);
        await candidate.uploadStatus().filter({ hasText: 'You are offline' }).waitFor();
        await page.waitForTimeout(5000);
        piecesWhileOffline = await candidate.pendingPieces();
        // Told not to close the page, and leaving it asks first.
        await candidate.uploadStatus().filter({ hasText: 'Do not close this page.' }).waitFor();
        expect(await leavingIsQuestioned(page)).toBe(true);
        await candidate.shot('candidate-offline');
        await context.setOffline(false);
      });
      expect(piecesWhileOffline).toBeGreaterThanOrEqual(3);
      await candidate.submitAnswer();
      const held2 = await answerLastQuestion(candidate);
      // Everything is uploaded: the page may be closed without a question.
      expect(await leavingIsQuestioned(page)).toBe(false);
      await expectStoredInterview(interviewId, questionIds, { [q1]: held1, [q2]: held2 });
      await context.close();
    }, 120_000);

    it('recovers a take after a reload mid-answer and submits it', async () => {
      const { interviewId, url, questionIds } = await invite();
      const [q1, q2] = questionIds as [string, string];
      const candidate = await openCandidate(url);
      const { page } = candidate;
      await candidate.startInterview();
      await candidate.startRecording();
      const started = Date.now();
      await page.waitForTimeout(4000);
      const reloadedAfter = Date.now() - started;
      await page.reload();

      // The take recorded before the reload is offered as it is, with the retake still available, before
      // (and without) the camera: a camera that fails now does not keep it from being submitted.
      await candidate.button('Continue interview').click();
      expect(await candidate.questionNumber()).toBe('Question 1 of 2');
      await candidate.button('Submit answer').waitFor();
      await candidate.button('Record again (1 left)').waitFor();
      await candidate.shot('candidate-recovered-take');
      await candidate.submitAnswer();
      // The next question needs the camera; the device check says which question comes.
      await page.getByText('Next: question 2 of 2', { exact: true }).waitFor();
      await candidate.passDeviceCheck();
      const held2 = await answerLastQuestion(candidate);
      // What was recorded up to the last whole piece before the reload.
      await expectStoredInterview(interviewId, questionIds, { [q1]: reloadedAfter - 500, [q2]: held2 });
      await candidate.context.close();
    }, 120_000);

    it('records again while the first take\'s pieces are still on their way: the retake is a take of its own, and the answer', async () => {
      const { interviewId, url, questionIds } = await invite();
      const [q1, q2] = questionIds as [string, string];
      const candidate = await openCandidate(url);
      const { page } = candidate;
      const takes: { answerId: string; take: number }[] = [];
      page.on('response', async (response) => {
        if (response.request().method() === 'POST' && /\/takes$/.test(response.url())) takes.push(await response.json());
      });
      // A slow uplink: no piece of the first take arrives before "Record again" has started the next take.
      const held: Route[] = [];
      let holding = true;
      await page.route(/\/chunks\/\d+$/, (route) => (holding ? void held.push(route) : route.continue()));
      await candidate.startInterview();
      await candidate.record(2500);
      await candidate.recordAgain();
      expect(held.length).toBeGreaterThan(0);
      const held1 = await candidate.record(3000, async () => {
        holding = false;
        for (const route of held.splice(0)) await route.continue();
      });
      expect(takes.map((t) => t.take)).toEqual([1, 2]);
      expect(takes[1]!.answerId).not.toBe(takes[0]!.answerId);
      // Both takes of the question are spent.
      expect(await candidate.button(/^Record again/).count()).toBe(0);
      await candidate.submitAnswer();
      const held2 = await answerLastQuestion(candidate);
      const { rows, live } = await expectStoredInterview(interviewId, questionIds, { [q1]: held1, [q2]: held2 });
      expect(live.get(q1)!.id).toBe(takes[1]!.answerId);
      expect(rows.find((r) => r.id === takes[0]!.answerId)?.status).toBe('discarded');
      expect(pageErrors(candidate)).toEqual([]);
      await candidate.context.close();
    }, 120_000);

    it('records again on the second question after the first was submitted in the background: still a take of its own', async () => {
      // Both questions without think time; the second allows a retake.
      const position = await ws.api.post('/api/positions', {
        name: 'Two Retakes',
        questions: [
          { title: 'First', thinkTimeSeconds: 0, maxAnswerSeconds: 60, retakes: 0 },
          { title: 'Second', thinkTimeSeconds: 0, maxAnswerSeconds: 60, retakes: 1 },
        ],
      });
      const invited = await ws.api.post(`/api/positions/${position.body.id}/interviews`, { name: 'Sam Slow', email: `sam.${Date.now()}@example.com`, sendEmail: false });
      const candidate = await openCandidate(invited.body.url.public);
      const { page } = candidate;
      const takes: { answerId: string; take: number }[] = [];
      page.on('response', async (response) => {
        if (response.request().method() === 'POST' && /\/takes$/.test(response.url())) takes.push(await response.json());
      });
      // A slow uplink: pieces wait until the test lets them go.
      const held: Route[] = [];
      let holding = true;
      await page.route(/\/chunks\/\d+$/, (route) => (holding ? void held.push(route) : route.continue()));
      const release = async () => {
        for (const route of held.splice(0)) await route.continue();
      };
      await candidate.startInterview();
      await candidate.record(2000);
      await candidate.submitAnswer();
      expect(await candidate.questionNumber()).toBe('Question 2 of 2');
      // The first answer's pieces and submit go through now, while the second question is on screen.
      holding = false;
      await release();
      await expect.poll(async () => (await t.database.db.selectFrom('answers').select('status').where('id', '=', takes[0]!.answerId).executeTakeFirst())?.status).toMatch(/^(submitted|ready)$/);
      holding = true;
      await candidate.record(2000);
      await candidate.recordAgain();
      const again = await candidate.record(2500, async () => {
        holding = false;
        await release();
      });
      expect(takes.map((t) => t.take)).toEqual([1, 1, 2]);
      expect(takes[2]!.answerId).not.toBe(takes[1]!.answerId);
      await candidate.submitAnswer();
      await candidate.waitUntilAllUploaded();
      while ((await t.drainJobs()) > 0);
      const answer = await t.database.db.selectFrom('answers').selectAll().where('id', '=', takes[2]!.answerId).executeTakeFirstOrThrow();
      expect(answer.status).toBe('ready');
      expect(Math.abs(Number(answer.duration_seconds) * 1000 - again)).toBeLessThan(1500);
      expect(pageErrors(candidate)).toEqual([]);
      await candidate.context.close();
    }, 120_000);

    it('a reload just after Start, before the first piece, spends no attempt', async () => {
      const { interviewId, url, questionIds } = await invite();
      const [q1, q2] = questionIds as [string, string];
      const candidate = await openCandidate(url);
      const { page } = candidate;
      await candidate.startInterview();
      await candidate.startRecording();
      // Within the first second: the recorder has not handed over a piece yet.
      await page.reload();
      await candidate.button(/^(Start|Continue) interview$/).click();
      await candidate.passDeviceCheck();
      expect(await candidate.questionNumber()).toBe('Question 1 of 2');
      const held1 = await candidate.record(2500);
      // The empty take was reused: the retake is still there.
      await candidate.button('Record again (1 left)').waitFor();
      await candidate.submitAnswer();
      const held2 = await answerLastQuestion(candidate);
      const { rows } = await expectStoredInterview(interviewId, questionIds, { [q1]: held1, [q2]: held2 });
      expect(rows.filter((r) => r.interview_question_id === q1).map((r) => r.take)).toEqual([1]);
      await candidate.context.close();
    }, 120_000);

    it('says it waits for the connection when the next question cannot be fetched offline, then goes on', async () => {
      const { interviewId, url, questionIds } = await invite();
      const [q1, q2] = questionIds as [string, string];
      const candidate = await openCandidate(url);
      const { page, context } = candidate;
      await candidate.startInterview();
      const held1 = await candidate.record(2500);
      await context.setOffline(true);
      await candidate.button('Submit answer').click();
      await page.getByRole('status').filter({ hasText: 'Waiting for the connection…' }).waitFor({ timeout: 15_000 });
      // The last answer's upload state stays in view meanwhile.
      expect(await candidate.uploadStatus().isVisible()).toBe(true);
      await context.setOffline(false);
      await page.getByText('Question 2 of 2').waitFor({ timeout: 30_000 });
      const held2 = await answerLastQuestion(candidate);
      await expectStoredInterview(interviewId, questionIds, { [q1]: held1, [q2]: held2 });
      await context.close();
    }, 120_000);

    it('warns before leaving mid-answer even when every piece so far is uploaded', async () => {
      const { url } = await invite();
      const candidate = await openCandidate(url);
      await candidate.startInterview();
      expect(await leavingIsQuestioned(candidate.page)).toBe(false);
      await candidate.startRecording();
      await candidate.page.waitForTimeout(2500);
      // Pieces go out as they are recorded: a moment when the device holds none.
      await expect.poll(async () => (await piecesOnDevice(candidate.page)).length, { timeout: 10_000, interval: 20 }).toBe(0);
      expect(await leavingIsQuestioned(candidate.page)).toBe(true);
      await candidate.stopRecording();
      // Stopped with everything sent: nothing would be lost by leaving (the take waits on the server).
      await expect.poll(async () => (await piecesOnDevice(candidate.page)).length, { timeout: 10_000 }).toBe(0);
      expect(await leavingIsQuestioned(candidate.page)).toBe(false);
      await candidate.context.close();
    }, 60_000);

    it('tells a second tab of the same interview to continue in the first, and lets it take over once that one is closed', async () => {
      const { url } = await invite();
      const first = await openCandidate(url);
      await first.startInterview();
      const second = await CandidatePage.open(first.context, url);
      await second.heading().filter({ hasText: 'Your interview is open in another tab' }).waitFor();
      expect(await second.button(/interview/).count()).toBe(0);
      await second.shot('candidate-other-tab');
      await first.page.close();
      await second.button('Continue here').click();
      await second.startInterview();
      expect(await second.questionNumber()).toBe('Question 1 of 2');
      await second.context.close();
    }, 60_000);

    it('keeps what was recorded when the camera stops mid-answer, then sets the camera up again for the next question', async () => {
      const { interviewId, url, questionIds } = await invite();
      const [q1, q2] = questionIds as [string, string];
      const candidate = await openCandidate(url);
      const { page } = candidate;
      await candidate.startInterview();
      await candidate.startRecording();
      const started = Date.now();
      await page.waitForTimeout(3000);
      // As when the camera is unplugged or the browser withdraws access: the stream's tracks end.
      await page.evaluate(() => {
        const recorder = document.querySelector('interview-app')!.shadowRoot!.querySelector('question-recorder')!;
        const video = recorder.shadowRoot!.querySelector('video') as HTMLVideoElement;
        for (const track of (video.srcObject as MediaStream).getTracks()) track.stop();
      });
      const held1 = Date.now() - started;
      await page.getByRole('alert').filter({ hasText: 'Your camera or microphone stopped' }).waitFor();
      await candidate.button('Submit answer').waitFor();
      await candidate.shot('candidate-camera-stopped');
      await candidate.submitAnswer();
      // The next question finds the camera gone and goes through the device check again.
      await candidate.passDeviceCheck();
      const held2 = await answerLastQuestion(candidate);
      await expectStoredInterview(interviewId, questionIds, { [q1]: held1, [q2]: held2 });
      expect(pageErrors(candidate)).toEqual([]);
      await candidate.context.close();
    }, 120_000);

    it('uploads straight from the page, and says so, when the device refuses to keep the pieces', async () => {
      const { interviewId, url, questionIds } = await invite();
      const [q1, q2] = questionIds as [string, string];
      const context = await candidateContext();
      // As a full disk does: IndexedDB refuses every recorded piece.
      await context.addInitScript(() => {
        const put = IDBObjectStore.prototype.put;
        IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
          if (this.name === 'chunks') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
          return put.apply(this, args);
        };
      });
      const candidate = await CandidatePage.open(context, url);
      await candidate.startInterview();
      const held1 = await candidate.record(3000);
      await candidate.page.getByRole('alert').filter({ hasText: 'This device could not keep a copy of your recording' }).waitFor();
      expect(await piecesOnDevice(candidate.page)).toEqual([]);
      await candidate.submitAnswer();
      const held2 = await answerLastQuestion(candidate);
      await expectStoredInterview(interviewId, questionIds, { [q1]: held1, [q2]: held2 });
      await context.close();
    }, 120_000);

    it('records again after a reload, setting the camera up only then', async () => {
      const { interviewId, url, questionIds } = await invite();
      const [q1, q2] = questionIds as [string, string];
      const candidate = await openCandidate(url);
      await candidate.startInterview();
      await candidate.record(2000);
      await candidate.page.reload();
      await candidate.button('Continue interview').click();
      await candidate.button('Record again (1 left)').click();
      await candidate.passDeviceCheck();
      expect(await candidate.questionNumber()).toBe('Question 1 of 2');
      const held1 = await candidate.record(3000);
      expect(await candidate.button(/^Record again/).count()).toBe(0);
      await candidate.submitAnswer();
      const held2 = await answerLastQuestion(candidate);
      const { rows } = await expectStoredInterview(interviewId, questionIds, { [q1]: held1, [q2]: held2 });
      expect(rows.filter((r) => r.interview_question_id === q1).map((r) => r.status).sort()).toEqual(['discarded', 'ready']);
      await candidate.context.close();
    }, 120_000);

    it('submits the part the server holds when a take cannot be completed and no attempt is left', async () => {
      const { interviewId, url, questionIds } = await invite();
      const [q1, q2] = questionIds as [string, string];
      const candidate = await openCandidate(url);
      const { page, context } = candidate;
      await candidate.startInterview();
      const held1 = await candidate.record(2000);
      await candidate.submitAnswer();
      // The second question allows no retake; the server refuses its third piece (as for a take past its size bound).
      const third = /\/api\/candidate\/[^/]+\/answers\/[^/]+\/chunks\/2$/;
      await context.route(third, (route) =>
        route.request().method() === 'PUT'
          ? route.fulfill({ status: 413, contentType: 'application/json', body: '{"error":{"code":"payload_too_large","message":"This answer is larger than allowed; nothing was stored"}}' })
          : route.continue(),
      );
      expect(await candidate.questionNumber()).toBe('Question 2 of 2');
      await candidate.record(4500);
      await candidate.uploadStatus().filter({ hasText: 'too large' }).waitFor();
      await candidate.button('Submit answer').click();
      await candidate.heading().filter({ hasText: /^Thank you/ }).waitFor();
      await page.getByRole('alert').filter({ hasText: 'The first 2 seconds, which did reach us, were submitted as your answer.' }).waitFor();
      await candidate.shot('candidate-partial-answer');
      await candidate.waitUntilAllUploaded();
      expect(await candidate.uploadStatus().filter({ hasText: 'too large' }).count()).toBe(0);
      await expectStoredInterview(interviewId, questionIds, { [q1]: held1, [q2]: 2000 });
      await context.close();
    }, 120_000);

    it('keeps another device away from a take being recorded, and offers it there once the recording stopped', async () => {
      const { interviewId, url, questionIds } = await invite();
      const [q1, q2] = questionIds as [string, string];
      const laptop = await openCandidate(url);
      await laptop.startInterview();
      await laptop.startRecording();
      const started = Date.now();
      await laptop.page.waitForTimeout(2500);
      await expect.poll(async () => (await t.anonymous().get(`/api/candidate/${url.split('/i/')[1]}`)).body.questions[0].openTake?.receivedChunks.length ?? 0).toBeGreaterThanOrEqual(2);

      const phone = await openCandidate(url);
      await phone.button(/^(Start|Continue) interview$/).click();
      await phone.heading().filter({ hasText: 'This answer is being recorded somewhere else' }).waitFor();
      expect(await phone.button('Submit answer').count()).toBe(0);
      await phone.shot('candidate-recording-elsewhere');

      // The laptop's tab is closed mid-answer; half a minute later the phone takes over what it recorded.
      await laptop.context.close();
      const heldOnLaptop = Date.now() - started;
      // A piece the server was already receiving may still land: the half minute counts from the last one.
      const received = async () => (await t.anonymous().get(`/api/candidate/${url.split('/i/')[1]}`)).body.questions[0].openTake.receivedChunks.length;
      let before = -1;
      for (let now = await received(); now !== before; now = await received()) {
        before = now;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      t.clock.advance(30_000);
      await phone.button('Check again').click();
      await phone.button(/^(Start|Continue) interview$/).click();
      expect(await phone.questionNumber()).toBe('Question 1 of 2');
      await phone.button('Submit answer').click();
      await phone.passDeviceCheck();
      const held2 = await answerLastQuestion(phone);
      await expectStoredInterview(interviewId, questionIds, { [q1]: heldOnLaptop - 500, [q2]: held2 });
      await phone.context.close();
    }, 120_000);

    it('does not cut short a take another device is recording when this one, with no attempt left, presses Start', async () => {
      const { interviewId, url, questionIds } = await invite();
      const laptop = await openCandidate(url);
      await laptop.startInterview();
      await laptop.record(2000);
      await laptop.submitAnswer();
      // The phone opens the last question (no retakes) before the laptop starts recording it.
      const phone = await openCandidate(url);
      await phone.button(/^(Start|Continue) interview$/).click();
      await phone.passDeviceCheck();
      expect(await phone.questionNumber()).toBe('Question 2 of 2');
      await laptop.startRecording();
      await laptop.page.waitForTimeout(3000);
      await phone.button(/^Start recording( now)?$/).click();
      await phone.heading().filter({ hasText: 'This answer is being recorded somewhere else' }).waitFor();
      const take = await t.database.db.selectFrom('answers').select(['status']).where('interview_question_id', '=', questionIds[1]!).executeTakeFirstOrThrow();
      expect(take.status).toBe('recording');
      expect(await laptop.button('Stop recording').isVisible()).toBe(true);
      await laptop.stopRecording();
      await laptop.submitAnswer();
      await laptop.waitUntilAllUploaded();
      while ((await t.drainJobs()) > 0);
      expect((await t.database.db.selectFrom('interviews').select('status').where('id', '=', interviewId).executeTakeFirstOrThrow()).status).toBe('completed');
      await laptop.context.close();
      await phone.context.close();
    }, 120_000);

    it('without the Web Locks API, a second tab still does not offer the first tab\'s live take', async () => {
      const { url } = await invite();
      const context = await candidateContext();
      await context.addInitScript(() => {
        Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined, configurable: true });
      });
      const first = await CandidatePage.open(context, url);
      await first.startInterview();
      await first.startRecording();
      await first.page.waitForTimeout(3000);
      const second = await CandidatePage.open(context, url);
      await second.button(/^(Start|Continue) interview$/).click();
      await second.heading().filter({ hasText: 'This answer is being recorded somewhere else' }).waitFor();
      // The first tab's own reload is not "elsewhere": it offers what it recorded.
      await second.page.close();
      await first.page.reload();
      await first.button('Continue interview').click();
      await first.button('Submit answer').waitFor();
      await context.close();
    }, 60_000);

    it('a reload mid-answer on a device that refuses to keep pieces offers what reached the server', async () => {
      const { interviewId, url, questionIds } = await invite();
      const [q1, q2] = questionIds as [string, string];
      const context = await candidateContext();
      await context.addInitScript(() => {
        IDBObjectStore.prototype.put = () => {
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        };
      });
      const candidate = await CandidatePage.open(context, url);
      await candidate.startInterview();
      await candidate.startRecording();
      const started = Date.now();
      await candidate.page.waitForTimeout(3500);
      await expect.poll(async () => (await t.anonymous().get(`/api/candidate/${url.split('/i/')[1]}`)).body.questions[0].openTake?.receivedChunks.length ?? 0).toBeGreaterThanOrEqual(3);
      const reloadedAfter = Date.now() - started;
      await candidate.page.reload();
      await candidate.button('Continue interview').click();
      await candidate.button('Submit answer').waitFor();
      await candidate.submitAnswer();
      await candidate.passDeviceCheck();
      const held2 = await answerLastQuestion(candidate);
      await expectStoredInterview(interviewId, questionIds, { [q1]: reloadedAfter - 500, [q2]: held2 });
      await context.close();
    }, 120_000);

    it('says the invitation was cancelled when the recruiter cancels it mid-answer', async () => {
      const { interviewId, url } = await invite();
      const candidate = await openCandidate(url);
      await candidate.startInterview();
      await candidate.startRecording();
      await candidate.page.waitForTimeout(1500);
      expect((await ws.api.post(`/api/interviews/${interviewId}/cancel`)).status).toBe(200);
      await candidate.heading().filter({ hasText: 'This interview was cancelled' }).waitFor();
      await candidate.context.close();
    }, 60_000);

    it('resumes at the second question when the link is reopened in a new browser after the first was submitted', async () => {
      const { interviewId, url, questionIds } = await invite();
      const [q1, q2] = questionIds as [string, string];
      const first = await openCandidate(url);
      await first.startInterview();
      const held1 = await first.record(3000);
      await first.submitAnswer();
      expect(await first.questionNumber()).toBe('Question 2 of 2');
      await expect.poll(() => first.pendingPieces(), { timeout: 20_000 }).toBe(0);
      const submitted = async () =>
        (await t.database.db.selectFrom('answers').select('status').where('interview_question_id', '=', q1).where('status', '!=', 'discarded').executeTakeFirst())?.status;
      await expect.poll(submitted, { timeout: 20_000 }).toMatch(/^(submitted|ready)$/);
      await first.context.close();

      // Another browser: nothing on the device, the server says where the candidate is.
      const again = await openCandidate(url);
      await again.button('Continue interview').waitFor();
      await again.startInterview();
      const held2 = await answerLastQuestion(again);
      await expectStoredInterview(interviewId, questionIds, { [q1]: held1, [q2]: held2 });
      await again.context.close();
    }, 120_000);

    it('resends the pieces kept in IndexedDB after a reload, skipping those the server already holds', async () => {
      const { interviewId, url, token, questionIds } = await invite();
      const [q1, q2] = questionIds as [string, string];
      const candidate = await openCandidate(url);
      const { page, context } = candidate;
      // Chunks 0 and 1 reach the server but their answers are lost; every later chunk fails on the way.
      const chunkPut = /\/api\/candidate\/[^/]+\/answers\/[^/]+\/chunks\/(\d+)$/;
      await context.route(chunkPut, async (route) => {
        const seq = Number(chunkPut.exec(route.request().url())![1]);
        if (route.request().method() !== 'PUT') return route.continue();
        if (seq > 1) return route.abort('internetdisconnected');
        await route.fetch();
        await route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":{"code":"unavailable","message":"lost"}}' });
      });
      await candidate.startInterview();
      const held1 = await candidate.record(4000);
      expect(await candidate.pendingPieces()).toBeGreaterThanOrEqual(4);
      const localChunks = async () => (await piecesOnDevice(page)).length;
      const recordedPieces = await localChunks();
      expect(recordedPieces).toBeGreaterThanOrEqual(4);

      const openTake = (await t.anonymous().get(`/api/candidate/${token}`)).body.questions[0].openTake;
      expect(openTake.receivedChunks).toEqual([0, 1]);
      await page.reload();
      const sentAfterReload: number[] = [];
      page.on('request', (request) => {
        const match = chunkPut.exec(request.url());
        if (match && request.method() === 'PUT' && request.url().includes(openTake.answerId)) sentAfterReload.push(Number(match[1]));
      });
      await candidate.button('Continue interview').click();
      // Every piece is still on this device, so the recovered take plays back.
      await page.getByLabel('Your recorded answer').waitFor();
      await candidate.button('Record again (1 left)').waitFor();
      await candidate.shot('candidate-recovered-take-playback');

      // The connection comes back: the app sends what the server lacks, then the submit.
      await context.unroute(chunkPut);
      await context.setOffline(true);
      await context.setOffline(false);
      await candidate.submitAnswer();
      await candidate.passDeviceCheck();
      const held2 = await answerLastQuestion(candidate);
      expect(sentAfterReload.length).toBeGreaterThan(0);
      expect(sentAfterReload.filter((seq) => seq <= 1)).toEqual([]);
      expect(await localChunks()).toBe(0);
      const { live } = await expectStoredInterview(interviewId, questionIds, { [q1]: held1, [q2]: held2 });
      expect(live.get(q1)!.chunk_count).toBe(recordedPieces);
      await context.close();
    }, 120_000);

    it('stores a chunk sent twice once: a lost response, and a re-PUT of the same bytes', async () => {
      const { interviewId, url, token, questionIds } = await invite();
      const [q1, q2] = questionIds as [string, string];
      const candidate = await openCandidate(url);
      const { page, context } = candidate;
      const statuses: number[] = [];
      page.on('response', (response) => {
        if (isChunkPut(response, 1)) statuses.push(response.status());
      });
      // The first PUT of chunk 1 reaches the server, but the browser is told the server failed.
      let lost = false;
      await context.route(/\/api\/candidate\/[^/]+\/answers\/[^/]+\/chunks\/1$/, async (route) => {
        if (route.request().method() !== 'PUT' || lost) return route.continue();
        lost = true;
        const stored = await route.fetch();
        expect(stored.status()).toBe(201);
        await route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'lost on the way' } }) });
      });
      await candidate.startInterview();
      const held1 = await candidate.record(4000);
      await expect.poll(() => statuses).toEqual([503, 200]);

      // The same bytes once more, from outside the app.
      const answer = await t.database.db.selectFrom('answers').select(['id']).where('interview_id', '=', interviewId).where('status', '=', 'recording').executeTakeFirstOrThrow();
      const chunk = await t.database.db.selectFrom('answer_chunks').selectAll().where('answer_id', '=', answer.id).where('seq', '=', 1).executeTakeFirstOrThrow();
      const again = await fetch(`${t.url}/api/candidate/${token}/answers/${answer.id}/chunks/1`, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream' },
        body: new Uint8Array(await bytesOf(chunk.storage_key)),
      });
      expect(again.status).toBe(200);
      expect(await again.json()).toMatchObject({ seq: 1, duplicate: true });
      const held = await t.database.db.selectFrom('answer_chunks').select(['seq']).where('answer_id', '=', answer.id).execute();
      expect(new Set(held.map((c) => c.seq)).size).toBe(held.length);

      await candidate.submitAnswer();
      const held2 = await answerLastQuestion(candidate);
      await expectStoredInterview(interviewId, questionIds, { [q1]: held1, [q2]: held2 });
      await context.close();
    }, 120_000);

    it('assembles chunks that reach the server out of order', async () => {
      const { interviewId, url, questionIds } = await invite();
      const [q1, q2] = questionIds as [string, string];
      const candidate = await openCandidate(url);
      const { page, context } = candidate;
      const order: number[] = [];
      let releaseChunk1!: () => void;
      const chunk2Stored = new Promise<void>((resolve) => (releaseChunk1 = resolve));
      page.on('response', (response) => {
        if (!isChunkPut(response) || response.status() !== 201) return;
        const seq = Number(response.url().split('/').pop());
        order.push(seq);
        if (seq === 2) releaseChunk1();
      });
      // Chunk 1 is held back until chunk 2 is stored.
      let held = false;
      await context.route(/\/api\/candidate\/[^/]+\/answers\/[^/]+\/chunks\/1$/, async (route) => {
        if (route.request().method() !== 'PUT' || held) return route.continue();
        held = true;
        await chunk2Stored;
        await route.continue();
      });
      await candidate.startInterview();
      const held1 = await candidate.record(5000);
      await expect.poll(() => order.includes(1)).toBe(true);
      expect(order.indexOf(2)).toBeLessThan(order.indexOf(1));
      await candidate.submitAnswer();
      const held2 = await answerLastQuestion(candidate);
      await expectStoredInterview(interviewId, questionIds, { [q1]: held1, [q2]: held2 });
      await context.close();
    }, 120_000);

    it('retries through a server restart during upload', async () => {
      const { interviewId, url, questionIds } = await invite();
      const [q1, q2] = questionIds as [string, string];
      const candidate = await openCandidate(url);
      const { context, page } = candidate;
      // When chunk 3 is on its way, the server stops; the request goes out while nothing listens, and the server
      // comes back 2 s later.
      const chunk3 = /\/api\/candidate\/[^/]+\/answers\/[^/]+\/chunks\/3$/;
      let restarting: Promise<void> | undefined;
      await context.route(chunk3, async (route) => {
        if (route.request().method() !== 'PUT' || restarting) return route.continue();
        restarting = t.restart({
          whileDown: async () => {
            await route.continue();
            await page.waitForTimeout(2000);
          },
        });
      });
      const failed: string[] = [];
      page.on('requestfailed', (request) => {
        if (request.method() === 'PUT' && chunk3.test(request.url())) failed.push(request.failure()?.errorText ?? 'failed');
      });
      await candidate.startInterview();
      const held1 = await candidate.record(8000);
      expect(restarting).toBeDefined();
      await restarting;
      await candidate.submitAnswer();
      const held2 = await answerLastQuestion(candidate);
      // The piece really was cut off, and sent again to the restarted server.
      expect(failed.length).toBeGreaterThanOrEqual(1);
      await expectStoredInterview(interviewId, questionIds, { [q1]: held1, [q2]: held2 });
      await context.close();
    }, 120_000);

    it('keeps a chunk answered 503 unavailable with Retry-After on the device and sends it again no sooner than asked', async () => {
      const { interviewId, url, questionIds } = await invite();
      const [q1, q2] = questionIds as [string, string];
      const candidate = await openCandidate(url);
      const { page } = candidate;
      // What the server answers when storage did not take a chunk (docs/candidate-api.md), but asking for
      // 2 s instead of its 1 s: the app's own first backoff (0.8 to 1.2 s) then cannot pass for honouring it.
      const retryAfterSeconds = 2;
      const unavailable = { error: { code: 'unavailable', message: 'The chunk could not be stored just now; send it again', retryAfterSeconds } };
      const chunk2 = /\/api\/candidate\/[^/]+\/answers\/([^/]+)\/chunks\/2$/;
      // Every PUT of a chunk 2 and its answer, by take, as the browser sent and got them.
      const sent: { answerId: string; at: number }[] = [];
      const answered: { answerId: string; status: number; at: number }[] = [];
      page.on('request', (request) => {
        const match = chunk2.exec(request.url());
        if (match && request.method() === 'PUT') sent.push({ answerId: match[1]!, at: Date.now() });
      });
      page.on('response', (response) => {
        if (isChunkPut(response, 2)) answered.push({ answerId: chunk2.exec(response.url())![1]!, status: response.status(), at: Date.now() });
      });
      // The first two PUTs of chunk 2 (of the first take) are refused; every other request reaches the server.
      let refusedTake: string | undefined;
      const ofRefusedTake = <T extends { answerId: string }>(list: T[]) => list.filter((entry) => entry.answerId === refusedTake);
      let refused = 0;
      let keptOnDevice: { answerId: string; seq: number; size: number }[] = [];
      await page.route(chunk2, async (route) => {
        if (route.request().method() !== 'PUT' || refused === 2) return route.fallback();
        refusedTake ??= chunk2.exec(route.request().url())![1]!;
        refused++;
        // Sent again after the first 503, so the app has not let go of it.
        if (refused === 2) keptOnDevice = await piecesOnDevice(page);
        await route.fulfill({ status: 503, headers: { 'retry-after': String(retryAfterSeconds) }, contentType: 'application/json', body: JSON.stringify(unavailable) });
      });
      await candidate.startInterview();
      const held1 = await candidate.record(6000);
      // Refused twice, then sent once more and stored by the real server.
      await expect.poll(() => ofRefusedTake(answered).map((a) => a.status), { timeout: 15_000 }).toEqual([503, 503, 201]);
      const sentAt = ofRefusedTake(sent).map((s) => s.at);
      const refusedAt = ofRefusedTake(answered).map((a) => a.at);
      expect(sentAt).toHaveLength(3);
      for (const i of [0, 1]) {
        // Measured here, from the browser's events as they reach the test: each can arrive late (59 ms once, with the
        // whole suite running), so 200 ms of slack; still far above the app's own first backoff (at most 1.2 s).
        expect(sentAt[i + 1]! - refusedAt[i]!, `wait after 503 number ${i + 1}`).toBeGreaterThanOrEqual(retryAfterSeconds * 1000 - 200);
      }
      expect(keptOnDevice).toContainEqual(expect.objectContaining({ answerId: refusedTake, seq: 2 }));

      await candidate.submitAnswer();
      const held2 = await answerLastQuestion(candidate);
      expect(await piecesOnDevice(page)).toEqual([]);
      // Before finalisation removes them: every piece of the take held once, chunk 2 as the device kept it.
      const db = t.database.db;
      const take = await db.selectFrom('answers').select(['chunk_count', 'bytes_received']).where('id', '=', refusedTake!).executeTakeFirstOrThrow();
      const chunks = await db.selectFrom('answer_chunks').select(['seq', 'size']).where('answer_id', '=', refusedTake!).orderBy('seq').execute();
      expect(chunks.map((c) => c.seq)).toEqual(Array.from({ length: Number(take.chunk_count) }, (_, seq) => seq));
      expect(chunks.reduce((sum, c) => sum + Number(c.size), 0)).toBe(Number(take.bytes_received));
      expect(Number(chunks[2]!.size)).toBe(keptOnDevice.find((p) => p.answerId === refusedTake && p.seq === 2)!.size);

      const { live } = await expectStoredInterview(interviewId, questionIds, { [q1]: held1, [q2]: held2 });
      expect(live.get(q1)!.id).toBe(refusedTake);
      await candidate.context.close();
    }, 120_000);
  }
});
