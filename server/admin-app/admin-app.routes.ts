import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import { serveStatic } from '@hono/node-server/serve-static';
import type { AppEnv } from '../http/actor.ts';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/web-admin');

export interface AdminAppOptions {
  /** Without SMTP the app points recruiters to the email outbox. */
  smtpConfigured: boolean;
}

const notBuiltPage = html`<!doctype html>
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>Admin app not built</title>
      <style>
        body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #1a1a1a; line-height: 1.5; }
      </style>
    </head>
    <body>
      <main>
        <h1>The admin app is not built</h1>
        <p>Build it with <code>npx vite build --config web-admin/vite.config.ts</code> and reload this page. The API works without it.</p>
      </main>
    </body>
  </html>`;

/** The recruiters' single-page app: static assets under /admin/assets/, index.html for every other /admin path. */
export function adminAppRoutes(options: AdminAppOptions) {
  const app = new Hono<AppEnv>();
  let cachedIndex: { mtimeMs: number; page: string } | undefined;

  async function indexPage(): Promise<string | null> {
    const file = path.join(appDir, 'index.html');
    const stat = await fs.promises.stat(file).catch(() => null);
    if (!stat) return null;
    if (cachedIndex?.mtimeMs !== stat.mtimeMs) {
      const template = await fs.promises.readFile(file, 'utf8');
      const meta = `<meta name="smtp-configured" content="${options.smtpConfigured ? 'true' : 'false'}" />`;
      cachedIndex = { mtimeMs: stat.mtimeMs, page: template.replace('</head>', `    ${meta}\n  </head>`) };
    }
    return cachedIndex.page;
  }

  const sendIndex = async (c: Context<AppEnv>) => {
    c.header('Cache-Control', 'no-store');
    c.header('X-Frame-Options', 'DENY');
    c.header('Referrer-Policy', 'same-origin');
    c.header('X-Content-Type-Options', 'nosniff');
    const page = await indexPage();
    return page ? c.html(page, 200) : c.html(notBuiltPage, 503);
  };

  app.get('/admin', (c) => c.redirect('/admin/', 301));
  app.use(
    '/admin/assets/*',
    serveStatic({
      root: path.relative(process.cwd(), appDir),
      rewriteRequestPath: (p) => p.replace(/^\/admin/, ''),
      onFound: (_p, c) => {
        // Vite puts a content hash in asset names, so they never change under the same URL.
        c.header('Cache-Control', 'public, max-age=31536000, immutable');
      },
    }),
  );
  // A missing asset is a 404, not the app page: a stale tab asking for an old bundle must not get HTML.
  app.get('/admin/assets/*', (c) => c.text('Not found', 404));
  app.get('/admin/', sendIndex);
  app.get('/admin/*', sendIndex);

  return app;
}
