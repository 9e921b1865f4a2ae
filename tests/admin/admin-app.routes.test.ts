import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAdminAppBuilt } from '../support/admin-browser.ts';
import { startTestPlatform, type TestPlatform } from '../support/test-platform.ts';

/** How the server serves the built admin app: the page for every app URL, hashed assets, and 404 for a missing asset. */
describe('the admin app as the server serves it', () => {
  let t: TestPlatform;

  beforeAll(async () => {
    await ensureAdminAppBuilt();
    t = await startTestPlatform('sqlite');
  });
  afterAll(async () => {
    await t.stop();
  });

  it('answers every app URL with the app page, without caching it', async () => {
    for (const path of ['/admin/', '/admin/login', '/admin/interviews/abc123', '/admin/join?token=x', '/admin/settings/webhooks', '/admin/templates/p1/edit']) {
      const res = await fetch(`${t.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      const page = await res.text();
      expect(page).toContain('<admin-app></admin-app>');
      // Without SMTP_URL the app is told to point people to the outbox.
      expect(page).toContain('<meta name="smtp-configured" content="false" />');
    }
    const bare = await fetch(`${t.url}/admin`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/admin/');
  });

  it('serves the hashed bundle for a year and refuses a missing one', async () => {
    const page = await (await fetch(`${t.url}/admin/`)).text();
    const script = page.match(/src="(\/admin\/assets\/[^"]+\.js)"/)?.[1];
    expect(script).toBeTruthy();
    const asset = await fetch(`${t.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const missing = await fetch(`${t.url}/admin/assets/index-missing.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type') ?? '').not.toContain('text/html');
  });

  it('leaves the API and the candidate pages alone', async () => {
    expect((await fetch(`${t.url}/api/setup`)).headers.get('content-type')).toContain('application/json');
    expect((await fetch(`${t.url}/api/nope`)).status).toBe(404);
  });
});
