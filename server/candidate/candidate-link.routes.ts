import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { html, raw } from 'hono/html';
import { serveStatic } from '@hono/node-server/serve-static';
import type { AppEnv } from '../http/actor.ts';
import { AppError } from '../shared/errors.ts';
import type { CandidateService } from './candidate.service.ts';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/web-candidate');

const closedMessages: Record<string, { title: string; body: string }> = {
  expired: { title: 'This interview has expired', body: 'The deadline passed before the interview was completed. Ask the recruiter for a new invitation if you still want to apply.' },
  cancelled: { title: 'This interview was cancelled', body: 'The recruiter cancelled this invitation. Nothing more is needed from you.' },
  completed: { title: 'This interview is complete', body: 'Your answers have been submitted. Thank you!' },
};

const fallbackPage = (title: string, body: ReturnType<typeof html>) => html`<!doctype html>
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <title>${title}</title>
      <style>
        body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; color: #1a1a1a; line-height: 1.5; }
        .intro { white-space: pre-wrap; }
      </style>
    </head>
    <body>
      <main>${body}</main>
    </body>
  </html>`;

/** The built candidate app with the page title and a no-script summary filled in on the server. */
async function candidateAppPage(title: string, summary: ReturnType<typeof html>): Promise<string | null> {
  const index = path.join(appDir, 'index.html');
  if (!fs.existsSync(index)) return null;
  const template = await fs.promises.readFile(index, 'utf8');
  const safeTitle = String(await html`${title}`);
  const noscript = String(await html`<noscript>${summary}<p>This interview needs JavaScript, a camera and a microphone.</p></noscript>`);
  return template.replace(/<title>[^<]*<\/title>/, `<title>${safeTitle}</title>`).replace('<body>', `<body>${noscript}`);
}

/** The candidate's entry points: the short link redirects, the private link opens the interview app. */
export function candidateLinkRoutes(candidates: CandidateService) {
  const app = new Hono<AppEnv>();
  const notValid = (c: any, error: AppError) => c.html(fallbackPage('Link not valid', html`<h1>This link is not valid</h1><p>${error.message}</p>`), 404);

  app.get('/c/:hash', async (c) => {
    try {
      return c.redirect(`/i/${await candidates.tokenForShortCode(c.req.param('hash'))}`, 302);
    } catch (error) {
      if (error instanceof AppError) return notValid(c, error);
      throw error;
    }
  });

  app.get('/i/:token', async (c) => {
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Cache-Control', 'no-store');
    try {
      const view = await candidates.view(c.req.param('token'));
      const closed = view.submitted && view.status !== 'expired' && view.status !== 'cancelled' ? closedMessages.completed : closedMessages[view.status];
      const title = closed?.title ?? `${view.position.name}: video interview`;
      const summary = closed
        ? html`<h1>${closed.title}</h1><p>${closed.body}</p>`
        : html`<h1>${view.position.name}</h1>
            <p>Hi ${view.candidateFirstName}, welcome to your video interview: ${view.questions.length} questions.</p>
            <div class="intro">${view.position.introMessage}</div>`;
      const page = await candidateAppPage(title, summary);
      return c.html(page ? raw(page) : fallbackPage(title, summary), 200);
    } catch (error) {
      if (error instanceof AppError) {
        const page = await candidateAppPage('Link not valid', html`<h1>This link is not valid</h1><p>${error.message}</p>`);
        return page ? c.html(raw(page), 404) : notValid(c, error);
      }
      throw error;
    }
  });

  app.use(
    '/candidate/*',
    serveStatic({
      root: path.relative(process.cwd(), appDir),
      rewriteRequestPath: (p) => p.replace(/^\/candidate/, ''),
      onFound: (p, c) => {
        // Vite puts a content hash in asset names, so they never change under the same URL.
        if (p.includes('/assets/')) c.header('Cache-Control', 'public, max-age=31536000, immutable');
      },
    }),
  );

  return app;
}
