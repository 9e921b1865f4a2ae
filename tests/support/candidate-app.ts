import type { BrowserContext, Locator, Page } from 'playwright-core';
import { collectPageErrors, screenshot } from './browser.ts';
import { ensureWebAppBuilt } from './web-app-build.ts';

/** The built candidate app for browser tests, and a page object that drives it the way a candidate would. */

/** Builds web-candidate into dist/web-candidate unless the build is newer than every source file. */
export const ensureCandidateAppBuilt = (): Promise<void> => ensureWebAppBuilt('web-candidate');

export class CandidatePage {
  readonly errors: string[];

  constructor(
    readonly page: Page,
    readonly context: BrowserContext,
  ) {
    this.errors = collectPageErrors(page);
    // The app asks before leaving with unsent pieces; a candidate who reloads says yes.
    page.on('dialog', (dialog) => void dialog.accept());
  }

  static async open(context: BrowserContext, url: string): Promise<CandidatePage> {
    const candidate = new CandidatePage(await context.newPage(), context);
    await candidate.page.goto(url);
    return candidate;
  }

  heading(): Locator {
    return this.page.getByRole('heading', { level: 1 });
  }

  button(name: RegExp | string): Locator {
    return this.page.getByRole('button', { name });
  }

  uploadStatus(): Locator {
    return this.page.locator('upload-status .bar');
  }

  async shot(name: string): Promise<void> {
    await screenshot(this.page, name);
  }

  /** Welcome page → device check → first open question. */
  async startInterview(): Promise<void> {
    await this.button(/^(Start|Continue) interview$/).click();
    await this.passDeviceCheck();
  }

  /** The device check, once the camera shows, → the question. */
  async passDeviceCheck(): Promise<void> {
    await this.heading().filter({ hasText: 'Check your camera and microphone' }).waitFor();
    await this.page.locator('device-check video').first().waitFor();
    await this.button(/^Continue to (the first )?question/).click();
    await this.page.getByText(/^Question \d+ of \d+$/).waitFor();
  }

  async questionNumber(): Promise<string> {
    return (await this.page.getByText(/^Question \d+ of \d+$/).textContent()) ?? '';
  }

  /** Starts recording (skipping any think time) and resolves once the recorder runs. */
  async startRecording(): Promise<void> {
    await this.button(/^Start recording( now)?$/).click();
    await this.button('Stop recording').waitFor();
  }

  async stopRecording(): Promise<void> {
    await this.button('Stop recording').click();
    await this.button('Submit answer').waitFor();
  }

  /** Records for about `ms` and stops; returns how long the recorder ran as the test saw it. */
  async record(ms: number, during?: () => Promise<void>): Promise<number> {
    await this.startRecording();
    const started = Date.now();
    if (during) await during();
    const left = ms - (Date.now() - started);
    if (left > 0) await this.page.waitForTimeout(left);
    await this.stopRecording();
    return Date.now() - started;
  }

  async submitAnswer(): Promise<void> {
    const before = await this.questionNumber().catch(() => '');
    await this.button('Submit answer').click();
    // The next question, the device check before it (no camera yet, after a reload), or the done page.
    await this.page.waitForFunction(
      (previous) => {
        const app = document.querySelector('interview-app');
        const root = app?.shadowRoot;
        if (!root) return false;
        if (root.querySelector('done-page') || root.querySelector('device-check')) return true;
        const progress = root.querySelector('question-recorder')?.shadowRoot?.querySelector('interview-progress');
        const text = progress?.shadowRoot?.querySelector('span')?.textContent ?? '';
        return text !== '' && text !== previous;
      },
      before,
    );
  }

  async recordAgain(): Promise<void> {
    await this.button(/^Record again \(\d+ left\)$/).click();
    await this.button(/^Start recording( now)?$/).waitFor();
  }

  /** Resolves once the done page says every answer is uploaded. */
  async waitUntilAllUploaded(timeout = 60_000): Promise<void> {
    await this.heading().filter({ hasText: /^Thank you/ }).waitFor({ timeout });
    await this.page.getByText('All your answers are uploaded.').waitFor({ timeout });
  }

  /** Pieces not yet acknowledged, as the upload status shows them. */
  async pendingPieces(): Promise<number> {
    return Number((await this.uploadStatus().getAttribute('data-pending')) ?? '0');
  }
}
