import { Hono } from 'hono';
import { html } from 'hono/html';
import type { AppEnv } from '../http/actor.ts';
import { AppError } from '../shared/errors.ts';
import type { CandidateService } from './candidate.service.ts';

const closedMessages: Record<string, { title: string; body: string }> = {
  expired: { title: 'This interview has expired', body: 'The deadline passed before the interview was completed. Ask the recruiter for a new invitation if you still want to apply.' },
  cancelled: { title: 'This interview was cancelled', body: 'The recruiter cancelled this invitation. Nothing more is needed from you.' },
  completed: { title: 'This interview is complete', body: 'Your answers have been submitted. Thank you!' },
};

const page = (title: string, body: ReturnType<typeof html>) => html`<!doctype html>
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

/** The candidate's entry points: the short link redirects, the private link opens the interview. */
export function candidateLinkRoutes(candidates: CandidateService) {
  const app = new Hono<AppEnv>();

  app.get('/c/:hash', async (c) => {
    try {
      return c.redirect(`/i/${await candidates.tokenForShortCode(c.req.param('hash'))}`, 302);
    } catch (error) {
      if (error instanceof AppError) return c.html(page('Link not valid', html`<h1>This link is not valid</h1><p>${error.message}</p>`), 404);
      throw error;
    }
  });

  app.get('/i/:token', async (c) => {
    c.header('Referrer-Policy', 'no-referrer');
    try {
      const view = await candidates.view(c.req.param('token'));
      const closed = closedMessages[view.status];
      if (closed) return c.html(page(closed.title, html`<h1>${closed.title}</h1><p>${closed.body}</p>`), 200);
      return c.html(
        page(
          view.position.name,
          html`<h1>${view.position.name}</h1>
            <p>Hi ${view.candidateFirstName}, welcome to your video interview: ${view.questionCount} questions.</p>
            <div class="intro">${view.position.introMessage}</div>`,
        ),
        200,
      );
    } catch (error) {
      if (error instanceof AppError) return c.html(page('Link not valid', html`<h1>This link is not valid</h1><p>${error.message}</p>`), 404);
      throw error;
    }
  });

  app.get('/api/candidate/:token', async (c) => c.json(await candidates.view(c.req.param('token'))));

  return app;
}
