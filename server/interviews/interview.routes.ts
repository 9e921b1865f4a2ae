import { createRoute, z } from '@hono/zod-openapi';
import { asAdmin, inWorkspace, type WorkspaceActor } from '../http/actor.ts';
import { IdParam, PageQuery, createRouter, errorResponses, jsonBody, jsonResponse } from '../http/router.ts';
import { AppError, validationFailed } from '../shared/errors.ts';
import { MAX_CSV_BYTES, parseCandidateCsv } from './candidate-csv.ts';
import { withoutCandidateLink } from './interview-links.ts';
import { BulkInviteInput, BulkInviteReport, CandidateInput, Interview, InterviewDetail, InterviewStatusEnum, InterviewUpdate, type InterviewView } from './interview.schemas.ts';
import type { InterviewService } from './interview.service.ts';

const tags = ['Interviews'];
const detail = jsonResponse(InterviewDetail, 'The interview');

const ListQuery = z.object({
  positionId: z.string().max(64).optional(),
  status: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (!s) return undefined;
      const parts = s.split(',').map((p) => p.trim());
      const bad = parts.filter((p) => !InterviewStatusEnum.safeParse(p).success);
      if (bad.length) ctx.addIssue({ code: 'custom', message: `unknown status ${bad.join(', ')}; use ${InterviewStatusEnum.options.join(', ')}` });
      return parts as z.infer<typeof InterviewStatusEnum>[];
    })
    .openapi({ description: 'One or more statuses, comma-separated', example: 'pending,in_progress' }),
  decision: z.enum(['shortlisted', 'discarded', 'undecided']).optional(),
  email: z.string().max(254).optional(),
  q: z.string().max(200).optional().openapi({ description: 'Search in candidate name and email' }),
  ...PageQuery,
});

/** Reviewers see an interview without the candidate's link (see withoutCandidateLink). */
function seenBy<T extends InterviewView>(actor: WorkspaceActor, view: T): T {
  return actor.role === 'reviewer' ? withoutCandidateLink(view) : view;
}

export function interviewRoutes(interviews: InterviewService) {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/interviews',
      tags,
      summary: 'List interviews (invitations), newest first, with filters and cursor pagination',
      request: { query: ListQuery },
      responses: { 200: jsonResponse(z.object({ items: z.array(Interview), nextCursor: z.string().nullable() }), 'A page of interviews'), ...errorResponses },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const actor = inWorkspace(c);
      const page = await interviews.list(actor.workspaceId, { ...q, search: q.q });
      return c.json({ ...page, items: page.items.map((item) => seenBy(actor, item)) }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/positions/{id}/interviews',
      tags,
      summary: 'Invite one candidate to a position',
      request: { params: IdParam, ...jsonBody(CandidateInput) },
      responses: { 201: detail, ...errorResponses },
    }),
    async (c) => c.json(await interviews.invite(asAdmin(c).workspaceId, c.req.valid('param').id, c.req.valid('json')), 201),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/positions/{id}/interviews/bulk',
      tags,
      summary: 'Invite many candidates: JSON {candidates: [...]} or a CSV body (text/csv) with a header row',
      description:
        'CSV columns (header names are matched loosely): name or first name + last name, email, phone, external id. Query `expiresAt` and `sendEmail=false` apply to CSV rows. Each row is invited on its own and reported.',
      request: {
        params: IdParam,
        query: z.object({ expiresAt: z.string().max(40).optional(), sendEmail: z.enum(['true', 'false']).optional() }),
        body: {
          content: { 'application/json': { schema: BulkInviteInput }, 'text/csv': { schema: z.string().openapi({ format: 'binary' }) } },
          // Not `required`: a required body runs the JSON validator on every request, CSV ones included.
          required: false,
        },
      },
      responses: { 200: jsonResponse(BulkInviteReport, 'What was created and what was rejected, per row'), ...errorResponses },
    }),
    async (c) => {
      const { workspaceId } = asAdmin(c);
      const positionId = c.req.valid('param').id;
      if ((c.req.header('content-type') ?? '').startsWith('text/csv')) {
        // Read before refusing (the 2 MiB body limit bounds it): answering mid-upload makes the server drop the connection under the client's next request.
        const text = await c.req.text();
        if (Buffer.byteLength(text) > MAX_CSV_BYTES) throw new AppError('payload_too_large', 'The CSV is larger than 1 MiB');
        const query = c.req.valid('query');
        const options = BulkInviteInput.pick({ expiresAt: true, sendEmail: true }).safeParse({
          expiresAt: query.expiresAt,
          sendEmail: query.sendEmail !== 'false',
        });
        if (!options.success) throw validationFailed(options.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
        const { expiresAt, sendEmail } = options.data;
        return c.json(await interviews.bulkInvite(workspaceId, positionId, parseCandidateCsv(text), { expiresAt, sendEmail }), 200);
      }
      const body = c.req.valid('json') as Exclude<ReturnType<typeof c.req.valid<'json'>>, string>;
      // Without a content type the JSON validator is skipped and hands over an empty object.
      if (!body.candidates) throw validationFailed([{ path: 'candidates', message: 'is required: send {"candidates": [...]} as JSON, or a text/csv body' }]);
      return c.json(await interviews.bulkInvite(workspaceId, positionId, body.candidates, { expiresAt: body.expiresAt, sendEmail: body.sendEmail }), 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/interviews/{id}', tags, summary: 'Get an interview', request: { params: IdParam }, responses: { 200: detail, ...errorResponses } }),
    async (c) => {
      const actor = inWorkspace(c);
      return c.json(seenBy(actor, await interviews.get(actor.workspaceId, c.req.valid('param').id)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/interviews/{id}',
      tags,
      summary: 'Edit candidate details, deadline or reviewer (before the candidate submits)',
      request: { params: IdParam, ...jsonBody(InterviewUpdate) },
      responses: { 200: detail, ...errorResponses },
    }),
    async (c) => c.json(await interviews.update(asAdmin(c).workspaceId, c.req.valid('param').id, c.req.valid('json')), 200),
  );

  app.openapi(
    createRoute({ method: 'post', path: '/interviews/{id}/cancel', tags, summary: 'Cancel an invitation', request: { params: IdParam }, responses: { 200: detail, ...errorResponses } }),
    async (c) => c.json(await interviews.cancel(asAdmin(c).workspaceId, c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({ method: 'post', path: '/interviews/{id}/resend', tags, summary: 'Email the invitation again', request: { params: IdParam }, responses: { 200: detail, ...errorResponses } }),
    async (c) => c.json(await interviews.resend(asAdmin(c).workspaceId, c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/interviews/{id}/decision',
      tags,
      summary: 'Shortlist or discard a completed interview (null clears the decision)',
      request: { params: IdParam, ...jsonBody(z.object({ decision: z.enum(['shortlisted', 'discarded']).nullable() })) },
      responses: { 200: detail, ...errorResponses },
    }),
    async (c) => {
      const actor = inWorkspace(c);
      return c.json(seenBy(actor, await interviews.decide(actor.workspaceId, c.req.valid('param').id, c.req.valid('json').decision)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/interviews/{id}',
      tags,
      summary: "Delete an interview and the candidate's recordings",
      request: { params: IdParam },
      responses: { 200: jsonResponse(Interview, 'The interview as it was'), ...errorResponses },
    }),
    async (c) => c.json(await interviews.delete(asAdmin(c).workspaceId, c.req.valid('param').id), 200),
  );

  return app;
}
