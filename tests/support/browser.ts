import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { outputPath } from './media-fixtures.ts';

/** Debian's Chromium driven by playwright-core, with a fake camera and microphone that need no permission prompt. */

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const screenshotDir = path.resolve('test-output/screenshots');

const baseArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  // Timers and MediaRecorder keep their pace in a page the headless window does not "show".
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  '--autoplay-policy=no-user-gesture-required',
];

export function chromiumAvailable(): boolean {
  return existsSync(chromiumPath);
}

export interface LaunchOptions {
  /** A .y4m file the fake camera plays in a loop instead of Chromium's built-in pattern. */
  fakeVideoFile?: string;
}

export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  const args = [...baseArgs];
  if (options.fakeVideoFile) args.push(`--use-file-for-fake-video-capture=${options.fakeVideoFile}`);
  return chromium.launch({ executablePath: chromiumPath, headless: true, args });
}

export interface ContextOptions {
  origin?: string;
  viewport?: { width: number; height: number };
  /** A phone: the page's viewport meta tag applies, touch input, a device scale factor of 3. */
  phone?: boolean;
}

/** A fresh profile per test (its own IndexedDB) that may use the camera and microphone. */
export async function newCandidateContext(browser: Browser, options: ContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1100, height: 900 },
    ...(options.phone && { isMobile: true, hasTouch: true, deviceScaleFactor: 3 }),
  });
  await context.grantPermissions(['camera', 'microphone'], options.origin ? { origin: options.origin } : undefined);
  return context;
}

/** A test pattern camera clip made by ffmpeg, for `fakeVideoFile`. */
export async function fakeCameraClip(seconds = 5): Promise<string> {
  const file = await outputPath(`camera-${seconds}s.y4m`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn('ffmpeg', [
      '-hide_banner', '-nostdin', '-loglevel', 'error', '-y',
      '-f', 'lavfi', '-i', `testsrc2=size=640x480:rate=15:duration=${seconds}`,
      '-pix_fmt', 'yuv420p', file,
    ]);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${code}: ${stderr}`))));
  });
  return file;
}

/** Saves a full-page screenshot as test-output/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name.replace(/[^a-z0-9._-]+/gi, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
  return file;
}

/** Collects the page's console errors and uncaught exceptions, to show when a test fails. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.stack ?? error.message}`));
  return errors;
}
