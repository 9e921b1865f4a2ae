import { createRoute, z } from '@hono/zod-openapi';
import { asAdmin } from '../http/actor.ts';
import { PageQuery, createRouter, errorResponses, jsonResponse } from '../http/router.ts';
import type { EmailService } from './email.service.ts';

const Email = z
  .object({
    id: z.string(),
    kind: z.enum(['invitation', 'reminder', 'completed', 'member_invitation']),
    to: z.string(),
    subject: z.string(),
    text: z.string(),
    html: z.string(),
    status: z.enum(['queued', 'sent', 'failed']),
    transport: z.enum(['smtp', 'outbox']).nullable(),
    attempts: z.number(),
    lastError: z.string().nullable(),
    interviewId: z.string().nullable(),
    createdAt: z.number(),
    sentAt: z.number().nullable(),
  })
  .openapi('Email');

export function emailRoutes(emails: EmailService) {
  const app = createRouter();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/emails',
      tags: ['Email outbox'],
      summary: 'Emails the workspace sent or queued (the outbox when no SMTP server is configured)',
      request: { query: z.object({ interviewId: z.string().max(64).optional(), to: z.string().max(254).optional(), ...PageQuery }) },
      responses: { 200: jsonResponse(z.object({ items: z.array(Email), nextCursor: z.string().nullable() }), 'A page of emails'), ...errorResponses },
    }),
    async (c) => c.json(await emails.list(asAdmin(c).workspaceId, c.req.valid('query')), 200),
  );
  return app;
}
