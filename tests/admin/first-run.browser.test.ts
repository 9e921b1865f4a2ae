import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminPage, describeViolations, ensureAdminAppBuilt } from '../support/admin-browser.ts';
import { launchBrowser } from '../support/browser.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

/** A server nobody has set up yet: the admin app asks for the first workspace and its owner. */
describe('admin app first run in Chromium', { timeout: 60_000 }, () => {
  let t: TestPlatform;
  let browser: Browser;

  beforeAll(async () => {
    await ensureAdminAppBuilt();
    t = await startTestPlatform('sqlite');
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('creates the first workspace and owner, then is set up for good', async () => {
    expect((await t.anonymous().get('/api/setup')).body).toEqual({ needsSetup: true });
    const page = await AdminPage.open(browser, t.url);
    await page.goto('/admin/');
    await page.heading('Set up your interview platform').waitFor();
    expect(new URL(page.page.url()).pathname).toBe('/admin/setup');
    await page.shot('setup');
    const violations = await page.seriousAxeViolations();
    expect(violations, describeViolations(violations)).toEqual([]);

    await page.page.getByLabel('Workspace name').fill('Initech');
    await page.page.getByLabel('Your name').fill('Peter Gibbons');
    await page.page.getByLabel('Your email').fill('peter@initech.example');
    await page.page.getByLabel('Password').fill('short');
    await page.button('Create workspace and log in').click();
    await page.page.locator('#password-note.field-error').waitFor();
    expect(await page.page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');

    await page.page.getByLabel('Password').fill('a long enough password');
    await page.button('Create workspace and log in').click();
    await page.heading('Interview templates').waitFor();
    await page.page.getByText('Initech').first().waitFor();
    expect((await t.anonymous().get('/api/setup')).body).toEqual({ needsSetup: false });

    // Once set up, the page sends logged-in people on, and nobody can run it again.
    await page.goto('/admin/setup');
    await page.heading('Interview templates').waitFor();
    const again = await t.anonymous().post('/api/setup', { workspaceName: 'X', name: 'X', email: 'x@example.com', password: 'another long password' });
    expect(again.status).toBe(409);
    expect(page.unexpectedErrors()).toEqual([]);
    await page.page.context().close();
  });
});
