import { createRoute, z } from '@hono/zod-openapi';
import { asAdmin, inWorkspace } from '../http/actor.ts';
import { IdParam, createRouter, errorResponses, jsonBody, jsonResponse } from '../http/router.ts';
import { Position, PositionInput, PositionUpdate, QuestionInput, QuestionUpdate } from './position.schemas.ts';
import type { PositionService } from './position.service.ts';

const tags = ['Positions'];
const QuestionParams = IdParam.extend({ questionId: z.string().min(1).max(64).openapi({ param: { name: 'questionId', in: 'path' } }) });
const ok = jsonResponse(Position, 'The position with its questions');

export function positionRoutes(positions: PositionService) {
  const app = createRouter();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/positions',
      tags,
      summary: 'List interview templates (positions)',
      request: { query: z.object({ archived: z.enum(['active', 'archived', 'all']).default('active') }) },
      responses: { 200: jsonResponse(z.object({ items: z.array(Position) }), 'Positions, newest first'), ...errorResponses },
    }),
    async (c) => c.json({ items: await positions.list(inWorkspace(c).workspaceId, c.req.valid('query').archived) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/positions',
      tags,
      summary: 'Create a position with its questions',
      request: jsonBody(PositionInput),
      responses: { 201: ok, ...errorResponses },
    }),
    async (c) => c.json(await positions.create(asAdmin(c).workspaceId, c.req.valid('json')), 201),
  );

  app.openapi(
    createRoute({ method: 'get', path: '/positions/{id}', tags, summary: 'Get a position', request: { params: IdParam }, responses: { 200: ok, ...errorResponses } }),
    async (c) => c.json(await positions.get(inWorkspace(c).workspaceId, c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/positions/{id}',
      tags,
      summary: 'Edit a position; `questions`, when given, is the full ordered list (items with an id keep that question)',
      request: { params: IdParam, ...jsonBody(PositionUpdate) },
      responses: { 200: ok, ...errorResponses },
    }),
    async (c) => c.json(await positions.update(asAdmin(c).workspaceId, c.req.valid('param').id, c.req.valid('json')), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/positions/{id}/questions',
      tags,
      summary: 'Add a question at the end',
      request: { params: IdParam, ...jsonBody(QuestionInput) },
      responses: { 201: ok, ...errorResponses },
    }),
    async (c) => c.json(await positions.addQuestion(asAdmin(c).workspaceId, c.req.valid('param').id, c.req.valid('json')), 201),
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/positions/{id}/questions/{questionId}',
      tags,
      summary: 'Edit one question',
      request: { params: QuestionParams, ...jsonBody(QuestionUpdate) },
      responses: { 200: ok, ...errorResponses },
    }),
    async (c) => {
      const { id, questionId } = c.req.valid('param');
      return c.json(await positions.updateQuestion(asAdmin(c).workspaceId, id, questionId, c.req.valid('json')), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/positions/{id}/questions/{questionId}',
      tags,
      summary: 'Remove one question',
      request: { params: QuestionParams },
      responses: { 200: ok, ...errorResponses },
    }),
    async (c) => {
      const { id, questionId } = c.req.valid('param');
      return c.json(await positions.deleteQuestion(asAdmin(c).workspaceId, id, questionId), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'put',
      path: '/positions/{id}/questions/order',
      tags,
      summary: 'Reorder the questions',
      request: { params: IdParam, ...jsonBody(z.object({ questionIds: z.array(z.string().max(64)).max(50) })) },
      responses: { 200: ok, ...errorResponses },
    }),
    async (c) => c.json(await positions.reorder(asAdmin(c).workspaceId, c.req.valid('param').id, c.req.valid('json').questionIds), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/positions/{id}/duplicate',
      tags,
      summary: 'Copy a position and its questions',
      request: { params: IdParam, body: { content: { 'application/json': { schema: z.object({ name: z.string().trim().min(1).max(200).optional() }) } } } },
      responses: { 201: ok, ...errorResponses },
    }),
    async (c) => c.json(await positions.duplicate(asAdmin(c).workspaceId, c.req.valid('param').id, c.req.valid('json')?.name), 201),
  );

  for (const [action, archived] of [['archive', true], ['unarchive', false]] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/positions/{id}/${action}`,
        tags,
        summary: archived ? 'Archive a position (no new invitations)' : 'Bring an archived position back',
        request: { params: IdParam },
        responses: { 200: ok, ...errorResponses },
      }),
      async (c) => c.json(await positions.setArchived(asAdmin(c).workspaceId, c.req.valid('param').id, archived), 200),
    );
  }

  return app;
}
