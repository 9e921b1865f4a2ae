import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { seriousAxeViolations, type AxeViolation } from './axe.ts';
import { collectPageErrors, launchBrowser, screenshot } from './browser.ts';
import { startTestPlatform, type TestPlatform, type TestWorkspace } from './test-platform.ts';
import { ensureWebAppBuilt } from './web-app-build.ts';

export { describeViolations } from './axe.ts';

/** The built admin app for browser tests, and a page object that drives it the way a recruiter would. */

/** Builds web-admin into dist/web-admin unless the build is newer than every source file. */
export const ensureAdminAppBuilt = (): Promise<void> => ensureWebAppBuilt('web-admin');

export class AdminPage {
  readonly errors: string[];

  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {
    this.errors = collectPageErrors(page);
  }

  static async open(browser: Browser, baseUrl: string, viewport = { width: 1280, height: 860 }): Promise<AdminPage> {
    const context: BrowserContext = await browser.newContext({ viewport });
    return new AdminPage(await context.newPage(), baseUrl);
  }

  /** Uncaught exceptions and console errors; the browser logging a 4xx the app handled (the session probe, a refused form) is expected. */
  unexpectedErrors(): string[] {
    return this.errors.filter((e) => e.startsWith('pageerror') || (e.startsWith('console') && !/the server responded with a status of 4\d\d/.test(e)));
  }

  goto(appPath: string) {
    return this.page.goto(`${this.baseUrl}${appPath}`);
  }

  heading(name?: string | RegExp): Locator {
    return this.page.getByRole('heading', { level: 1, ...(name ? { name } : {}) });
  }

  button(name: string | RegExp): Locator {
    return this.page.getByRole('button', { name });
  }

  link(name: string | RegExp): Locator {
    return this.page.getByRole('link', { name });
  }

  async login(email: string, password: string): Promise<void> {
    await this.heading('Log in').waitFor();
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByLabel('Password').fill(password);
    await this.button('Log in').click();
    await this.page.getByRole('button', { name: 'Log out' }).waitFor();
  }

  /** Saves test-output/screenshots/admin-<name>.png. */
  async shot(name: string): Promise<string> {
    await this.page.evaluate(() => document.fonts.ready);
    return screenshot(this.page, `admin-${name}`);
  }

  /** How many pixels the page is wider than the window (0 when nothing scrolls sideways). */
  horizontalOverflow(): Promise<number> {
    return this.page.evaluate(() => Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth));
  }

  /** The page's serious and critical axe violations (see axe.ts). */
  seriousAxeViolations(): Promise<AxeViolation[]> {
    return seriousAxeViolations(this.page);
  }
}


/** What most admin suites start from: a platform with one workspace, Chromium, and the workspace's owner logged in. */
export interface OwnerSession {
  t: TestPlatform;
  ws: TestWorkspace;
  browser: Browser;
  admin: AdminPage;
}

/**
 * Builds the admin app if needed, starts a platform (SQLite) with one workspace, opens Chromium and logs the owner
 * in at `startAt`, which may set up data first (it gets the platform and workspace). Stops what it started if any step fails.
 */
export async function openOwnerSession(options: {
  startAt: string | ((t: TestPlatform, ws: TestWorkspace) => Promise<string>);
  platform?: Parameters<typeof startTestPlatform>[1];
}): Promise<OwnerSession> {
  await ensureAdminAppBuilt();
  const t = await startTestPlatform('sqlite', options.platform);
  let browser: Browser | undefined;
  try {
    const ws = await t.createWorkspace();
    const startAt = typeof options.startAt === 'string' ? options.startAt : await options.startAt(t, ws);
    browser = await launchBrowser();
    const admin = await AdminPage.open(browser, t.url);
    await admin.goto(startAt);
    await admin.login(ws.owner.email, ws.owner.password);
    return { t, ws, browser, admin };
  } catch (error) {
    await closeOwnerSession({ t, browser });
    throw error;
  }
}

/** Closes Chromium and stops the platform; either may be missing (a setup that failed early). */
export async function closeOwnerSession(session: { t?: TestPlatform; browser?: Browser }): Promise<void> {
  await session.browser?.close();
  await session.t?.stop();
}
