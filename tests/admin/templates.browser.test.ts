import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeOwnerSession, openOwnerSession, type AdminPage } from '../support/admin-browser.ts';
import { createPosition, type TestPlatform, type TestWorkspace } from '../support/test-platform.ts';

/** Keeping templates: edit and save, duplicate, archive and restore. */
describe('interview templates in Chromium', { timeout: 60_000 }, () => {
  let t: TestPlatform;
  let ws: TestWorkspace;
  let browser: Browser;
  let admin: AdminPage;
  let positionId: string;

  beforeAll(async () => {
    ({ t, ws, browser, admin } = await openOwnerSession({
      startAt: async (_t, workspace) => {
        positionId = (await createPosition(workspace.api, 'Barista')).id;
        return '/admin/templates';
      },
    }));
  });

  afterAll(() => closeOwnerSession({ t, browser }));

  it('edits a template: a question removed, one changed, saved in order', async () => {
    await admin.link('Edit Barista').click();
    await admin.heading('Edit template').waitFor();
    const first = admin.page.locator('question-editor').first();
    await first.getByLabel('Question', { exact: true }).fill('Tell us about your favourite coffee');
    await first.getByLabel('Retakes').selectOption('3');
    await admin.button('Remove question 2').click();
    expect(await admin.page.locator('question-editor').count()).toBe(1);
    await admin.button('Save changes').click();
    await admin.page.getByRole('status').filter({ hasText: 'Template saved.' }).waitFor();
    const saved = (await ws.api.get(`/api/positions/${positionId}`)).body;
    expect(saved.questions).toHaveLength(1);
    expect(saved.questions[0]).toMatchObject({ title: 'Tell us about your favourite coffee', retakes: 3, thinkTimeSeconds: 10, maxAnswerSeconds: 60 });
  });

  it("refuses a save made on a version someone else has since saved, and reloads theirs", async () => {
    const florist = await createPosition(ws.api, 'Florist');
    await admin.goto('/admin/templates');
    await admin.link('Edit Florist').click();
    await admin.heading('Edit template').waitFor();
    // A colleague adds a question while this editor is open.
    t.clock.advance(1000);
    expect((await ws.api.post(`/api/positions/${florist.id}/questions`, { title: 'Added by a colleague' })).status).toBe(201);
    await admin.page.getByLabel('Template name').fill('Florist, my version');
    await admin.button('Save changes').click();
    const alert = admin.page.getByRole('alert').filter({ hasText: 'Someone else saved this template' });
    await alert.waitFor();
    const kept = (await ws.api.get(`/api/positions/${florist.id}`)).body;
    expect(kept.name).toBe('Florist');
    expect(kept.questions.map((q: { title: string }) => q.title)).toContain('Added by a colleague');
    await alert.getByRole('button', { name: 'Reload the template (your unsaved changes are lost)' }).click();
    await admin.page.locator('question-editor').nth(2).waitFor();
    expect(await admin.page.getByLabel('Template name').inputValue()).toBe('Florist');
    expect(await admin.page.locator('question-editor').count()).toBe(3);
    // Their version is now the one edited: saving works.
    await admin.page.getByLabel('Template name').fill('Florist, our version');
    await admin.button('Save changes').click();
    await admin.page.getByRole('status').filter({ hasText: 'Template saved.' }).waitFor();
    const saved = (await ws.api.get(`/api/positions/${florist.id}`)).body;
    expect(saved.name).toBe('Florist, our version');
    expect(saved.questions).toHaveLength(3);
  });

  it('asks before a link or Back leaves unsaved changes, and stays when told to', async () => {
    const tailor = await createPosition(ws.api, 'Tailor');
    await admin.goto('/admin/templates');
    await admin.link('Edit Tailor').click();
    await admin.heading('Edit template').waitFor();
    await admin.page.getByLabel('Template name').fill('Tailor, unsaved');
    const templatesLink = admin.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Templates' });
    const answers: boolean[] = [false, false, true];
    const asked: string[] = [];
    const onDialog = async (dialog: import('playwright-core').Dialog) => {
      asked.push(dialog.message());
      if (answers.shift()) await dialog.accept();
      else await dialog.dismiss();
    };
    admin.page.on('dialog', onDialog);
    try {
      await templatesLink.click();
      await expect.poll(() => asked.length).toBe(1);
      expect(asked[0]).toContain('without saving');
      expect(new URL(admin.page.url()).pathname).toBe(`/admin/templates/${tailor.id}/edit`);
      expect(await admin.page.getByLabel('Template name').inputValue()).toBe('Tailor, unsaved');
      await admin.page.goBack();
      await expect.poll(() => asked.length).toBe(2);
      await expect.poll(() => new URL(admin.page.url()).pathname).toBe(`/admin/templates/${tailor.id}/edit`);
      expect(await admin.page.getByLabel('Template name').inputValue()).toBe('Tailor, unsaved');
      await templatesLink.click();
      await admin.heading('Interview templates').waitFor();
    } finally {
      admin.page.off('dialog', onDialog);
    }
    expect(asked).toHaveLength(3);
    expect((await ws.api.get(`/api/positions/${tailor.id}`)).body.name).toBe('Tailor');
  });

  it('duplicates a template and opens the copy to edit', async () => {
    await admin.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Templates' }).click();
    await admin.button('Duplicate Barista').click();
    await admin.heading('Edit template').waitFor();
    const copyId = new URL(admin.page.url()).pathname.split('/')[3]!;
    expect(copyId).not.toBe(positionId);
    const copy = (await ws.api.get(`/api/positions/${copyId}`)).body;
    expect(copy.questions.map((q: { title: string }) => q.title)).toEqual(['Tell us about your favourite coffee']);
    expect(await admin.page.getByLabel('Template name').inputValue()).toBe(copy.name);
  });

  it('archives a template after asking, and restores it', async () => {
    await admin.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Templates' }).click();
    await admin.page.getByRole('button', { name: 'Archive Barista', exact: true }).click();
    const dialog = admin.page.getByRole('dialog', { name: 'Archive Barista?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await ws.api.get(`/api/positions/${positionId}`)).body.archived).toBe(false);
    await admin.page.getByRole('button', { name: 'Archive Barista', exact: true }).click();
    await dialog.getByRole('button', { name: 'Archive' }).click();
    await expect.poll(async () => (await ws.api.get(`/api/positions/${positionId}`)).body.archived).toBe(true);
    await admin.link('Archived').click();
    await admin.button('Restore Barista').click();
    await expect.poll(async () => (await ws.api.get(`/api/positions/${positionId}`)).body.archived).toBe(false);
    // An archived template's pipeline stays readable but takes no new invitations.
    await ws.api.post(`/api/positions/${positionId}/archive`);
    await admin.goto(`/admin/templates/${positionId}`);
    await admin.page.getByText('Archived', { exact: true }).waitFor();
    expect(await admin.button('Invite candidates').first().isDisabled()).toBe(true);
    expect(admin.unexpectedErrors()).toEqual([]);
  });
});
