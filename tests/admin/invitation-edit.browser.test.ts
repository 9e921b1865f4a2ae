import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeOwnerSession, openOwnerSession, type AdminPage } from '../support/admin-browser.ts';
import { describeViolations } from '../support/axe.ts';
import { createPosition, type TestPlatform, type TestWorkspace } from '../support/test-platform.ts';

/** An admin fixes an invitation before the candidate submits: details, deadline, reviewer, and a new address emailed. */
describe('editing an invitation in Chromium', { timeout: 60_000 }, () => {
  let t: TestPlatform;
  let ws: TestWorkspace;
  let browser: Browser;
  let admin: AdminPage;

  beforeAll(async () => {
    ({ t, ws, browser, admin } = await openOwnerSession({ startAt: '/admin/templates' }));
  });

  afterAll(() => closeOwnerSession({ t, browser }));

  it('corrects the email, clears the deadline, assigns a reviewer and emails the invitation to the new address', async () => {
    const position = await createPosition(ws.api, 'Gardener');
    const reviewer = await t.joinMember(ws, 'reviewer');
    const invited = (await ws.api.post(`/api/positions/${position.id}/interviews`, {
      firstName: 'Ivy',
      lastName: 'Invited',
      email: 'ivy@exmaple.com',
      sendEmail: false,
      expiresAt: Date.now() + 7 * 86400_000,
    })).body;
    await admin.goto(`/admin/interviews/${invited.id}`);
    await admin.button('Edit invitation').click();
    const dialog = admin.page.getByRole('dialog', { name: 'Edit the invitation of Ivy Invited' });
    await dialog.waitFor();
    expect(await dialog.getByLabel('Email', { exact: true }).inputValue()).toBe('ivy@exmaple.com');
    expect(await dialog.getByLabel('Deadline').inputValue()).not.toBe('');
    const violations = await admin.seriousAxeViolations();
    expect(violations, describeViolations(violations)).toEqual([]);

    // A wrong address is explained at the field, and nothing is saved.
    await dialog.getByLabel('Email', { exact: true }).fill('ivy@');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.getByText('must be a valid email address').waitFor();
    expect(await dialog.getByLabel('Email', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect((await ws.api.get(`/api/interviews/${invited.id}`)).body.candidate.email).toBe('ivy@exmaple.com');

    await dialog.getByLabel('Email', { exact: true }).fill('ivy@example.com');
    const resend = dialog.getByLabel('Email the invitation to the new address');
    expect(await resend.isChecked()).toBe(true);
    await dialog.getByLabel('Deadline').fill('');
    await dialog.getByLabel('Reviewer').selectOption(reviewer.userId);
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const card = admin.page.locator('candidate-card');
    await card.getByText('ivy@example.com').waitFor();
    expect(await card.getByText('Deadline').count()).toBe(0);
    const saved = (await ws.api.get(`/api/interviews/${invited.id}`)).body;
    expect(saved).toMatchObject({ candidate: { email: 'ivy@example.com' }, expiresAt: null, reviewerId: reviewer.userId });
    const emails = (await ws.api.get(`/api/emails?interviewId=${invited.id}`)).body.items;
    expect(emails.map((e: { kind: string; to: string }) => [e.kind, e.to])).toEqual([['invitation', 'ivy@example.com']]);
    // The focus is back on the button that opened the dialog.
    expect(await admin.button('Edit invitation').evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);

    // Once the invitation is cancelled there is nothing left to edit.
    expect((await ws.api.post(`/api/interviews/${invited.id}/cancel`)).status).toBe(200);
    await admin.page.reload();
    await admin.page.locator('candidate-card').getByText('ivy@example.com').waitFor();
    expect(await admin.button('Edit invitation').count()).toBe(0);
    expect(admin.unexpectedErrors()).toEqual([]);
  });

  it('saves only what was changed, and closes with the reason when the invitation was closed meanwhile', async () => {
    const position = await createPosition(ws.api, 'Baker');
    // An ATS's deadline: not the end of a local day.
    const expiresAt = Date.now() + 5 * 86400_000 + 12_345;
    const invited = (await ws.api.post(`/api/positions/${position.id}/interviews`, { firstName: 'Bo', lastName: 'Baker', email: 'bo@example.com', sendEmail: false, expiresAt, reviewerId: ws.ownerId })).body;
    await admin.goto(`/admin/interviews/${invited.id}`);
    await admin.button('Edit invitation').click();
    const dialog = admin.page.getByRole('dialog', { name: 'Edit the invitation of Bo Baker' });
    await dialog.getByLabel('Phone').fill('+44 20 7946 0001');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await admin.page.locator('candidate-card').getByText('+44 20 7946 0001').waitFor();
    expect((await ws.api.get(`/api/interviews/${invited.id}`)).body).toMatchObject({ expiresAt, reviewerId: ws.ownerId, candidate: { phone: '+44 20 7946 0001', email: 'bo@example.com' } });

    await admin.button('Edit invitation').click();
    await dialog.getByLabel('Last name').fill('Bakewell');
    expect((await ws.api.post(`/api/interviews/${invited.id}/cancel`)).status).toBe(200);
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await admin.page.getByRole('alert').filter({ hasText: 'Not saved: A cancelled interview cannot be edited' }).waitFor();
    await expect.poll(() => admin.button('Edit invitation').count()).toBe(0);
    expect((await ws.api.get(`/api/interviews/${invited.id}`)).body.candidate.lastName).toBe('Baker');
  });
});
