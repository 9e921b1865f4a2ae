import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeOwnerSession, describeViolations, openOwnerSession, type AdminPage } from '../support/admin-browser.ts';
import { createPosition, type TestPlatform, type TestWorkspace } from '../support/test-platform.ts';

/** A pipeline with more candidates than a page: pages, sorting, selecting a page, and rows an ATS adds while it is open. */
describe('a long pipeline in Chromium', { timeout: 90_000 }, () => {
  let t: TestPlatform;
  let ws: TestWorkspace;
  let browser: Browser;
  let admin: AdminPage;
  let positionId: string;
  const names = Array.from({ length: 30 }, (_, i) => `Candidate ${String(i + 1).padStart(2, '0')}`);

  beforeAll(async () => {
    ({ t, ws, browser, admin } = await openOwnerSession({
      startAt: async (_t, workspace) => {
        positionId = (await createPosition(workspace.api, 'Warehouse Lead')).id;
        const report = await workspace.api.post(`/api/positions/${positionId}/interviews/bulk`, {
          candidates: names.map((name, i) => ({ name, email: `c${i + 1}@example.com` })),
          sendEmail: false,
        });
        expect(report.body.created).toBe(30);
        return `/admin/templates/${positionId}`;
      },
    }));
    await admin.heading('Warehouse Lead').waitFor();
  });

  afterAll(() => closeOwnerSession({ t, browser }));

  const rows = () => admin.page.locator('pipeline-table tbody tr');
  const firstNames = () => admin.page.locator('pipeline-table tbody tr .candidate a').allTextContents();

  it('pages through the invitations and keeps the page in the URL', async () => {
    await admin.page.getByText('Showing 1–25 of 30').waitFor();
    expect(await rows().count()).toBe(25);
    await admin.button('Next page').click();
    await admin.page.getByText('Showing 26–30 of 30').waitFor();
    expect(await rows().count()).toBe(5);
    expect(new URL(admin.page.url()).searchParams.get('page')).toBe('2');
    await admin.page.reload();
    await admin.page.getByText('Showing 26–30 of 30').waitFor();
    await admin.page.getByLabel('Rows per page').selectOption('50');
    await admin.page.getByText('Showing 1–30 of 30').waitFor();
    const violations = await admin.seriousAxeViolations();
    expect(violations, describeViolations(violations)).toEqual([]);
  });

  it('sorts by name both ways, with the column saying how it is sorted', async () => {
    const nameHeader = admin.page.locator('pipeline-table').getByRole('button', { name: 'Candidate' });
    await nameHeader.click();
    await expect.poll(async () => (await firstNames())[0]).toBe('Candidate 01');
    expect(await admin.page.locator('pipeline-table th[aria-sort="ascending"]').textContent()).toContain('Candidate');
    await nameHeader.click();
    await expect.poll(async () => (await firstNames())[0]).toBe('Candidate 30');
    // Keyboard users sort too: the header is a button.
    await nameHeader.focus();
    await admin.page.keyboard.press('Enter');
    await expect.poll(async () => (await firstNames())[0]).toBe('Candidate 01');
  });

  it('selects a whole page and reminds everyone on it', async () => {
    await admin.page.getByLabel('Rows per page').selectOption('25');
    await admin.page.getByRole('checkbox', { name: 'Select all on this page' }).check();
    await admin.page.getByText('25 candidates selected').waitFor();
    await admin.button('Remind: email the invitation again').click();
    await admin.page.getByText('Invitation emailed again to 25 candidates.').waitFor();
    const emails = (await ws.api.get('/api/emails?limit=200')).body.items.filter((e: { kind: string }) => e.kind === 'invitation');
    expect(emails).toHaveLength(25);
  });

  it('shows a candidate an ATS invites while the pipeline is open', async () => {
    await admin.page.getByLabel('Search').fill('');
    const created = await ws.api.post(`/api/positions/${positionId}/interviews`, { name: 'Zed Newcomer', email: 'zed@example.com', sendEmail: false });
    expect(created.status).toBe(201);
    await admin.page.getByText('Showing 1–25 of 31').waitFor({ timeout: 15_000 });
    // Another position's invitation does not land here.
    const other = (await createPosition(ws.api, 'Other role')).id;
    await ws.api.post(`/api/positions/${other}/interviews`, { name: 'Olga Elsewhere', email: 'olga@example.com', sendEmail: false });
    await ws.api.post(`/api/interviews/${created.body.id}/cancel`);
    await admin.page.getByLabel('Search').fill('zed');
    await admin.page.locator('pipeline-table tbody tr', { hasText: 'Zed Newcomer' }).locator('status-badge').getByText('Cancelled', { exact: true }).waitFor({ timeout: 15_000 });
    await admin.page.getByLabel('Search').fill('');
    await admin.page.getByText('Showing 1–25 of 31').waitFor();
    expect(await admin.page.getByText('Olga Elsewhere').count()).toBe(0);
  });

  it('drops a selected row from the selection when it leaves the filtered view live', async () => {
    const starter = (await ws.api.post(`/api/positions/${positionId}/interviews`, { name: 'Stella Starter', email: 'stella@example.com', sendEmail: false })).body;
    await admin.page.getByLabel('Search').fill('stella');
    await admin.page.getByLabel('Status', { exact: true }).selectOption('pending');
    const stella = admin.page.locator('pipeline-table tbody tr', { hasText: 'Stella Starter' });
    await stella.getByRole('checkbox').check();
    await admin.page.getByText('1 candidate selected').waitFor();
    // An ATS cancels it: no longer pending, so out of this view and out of the selection.
    expect((await ws.api.post(`/api/interviews/${starter.id}/cancel`)).status).toBe(200);
    await admin.page.getByText('No invitations match these filters.').waitFor({ timeout: 15_000 });
    await admin.page.getByText('1 candidate selected').waitFor({ state: 'detached' });
    await admin.page.getByLabel('Status', { exact: true }).selectOption('');
    await stella.waitFor();
    expect(await stella.getByRole('checkbox').isChecked()).toBe(false);
    expect((await ws.api.delete(`/api/interviews/${starter.id}`)).status).toBe(200);
  });

  it('deletes a selected invitation after asking', async () => {
    await admin.page.getByLabel('Search').fill('zed');
    const zed = admin.page.locator('pipeline-table tbody tr', { hasText: 'Zed Newcomer' });
    await zed.getByRole('checkbox').check();
    await admin.page.getByText('1 candidate selected').waitFor();
    // Other filters show other rows: the selection goes, so nothing hidden is counted or acted on.
    await admin.page.getByLabel('Search').fill('candidate');
    await admin.page.getByText('1 candidate selected').waitFor({ state: 'detached' });
    await admin.page.getByLabel('Search').fill('zed');
    await zed.getByRole('checkbox').check();
    await admin.button(/^Delete$/).click();
    await admin.page.getByRole('dialog', { name: 'Delete 1 candidate?' }).getByRole('button', { name: 'Delete for good' }).click();
    await admin.page.getByText('Deleted 1 candidate.').waitFor();
    await admin.page.getByText('No invitations match these filters.').waitFor();
    const left = (await ws.api.get(`/api/interviews?positionId=${positionId}&q=zed`)).body.items;
    expect(left).toEqual([]);
    expect(admin.unexpectedErrors()).toEqual([]);
  });
});
