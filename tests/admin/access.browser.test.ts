import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminPage, describeViolations, ensureAdminAppBuilt } from '../support/admin-browser.ts';
import { launchBrowser } from '../support/browser.ts';
import { ApiClient, createPosition, startTestPlatform, type TestPlatform, type TestWorkspace } from '../support/test-platform.ts';

/**
 * Who may see what in the admin app: a reviewer joins by invitation and can review but not reach
 * settings or another workspace, in the UI or through the API; a member of two workspaces switches.
 */
describe('admin app access in Chromium', { timeout: 90_000 }, () => {
  let t: TestPlatform;
  let acme: TestWorkspace;
  let globex: TestWorkspace;
  let browser: Browser;
  let acmePositionId: string;
  let acmeInterviewId: string;
  let globexInterviewId: string;
  const reviewer = { name: 'Rita Reviewer', email: `rita.${Date.now().toString(36)}@example.com`, password: 'reviewer password 1' };

  beforeAll(async () => {
    await ensureAdminAppBuilt();
    t = await startTestPlatform('sqlite');
    acme = await t.createWorkspace('Acme');
    globex = await t.createWorkspace('Globex');
    acmePositionId = (await createPosition(acme.api, 'Support Engineer')).id;
    const globexPositionId = (await createPosition(globex.api, 'Globex Secret Role')).id;
    acmeInterviewId = (await acme.api.post(`/api/positions/${acmePositionId}/interviews`, { name: 'Casey Candidate', email: 'casey@example.com', sendEmail: false })).body.id;
    globexInterviewId = (await globex.api.post(`/api/positions/${globexPositionId}/interviews`, { name: 'Gina Globex', email: 'gina@example.com', sendEmail: false })).body.id;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  /** No serious or critical axe violation, and nothing wider than the window. */
  async function expectUsable(page: AdminPage) {
    const violations = await page.seriousAxeViolations();
    expect(violations, describeViolations(violations)).toEqual([]);
    expect(await page.horizontalOverflow(), 'the page scrolls sideways').toBe(0);
  }

  /** A request from the page itself, with its session cookie and CSRF token, as the app would send it. */
  function fetchAsPage(page: AdminPage, method: string, path: string, body?: unknown): Promise<number> {
    return page.page.evaluate(
      async ({ method, path, body }) => {
        const session = await (await fetch('/api/auth/session')).json();
        const res = await fetch(path, {
          method,
          headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return res.status;
      },
      { method, path, body },
    );
  }

  it('lets a new reviewer join through the invitation link', async () => {
    const invitation = await acme.session.post('/api/members/invitations', { email: reviewer.email, role: 'reviewer' });
    expect(invitation.status).toBe(201);
    const acceptUrl = new URL(invitation.body.acceptUrl);
    expect(acceptUrl.pathname).toBe('/admin/join');

    const page = await AdminPage.open(browser, t.url);
    await page.goto(acceptUrl.pathname + acceptUrl.search);
    await page.heading('Join Acme').waitFor();
    await page.page.getByText(`You are invited as a reviewer with ${reviewer.email}`).waitFor();
    await page.shot('join');
    await expectUsable(page);
    await page.page.getByLabel('Your name').fill(reviewer.name);
    await page.page.getByLabel('Choose a password').fill(reviewer.password);
    await page.button('Join Acme').click();
    await page.heading('Interview templates').waitFor();
    await page.page.getByRole('link', { name: 'Support Engineer', exact: true }).waitFor();
    expect(page.unexpectedErrors()).toEqual([]);
    await page.page.context().close();

    // The link works once.
    const again = await t.anonymous().get(`/api/member-invitations${acceptUrl.search}`);
    expect(again.status).toBe(409);
  });

  it('keeps a reviewer out of settings and other workspaces in the UI', async () => {
    const page = await AdminPage.open(browser, t.url);
    await page.goto('/admin/');
    await page.login(reviewer.email, reviewer.password);
    await page.heading('Interview templates').waitFor();
    const nav = page.page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Templates' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Settings' }).count()).toBe(0);
    expect(await page.link('New template').count()).toBe(0);
    expect(await page.button(/Duplicate|Archive/).count()).toBe(0);

    // The pipeline is readable, without inviting or bulk actions.
    await page.link('Support Engineer').click();
    await page.heading('Support Engineer').waitFor();
    await page.page.locator('pipeline-table tbody tr', { hasText: 'Casey Candidate' }).waitFor();
    expect(await page.button('Invite candidates').count()).toBe(0);
    expect(await page.page.locator('pipeline-table').getByRole('checkbox').count()).toBe(0);
    await expectUsable(page);

    // Reviewers open an interview but cannot cancel or resend it.
    await page.page.locator('pipeline-table').getByRole('link', { name: 'Casey Candidate' }).click();
    await page.heading('Casey Candidate').waitFor();
    expect(await page.button('Cancel invitation').count()).toBe(0);
    expect(await page.button('Email the invitation again').count()).toBe(0);

    for (const path of ['/admin/settings/members', '/admin/settings/api-keys', '/admin/settings/webhooks', '/admin/settings/emails', '/admin/templates/new', `/admin/templates/${acmePositionId}/edit`]) {
      await page.goto(path);
      await page.heading("You don't have access to this page").waitFor();
    }
    await page.shot('reviewer-forbidden');
    await expectUsable(page);

    // Another workspace's interview, by its private link, is simply not there.
    await page.goto(`/admin/interviews/${globexInterviewId}`);
    await page.heading('Interview not found').waitFor();
    expect(await page.page.getByText('Gina Globex').count()).toBe(0);
    expect(await page.page.locator('workspace-switcher select').count()).toBe(0);
    expect(page.unexpectedErrors()).toEqual([]);

    // The API refuses the same things to the page's own session.
    expect(await fetchAsPage(page, 'GET', '/api/api-keys')).toBe(403);
    expect(await fetchAsPage(page, 'POST', '/api/api-keys', { name: 'sneaky' })).toBe(403);
    expect(await fetchAsPage(page, 'GET', '/api/webhooks')).toBe(403);
    expect(await fetchAsPage(page, 'GET', '/api/webhooks/secret')).toBe(403);
    expect(await fetchAsPage(page, 'GET', '/api/members/invitations')).toBe(403);
    expect(await fetchAsPage(page, 'POST', '/api/members/invitations', { email: 'x@example.com', role: 'owner' })).toBe(403);
    expect(await fetchAsPage(page, 'GET', '/api/emails')).toBe(403);
    expect(await fetchAsPage(page, 'POST', `/api/positions/${acmePositionId}/interviews`, { name: 'X', email: 'x@example.com' })).toBe(403);
    expect(await fetchAsPage(page, 'POST', '/api/auth/workspace', { workspaceId: globex.workspaceId })).toBe(403);
    expect(await fetchAsPage(page, 'GET', `/api/interviews/${globexInterviewId}`)).toBe(404);
    expect(await fetchAsPage(page, 'GET', `/api/interviews/${acmeInterviewId}`)).toBe(200);
    await page.page.context().close();
  });

  it('refuses the same to the reviewer through the API without the app', async () => {
    const api = new ApiClient(t.url);
    expect((await api.login(reviewer.email, reviewer.password)).status).toBe(200);
    expect((await api.get('/api/api-keys')).status).toBe(403);
    expect((await api.get('/api/webhooks')).status).toBe(403);
    expect((await api.patch(`/api/members/${acme.ownerId}`, { role: 'reviewer' })).status).toBe(403);
    expect((await api.post('/api/auth/workspace', { workspaceId: globex.workspaceId })).status).toBe(403);
    expect((await api.get(`/api/interviews/${globexInterviewId}`)).status).toBe(404);
    const positions = (await api.get('/api/positions')).body.items.map((p: { name: string }) => p.name);
    expect(positions).toEqual(['Support Engineer']);
    const live = await fetch(`${t.url}/api/live`, { headers: { cookie: api.cookie! } });
    expect(live.status).toBe(200);
    await live.body?.cancel();
  });

  it('lets a member of two workspaces switch between them', async () => {
    // Acme's owner is invited to Globex as an admin and joins with the account they already have.
    const invitation = await globex.session.post('/api/members/invitations', { email: acme.owner.email, role: 'admin' });
    const acceptUrl = new URL(invitation.body.acceptUrl);
    const page = await AdminPage.open(browser, t.url);
    await page.goto(acceptUrl.pathname + acceptUrl.search);
    await page.heading('Join Globex').waitFor();
    await page.page.getByText('You already have an account').waitFor();
    await page.page.getByLabel('Password').fill(acme.owner.password);
    await page.button('Join Globex').click();
    await page.heading('Interview templates').waitFor();

    // Joining opens the new workspace; the switcher goes back and forth.
    const switcher = page.page.getByLabel('Workspace');
    await page.page.getByRole('link', { name: 'Globex Secret Role', exact: true }).waitFor();
    expect(await switcher.inputValue()).toBe(globex.workspaceId);
    await page.shot('workspace-switcher');
    await switcher.selectOption(acme.workspaceId);
    await page.page.getByRole('link', { name: 'Support Engineer', exact: true }).waitFor();
    expect(await page.page.getByRole('link', { name: 'Globex Secret Role', exact: true }).count()).toBe(0);
    await page.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).waitFor();
    await expectUsable(page);

    // A private link of the other workspace says where to look.
    await page.goto(`/admin/interviews/${globexInterviewId}`);
    await page.heading('Interview not found').waitFor();
    await page.page.getByText('switch workspace at the top').waitFor();
    await page.page.getByLabel('Workspace').selectOption(globex.workspaceId);
    await page.page.getByRole('link', { name: 'Globex Secret Role', exact: true }).waitFor();
    await page.goto(`/admin/interviews/${globexInterviewId}`);
    await page.heading('Gina Globex').waitFor();
    expect(page.unexpectedErrors()).toEqual([]);
    await page.page.context().close();
  });
});
