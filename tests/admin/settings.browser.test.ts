import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeOwnerSession, openOwnerSession, type AdminPage } from '../support/admin-browser.ts';
import { isFocused } from '../support/keyboard-focus.ts';
import { ApiClient, type TestPlatform, type TestWorkspace } from '../support/test-platform.ts';
import { WebhookReceiver } from '../webhooks/webhook-receiver.ts';

/** The settings an owner changes: members' roles, key rotation and revocation, webhook edits and the signing secret. */
describe('workspace settings in Chromium', { timeout: 60_000 }, () => {
  let t: TestPlatform;
  let ws: TestWorkspace;
  let browser: Browser;
  let admin: AdminPage;

  beforeAll(async () => {
    ({ t, ws, browser, admin } = await openOwnerSession({ startAt: '/admin/settings/members', platform: { env: { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' } } }));
  });

  afterAll(() => closeOwnerSession({ t, browser }));

  it("invites a member, changes the member's role and removes them", async () => {
    await admin.heading('Settings').waitFor();
    await admin.page.getByLabel('Email').fill('bob@example.com');
    await admin.page.getByLabel('Role').selectOption('admin');
    await admin.button('Send invitation').click();
    const link = admin.page.getByLabel('Invitation link');
    await link.waitFor();
    const acceptUrl = new URL(await link.inputValue());
    expect(acceptUrl.pathname).toBe('/admin/join');
    await admin.page.locator('members-settings tbody tr', { hasText: 'bob@example.com' }).waitFor();

    const bob = new ApiClient(t.url);
    expect((await bob.post('/api/member-invitations/accept', { token: acceptUrl.searchParams.get('token'), name: 'Bob Builder', password: 'bob password 12' })).status).toBe(200);
    await admin.page.reload();
    await admin.page.getByLabel('Role of Bob Builder').selectOption('reviewer');
    await expect.poll(async () => (await ws.session.get('/api/members')).body.items.find((m: { name: string }) => m.name === 'Bob Builder')?.role).toBe('reviewer');
    await admin.button('Remove Bob Builder').click();
    await admin.page.getByRole('dialog', { name: 'Remove Bob Builder?' }).getByRole('button', { name: 'Remove' }).click();
    await expect.poll(async () => (await ws.session.get('/api/members')).body.items.length).toBe(1);
    expect((await bob.login('bob@example.com', 'bob password 12')).body.workspaceId).toBeNull();
  });

  it('rotates an API key (the old secret stops working) and revokes it', async () => {
    await admin.goto('/admin/settings/api-keys');
    await admin.page.locator('api-keys-settings tbody tr', { hasText: 'Test ATS' }).waitFor();
    await admin.button('Rotate Test ATS').click();
    await admin.page.getByRole('dialog', { name: 'Rotate Test ATS?' }).getByRole('button', { name: 'Rotate key' }).click();
    const fresh = (await admin.page.getByTestId('new-api-key').textContent())!.trim();
    await admin.page.getByText('The old secret no longer works.').waitFor();
    expect((await new ApiClient(t.url, ws.apiKey).get('/api/positions')).status).toBe(401);
    expect((await new ApiClient(t.url, fresh).get('/api/positions')).status).toBe(200);
    await admin.button('Revoke Test ATS').first().click();
    await admin.page.getByRole('dialog', { name: 'Revoke Test ATS?' }).getByRole('button', { name: 'Revoke key' }).click();
    await admin.page.locator('api-keys-settings tbody tr', { hasText: 'Revoked' }).first().waitFor();
    expect((await new ApiClient(t.url, fresh).get('/api/positions')).status).toBe(401);
  });

  it('edits a webhook, pauses it, and rotates the signing secret', async () => {
    const created = await ws.session.post('/api/webhooks', { url: 'http://127.0.0.1:9/hooks', events: ['interview.finish'] });
    expect(created.status).toBe(201);
    await admin.goto('/admin/settings/webhooks');
    const item = admin.page.locator('webhook-item');
    await item.getByRole('button', { name: 'Edit' }).click();
    await item.getByLabel('The score changes').check();
    await item.getByRole('button', { name: 'Save webhook' }).click();
    await item.getByText('interview.score-updated').waitFor();
    // Pausing cancels what is queued, retries too: it asks first, and Cancel leaves the webhook active.
    await item.getByRole('button', { name: 'Pause' }).click();
    const pause = item.getByRole('dialog', { name: 'Pause this webhook?' });
    await pause.getByText(/those waiting to go out or due for a retry are cancelled \(one already on its way still arrives\), and events that happen while it is paused are not queued/).waitFor();
    await pause.getByRole('button', { name: 'Cancel' }).click();
    await pause.waitFor({ state: 'hidden' });
    expect((await ws.session.get(`/api/webhooks/${created.body.id}`)).body.active).toBe(true);
    await item.getByRole('button', { name: 'Pause' }).click();
    await pause.getByRole('button', { name: 'Pause webhook' }).click();
    await item.getByText('Paused', { exact: true }).waitFor();
    // Focus is back on the switch, which now offers to activate the webhook.
    await expect.poll(() => isFocused(item.getByRole('button', { name: 'Activate', exact: true }))).toBe(true);
    const webhook = (await ws.session.get(`/api/webhooks/${created.body.id}`)).body;
    expect(webhook).toMatchObject({ active: false, events: ['interview.finish', 'interview.score-updated'] });
    // A paused webhook sends nothing, so its test ping is refused rather than queued to be cancelled.
    await item.getByRole('button', { name: 'Send test ping' }).click();
    await item.getByRole('alert').getByText('This webhook is paused; activate it to send it events').waitFor();
    expect((await ws.session.get(`/api/webhooks/${created.body.id}/deliveries`)).body.items).toEqual([]);

    await admin.button('Reveal secret').click();
    const before = (await admin.page.getByTestId('webhook-secret').textContent())!.trim();
    await admin.button('Rotate secret').click();
    // Only webhook-signature carries the old secret's signature for a day: a Hireflix-style ATS needs the new one at once.
    const confirm = admin.page.getByRole('dialog', { name: 'Rotate the signing secret?' });
    await confirm.getByText(/x-hireflix-signature header, which Hireflix-style applicant tracking systems check, uses it at once/).waitFor();
    await confirm.getByRole('button', { name: 'Rotate secret' }).click();
    await expect.poll(async () => (await admin.page.getByTestId('webhook-secret').textContent())!.trim()).not.toBe(before);
    const rotationNote = admin.page.getByText(/header also carries a signature made with the previous secret/);
    expect(await rotationNote.innerText()).toMatch(/^Until .+ the webhook-signature header also carries a signature made with the previous secret\. x-hireflix-signature, which Hireflix-style applicant tracking systems check, already uses this secret: give it to them now\.$/);
    // The events offered are those that are sent: starting an interview sends no status change.
    await admin.page.locator('webhooks-settings webhook-form').first().getByLabel('The status changes (completed, shortlisted, discarded, expired, cancelled)').waitFor();
    expect(admin.unexpectedErrors()).toEqual([]);
  });

  it('refreshes an open delivery’s details with the log, and keeps refreshing after a refresh failed', async () => {
    const receiver = await WebhookReceiver.start(() => t.clock.now());
    const cleanUp: (() => Promise<void>)[] = [() => receiver.down()];
    try {
      const created = await ws.session.post('/api/webhooks', { url: `${receiver.url}/hook`, events: ['interview.finish'] });
      expect(created.status).toBe(201);
      // The next load of the log fails, once (the server is restarting, say).
      let failures = 0;
      const theLog = (url: URL) => url.pathname === `/api/webhooks/${created.body.id}/deliveries`;
      await admin.page.route(theLog, (route) =>
        failures++ === 0 ? route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'The server is restarting' } }) }) : route.continue(),
      );
      cleanUp.push(() => admin.page.unroute(theLog));
      await admin.goto('/admin/settings/webhooks');
      const item = admin.page.locator('webhook-item', { hasText: receiver.url });
      // The first load is the one that fails; the ping's reload shows it pending.
      await item.getByRole('button', { name: 'Delivery log' }).click();
      await item.getByText('The server is restarting').waitFor();
      await item.getByRole('button', { name: 'Send test ping' }).click();
      const row = item.locator('tr[data-delivery]');
      await row.getByText('Pending').waitFor();
      await item.getByRole('button', { name: /Details/ }).click();
      await item.getByText('Not attempted yet.').waitFor();

      // A reload fails while the ping is on its way: the log keeps looking, and the open details follow.
      failures = 0;
      await item.getByText('The server is restarting').waitFor();
      expect(await t.drainWebhooks()).toBe(1);
      await row.getByText('Delivered').waitFor({ timeout: 15_000 });
      await item.locator('tr.detail').getByText(/#1 at .*: HTTP 200 in \d+ ms/).waitFor();
      expect(await item.getByRole('alert').count()).toBe(0);
      expect(receiver.received.map((r) => r.json.event)).toEqual(['webhook.ping']);
      expect(admin.unexpectedErrors().filter((e) => !/status of 503/.test(e))).toEqual([]);
    } finally {
      for (const step of cleanUp.reverse()) await step();
    }
  });
});
