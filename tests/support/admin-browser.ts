import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { collectPageErrors, screenshot } from './browser.ts';
import { ensureWebAppBuilt, repoRoot } from './web-app-build.ts';

/** The built admin app for browser tests, and a page object that drives it the way a recruiter would. */

export const axePath = path.join(repoRoot, 'node_modules/axe-core/axe.min.js');

/** Builds web-admin into dist/web-admin unless the build is newer than every source file. */
export const ensureAdminAppBuilt = (): Promise<void> => ensureWebAppBuilt('web-admin');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

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

  /** Runs axe-core on the page as it is (open shadow roots included) and returns the serious and critical violations. */
  async seriousAxeViolations(): Promise<AxeViolation[]> {
    await this.page.addScriptTag({ path: axePath });
    const violations = await this.page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (ctx?: unknown, options?: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
      const result = await axe.run(document, { resultTypes: ['violations'] });
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
    });
    return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  }
}

/** A readable list of axe violations for an assertion message. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations.map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `  ${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`).join('\n')}`).join('\n');
}
