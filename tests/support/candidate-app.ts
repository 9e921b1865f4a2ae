import type { BrowserContext, JSHandle, Locator, Page } from 'playwright-core';
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

/** The element that has keyboard focus, through shadow roots; a handle to null when nothing has. Dispose of it after use. */
function focusedElement(page: Page): Promise<JSHandle<Element | null>> {
  return page.evaluateHandle(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return el;
  });
}

/** The element that has keyboard focus, through shadow roots, as "tag: name" (aria-label, a label's text, or its own text). */
export async function describeFocused(page: Page): Promise<string> {
  const focused = await focusedElement(page);
  try {
    return await focused.evaluate((el) => {
      if (!el || el === document.body) return 'nothing';
      const labels = (el as HTMLSelectElement).labels;
      const name = el.getAttribute('aria-label') ?? (labels?.[0]?.textContent || el.textContent || '');
      return `${el.tagName.toLowerCase()}: ${name.replace(/\s+/g, ' ').trim()}`;
    });
  } finally {
    await focused.dispose();
  }
}

/** Whether `target` is the element that has keyboard focus (through shadow roots). */
export async function isFocused(target: Locator): Promise<boolean> {
  const focused = await focusedElement(target.page());
  try {
    return await target.evaluate((target, el) => el === target, focused);
  } finally {
    await focused.dispose();
  }
}

/**
 * Presses Tab (Shift+Tab with `backwards`) until `target` has focus, at most `maxPresses` times.
 * Returns what had focus after each press; throws with that path when `target` was not reached.
 */
export async function tabTo(page: Page, target: Locator, options: { backwards?: boolean; maxPresses?: number } = {}): Promise<string[]> {
  const path: string[] = [];
  for (let i = 0; i < (options.maxPresses ?? 20); i++) {
    await page.keyboard.press(options.backwards ? 'Shift+Tab' : 'Tab');
    path.push(await describeFocused(page));
    if (await isFocused(target)) return path;
  }
  throw new Error(`${options.backwards ? 'Shift+Tab' : 'Tab'} never reached ${target}; focus went ${path.join(' → ')}`);
}
